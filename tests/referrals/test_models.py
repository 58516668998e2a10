from __future__ import annotations

import pytest

from referrals.models import ActivityLevel, activity_level


@pytest.mark.parametrize(
    ("minutes", "level"),
    [
        (0, ActivityLevel.INACTIVE),
        (29, ActivityLevel.INACTIVE),
        (30, ActivityLevel.FAIRLY_ACTIVE),
        (149, ActivityLevel.FAIRLY_ACTIVE),
        (150, ActivityLevel.ACTIVE),
        (10_080, ActivityLevel.ACTIVE),
        (None, None),
    ],
)
def test_activity_level_follows_active_lives_bands(minutes, level):
    assert activity_level(minutes) == level

from __future__ import annotations

import pytest

from activeportal.lib.concurrency import StaleEditError, save_if_unchanged
from districts.models import ActionItem
from tests.factories import ActionItemFactory

pytestmark = pytest.mark.django_db


def test_a_save_from_the_current_version_is_applied_and_bumps_the_version(breckland):
    action = ActionItemFactory(priority__framework__district=breckland)
    action.status = ActionItem.Status.DONE
    save_if_unchanged(action, expected_version=1)
    action.refresh_from_db()
    assert (action.status, action.version) == (ActionItem.Status.DONE, 2)


def test_a_save_from_a_stale_version_is_refused_and_nothing_is_written(breckland):
    action = ActionItemFactory(priority__framework__district=breckland)
    first = ActionItem.objects.get(pk=action.pk)
    second = ActionItem.objects.get(pk=action.pk)
    first.status = ActionItem.Status.AT_RISK
    save_if_unchanged(first, expected_version=1)
    second.status = ActionItem.Status.DONE
    with pytest.raises(StaleEditError, match="changed by someone else"):
        save_if_unchanged(second, expected_version=1)
    action.refresh_from_db()
    assert (action.status, action.version) == (ActionItem.Status.AT_RISK, 2)

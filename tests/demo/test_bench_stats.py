"""bench_stats at a small size: it prints the figures, and the floor agrees with the rebuild."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from demo import bench
from reports import services
from reports.models import ImpactSnapshot, SnapshotBuild
from tests.factories import FollowUpFactory, ReferralFactory, ReferrerOrganisationFactory, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def some_history(breckland, norwich):
    services.social_value_model_create_default()
    orgs = [ReferrerOrganisationFactory(district=d) for d in (breckland, norwich)]
    for i in range(30):
        referral = ReferralFactory(
            statistical=True,
            organisation=orgs[i % 2],
            district=(breckland, norwich, None)[i % 3],
            pathway=("general", "falls", "smi")[i % 3],
            imd_decile=None if i % 7 == 0 else 1 + i % 10,
            baseline_minutes=None if i % 11 == 0 else (i * 13) % 300,
            status=("submitted", "active", "completed", "declined")[i % 4],
            submitted_at=at(2023 + i % 2, 1 + i % 12, 1 + i % 27),
        )
        if i % 2:
            FollowUpFactory(referral=referral, completed=True, minutes=(i * 37) % 400)


def test_bench_stats_prints_the_timings_and_the_floor_agrees(some_history):
    out = StringIO()
    call_command("bench_stats", "--repeat", "2", stdout=out)
    text = out.getvalue()
    assert "referrals: 30" in text
    assert "rebuild 2:" in text
    assert "rebuild median:" in text
    assert "year refresh 2:" in text
    assert "year refresh median:" in text
    assert "rebuild peak memory:" in text
    assert "MISMATCH" not in text
    assert ImpactSnapshot.objects.filter(district__isnull=True).count() == 3  # 2022-2024
    assert not SnapshotBuild.objects.exists()  # the bench's own build records are removed
    if connection.vendor == "postgresql":
        assert "floor median:" in text
        assert "ratio rebuild / floor:" in text
        assert "floor and rebuild agree" in text
    else:
        assert "PostgreSQL only" in text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the floor is PostgreSQL SQL")
def test_the_floor_reports_a_mismatch_loudly(some_history):
    bench.rebuild_run()
    snapshot = ImpactSnapshot.objects.filter(district__isnull=True, year=2024).get()
    snapshot.figures["referrals"] += 1
    snapshot.save()
    mismatches = bench.compare(bench.floor_run())
    assert len(mismatches) == 1
    assert mismatches[0].startswith("2024 partnership")

"""generate_synthetic: synthetic data at scale that the portal and its reports accept."""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from activeportal.lib.fy import fy_of
from demo import referrals as demo
from funding.models import Allocation
from referrals.models import (
    FollowUp,
    PostcodeLookup,
    ReferenceSequence,
    Referral,
    Status,
    StatusChange,
    activity_level,
)
from referrals.validators import normalise_nhs_number, normalise_postcode
from reports import services

pytestmark = pytest.mark.django_db

AS_OF = "2026-12-01"
N = 2000


def generate(n: int = N, seed: int = 7, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "generate_synthetic",
        "--referrals",
        str(n),
        "--seed",
        str(seed),
        "--as-of",
        AS_OF,
        "--batch-size",
        "700",
        *extra,
        stdout=out,
    )
    return out.getvalue()


@pytest.fixture
def generated():
    return generate()


def test_it_writes_the_referrals_with_one_status_change_each_and_reports_progress(generated):
    assert Referral.objects.count() == N
    assert StatusChange.objects.count() == N
    assert "referrals 700 / 2,000 (35%)" in generated
    assert "referrals 2,000 / 2,000 (100%)" in generated
    assert "peak memory" in generated
    change = StatusChange.objects.select_related("referral").first()
    assert change.to_status == change.referral.status
    assert change.changed_at == change.referral.status_changed_at
    assert not LogEntry.objects.exists()  # no audit-log entry per row


def test_every_follow_up_belongs_to_a_referral_that_became_active(generated):
    follow_ups = FollowUp.objects.select_related("referral")
    assert follow_ups.count() > 0
    per_referral = Counter(f.referral_id for f in follow_ups)
    assert set(per_referral.values()) == {4}  # the whole 6w/12w/6m/12m schedule
    today = date.fromisoformat(AS_OF)
    for f in follow_ups:
        referral = f.referral
        assert referral.status in {Status.ACTIVE, Status.COMPLETED}
        assert f.due_on > timezone.localtime(referral.submitted_at).date()
        if f.completed_on is not None:
            assert f.due_on <= f.completed_on < today
            assert f.minutes is not None
        else:
            assert f.minutes is None and f.life_satisfaction is None
    completed = [f for f in follow_ups if f.completed_on]
    assert completed and any(f.life_satisfaction is not None for f in completed)
    assert any(f.life_satisfaction is None for f in completed)


def test_baseline_levels_follow_the_demo_shares(generated):
    levels = Counter(
        activity_level(m) for m in Referral.objects.values_list("baseline_minutes", flat=True)
    )
    total = sum(demo.REFERRALS_PER_YEAR.values())
    for level, count in demo.BASELINE_LEVELS.items():
        assert levels[level] / N == pytest.approx(count / total, abs=0.04)
    assert levels[None] > 0


def test_the_latest_follow_up_level_is_a_plausible_transition(generated):
    latest = {}
    for f in FollowUp.objects.filter(completed_on__isnull=False).order_by("completed_on", "pk"):
        latest[f.referral_id] = f.level
    baselines = dict(Referral.objects.filter(pk__in=latest).values_list("pk", "baseline_minutes"))
    seen = Counter((activity_level(baselines[pk]), after) for pk, after in latest.items())
    possible = {cell for cell, count in demo.TRANSITIONS.items() if count}
    assert set(seen) <= possible
    assert seen[(demo.INA, demo.ACT)] > 0 and seen[(demo.INA, demo.FAI)] > 0
    assert seen[(demo.FAI, demo.ACT)] > seen[(demo.FAI, demo.INA)]


def test_the_financial_year_matches_the_date_of_submission(generated):
    years = Counter()
    for submitted, year in Referral.objects.values_list("submitted_at", "financial_year"):
        assert fy_of(timezone.localtime(submitted).date()) == year
        years[year] += 1
    assert sorted(years) == [2023, 2024, 2025, 2026]
    assert years[2025] > years[2023]  # referrals grow over the years (2026-27 is partial)


def test_nothing_is_submitted_after_the_day_the_data_describes(generated):
    last = Referral.objects.order_by("-submitted_at").first().submitted_at
    assert timezone.localtime(last).date() <= date.fromisoformat(AS_OF)
    assert Referral.objects.filter(financial_year=2026).exists()


def test_references_are_unique_in_their_own_prefix_and_the_sequences_follow(generated):
    references = list(Referral.objects.values_list("reference", flat=True))
    assert len(set(references)) == N
    assert all(re.fullmatch(r"SYN-2[3-6]-\d{7}", r) for r in references)
    per_year = Counter(Referral.objects.values_list("financial_year", flat=True))
    sequences = dict(
        ReferenceSequence.objects.filter(prefix="SYN").values_list("financial_year", "last_number")
    )
    assert sequences == dict(per_year)
    assert not ReferenceSequence.objects.filter(prefix="ANW").exists()


def test_people_are_obviously_fake_with_test_nhs_numbers_and_looked_up_postcodes(generated):
    lookup = {p.postcode: p for p in PostcodeLookup.objects.all()}
    for r in Referral.objects.all()[:500]:
        assert r.first_name == "Synthetic" and r.last_name.startswith("Person ")
        assert r.consent is True
        assert normalise_nhs_number(r.nhs_number, allow_test=True).startswith("9")
        assert normalise_postcode(r.postcode) == r.postcode
        assert r.date_of_birth < timezone.localtime(r.submitted_at).date()
        if r.postcode_not_found:
            assert r.imd_decile is None and r.postcode not in lookup
        else:
            assert lookup[r.postcode].imd_decile == r.imd_decile
            assert lookup[r.postcode].lsoa_code == r.lsoa_code
            assert lookup[r.postcode].district_ons_code == r.district.ons_code
    assert len(set(Referral.objects.values_list("nhs_number", flat=True))) == N


def test_the_active_now_stream_gets_an_allocation_per_district_and_year(generated):
    allocations = Allocation.objects.filter(stream__name="Active NoW")
    assert allocations.count() == 7 * 4
    assert all(a.amount > 0 for a in allocations)


def fingerprint() -> str:
    digest = hashlib.sha256()
    rows = Referral.objects.order_by("reference").values_list(
        "reference",
        "pathway",
        "organisation__name",
        "submitted_at",
        "financial_year",
        "date_of_birth",
        "nhs_number",
        "postcode",
        "district__name",
        "imd_decile",
        "baseline_minutes",
        "long_term_conditions",
        "status",
        "status_changed_at",
    )
    follow_ups = FollowUp.objects.order_by("referral__reference", "timepoint").values_list(
        "referral__reference", "timepoint", "due_on", "completed_on", "minutes", "life_satisfaction"
    )
    for row in [*rows, *follow_ups]:
        digest.update(repr(row).encode())
    return digest.hexdigest()


def generate_and_roll_back(seed: int) -> str:
    with transaction.atomic():
        generate(N, seed)
        result = fingerprint()
        transaction.set_rollback(True)
    assert not Referral.objects.exists()
    return result


def test_the_same_seed_gives_the_same_data():
    first = generate_and_roll_back(7)
    assert generate_and_roll_back(7) == first
    assert generate_and_roll_back(8) != first


def test_a_second_run_appends_fresh_ids_and_references(generated):
    last_id = Referral.objects.order_by("-pk").first().pk
    generate(300, 9)
    assert Referral.objects.count() == N + 300
    assert Referral.objects.filter(pk__gt=last_id).count() == 300
    assert len(set(Referral.objects.values_list("reference", flat=True))) == N + 300
    assert FollowUp.objects.filter(referral__isnull=True).count() == 0
    assert PostcodeLookup.objects.filter(lsoa_code__startswith="E0198").count() == 7 * 40 * 15


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--referrals", "0"], "--referrals must be from 1"),
        (["--referrals", "-5"], "--referrals must be from 1"),
        (["--referrals", "10", "--years", "2026-27:2023-24"], "the first year comes after"),
        (["--referrals", "10", "--years", "2023-25"], "not a financial year"),
        (["--referrals", "10", "--years", "2023-24:2024-25:2025-26"], "not a range"),
        (["--referrals", "10", "--as-of", "yesterday"], "not a date"),
        (["--referrals", "10", "--batch-size", "0"], "batch size must be at least 1"),
        (
            ["--referrals", "10", "--years", "2027-28:2027-28", "--as-of", "2026-12-01"],
            "starts after 01 Dec 2026",
        ),
    ],
)
def test_bad_arguments_are_refused_with_a_message(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate_synthetic", *arguments, stdout=io.StringIO())
    assert not Referral.objects.exists()


def test_the_generated_referrals_show_up_in_the_statistics(generated):
    model = services.social_value_model_create_default()
    snapshot = services.snapshot_build(year=2024, district_id=None, model_id=model.pk)
    figures = snapshot.figures
    assert figures["referrals"] == Referral.objects.filter(financial_year=2024).count() > 0
    assert (
        figures["to_date"]["referrals"] == Referral.objects.filter(financial_year__lte=2024).count()
    )
    assert figures["organisations"] > 100
    assert 30 <= figures["deprived_share"] <= 60
    assert sum(figures["pathways"].values()) == figures["referrals"]

"""generate_synthetic: synthetic data at scale that the portal and its reports accept."""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from datetime import date
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from activeportal.accounts.models import User
from activeportal.lib.fy import fy_of
from demo import referrals as demo
from demo import synthetic
from demo import synthetic_writers as writers
from funding.models import Allocation
from referrals.models import (
    WAITING_STATUSES,
    FollowUp,
    PostcodeLookup,
    ReferenceSequence,
    Referral,
    Status,
    StatusChange,
    activity_level,
    next_step_due,
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
        assert r.reference.startswith("SYN-") and r.reason == synthetic.NOTE
        assert r.first_name and r.last_name
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
        "next_step_due_on",
        "assigned_to__email",
        "first_name",
        "last_name",
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


def test_waiting_referrals_have_their_next_step_due_as_a_save_would_set_it(generated):
    waiting = Referral.objects.filter(status__in=WAITING_STATUSES)
    assert waiting.count() > 30
    assert {r.status for r in waiting} == set(WAITING_STATUSES)
    for referral in waiting:
        assert referral.next_step_due_on is not None
        assert referral.next_step_due_on == referral.next_step_due()
    others = Referral.objects.exclude(status__in=WAITING_STATUSES)
    assert not others.filter(next_step_due_on__isnull=False).exists()


def test_the_vectorised_next_step_rule_agrees_with_the_model_on_every_day_of_a_year():
    # Every day of 2025 (weekends, Easter, the August bank holiday, Christmas) in every status.
    days = pd.date_range("2025-01-01 09:30", "2025-12-31 09:30", freq="D", tz="Europe/London")
    submitted = pd.Series(days.tz_convert("UTC"))
    changed = submitted + pd.Timedelta(days=3, hours=2)
    world = SimpleNamespace(holidays=synthetic._bank_holidays(date(2025, 1, 1), date(2025, 12, 31)))
    for status in Status:
        statuses = pd.Series([str(status)] * len(days), dtype=object)
        due = synthetic._next_step_due_on(world, statuses, submitted, changed)
        for day, s_at, c_at in zip(due, submitted, changed, strict=True):
            expected = next_step_due(
                status, submitted_at=s_at.to_pydatetime(), status_changed_at=c_at.to_pydatetime()
            )
            assert (None if pd.isna(day) else day.date()) == expected, (status, s_at)


def test_about_half_the_waiting_referrals_are_on_hub_workers_caseloads(generated):
    workers = User.objects.filter(email__startswith="hub-synthetic-")
    assert workers.count() == synthetic.HUB_WORKERS
    assert all(w.role_names == {"hub"} and not w.has_usable_password() for w in workers)
    waiting = Referral.objects.filter(status__in=WAITING_STATUSES)
    assigned = waiting.filter(assigned_to__isnull=False)
    assert 0 < assigned.count() < waiting.count()
    assert set(assigned.values_list("assigned_to__email", flat=True)) <= {w.email for w in workers}
    assert len(set(assigned.values_list("assigned_to", flat=True))) >= 5  # spread over them
    # At scale, half the waiting ones, evenly over the workers.
    world = SimpleNamespace(names_rng=np.random.default_rng(1), hub_ids=np.arange(1, 9))
    waiting_flags = np.arange(20_000) % 4 != 0
    caseloads = synthetic._caseloads(world, waiting_flags).to_numpy(dtype=float, na_value=np.nan)
    on = ~np.isnan(caseloads)
    assert not on[~waiting_flags].any()
    assert on[waiting_flags].mean() == pytest.approx(synthetic.ASSIGNED_SHARE, abs=0.02)
    per_worker = np.bincount(caseloads[on].astype(int))[1:]
    assert per_worker.min() > 0.9 * per_worker.mean()
    closed = Referral.objects.exclude(status__in=WAITING_STATUSES)
    assert not closed.filter(assigned_to__isnull=False).exists()


def test_the_demo_hub_user_gets_a_caseload_and_a_rerun_adds_no_hub_worker(settings):
    settings.DEBUG = True
    call_command("load_demo")
    generate(N, 7)
    hub = User.objects.get(email="hub@example.org")
    assert Referral.objects.filter(assigned_to=hub, financial_year__gte=2025).exists()
    generate(200, 8)
    assert User.objects.filter(email__startswith="hub-synthetic-").count() == 8


def test_common_surnames_come_up_often_enough_to_search_by(generated):
    surnames = Counter(Referral.objects.values_list("last_name", flat=True))
    assert 0.005 < surnames["Smith"] / N < 0.025
    assert surnames.most_common(1)[0][0] == "Smith"
    assert len(surnames) > 100


def test_the_copy_and_orm_writers_write_the_same_values(generated):
    """The COPY text of a batch, read back by each column's field, equals the instances that
    bulk_create saves, column by column (both writers get every new column)."""
    import csv
    import io as io_module

    from django.db import models

    world = synthetic._World.load(seed=3, as_of=date(2026, 12, 1), first_year=2025, last_year=2026)
    batch = world.batch(0, 400, total=400)
    for model, frame in (
        (Referral, batch.referrals),
        (StatusChange, batch.status_changes),
        (FollowUp, batch.follow_ups),
    ):
        # COPY names its columns: a NOT NULL column left out would be NULL (no database default).
        required = {f.column for f in model._meta.concrete_fields if not f.null}
        assert required <= set(frame.columns), required - set(frame.columns)
        instances = writers._instances(model, frame)
        rows = list(csv.reader(io_module.StringIO(writers._csv(frame))))
        assert len(rows) == len(instances) == len(frame)
        for column, name in enumerate(frame.columns):
            field = next(f for f in model._meta.concrete_fields if f.column == name)
            for row, instance in zip(rows, instances, strict=True):
                text, value = row[column], getattr(instance, field.attname)
                if text == "" and (field.null or value in ("", None)):
                    assert value in ("", None), (name, value)
                    continue
                if isinstance(field, models.JSONField):
                    parsed = __import__("json").loads(text)
                elif isinstance(field, models.BooleanField):
                    parsed = text == "True"
                elif isinstance(field, models.DateTimeField):
                    parsed = field.to_python(text.replace("+00", "+00:00"))
                else:
                    parsed = field.to_python(text)
                assert parsed == value, (model.__name__, name, text, value)
    assert batch.referrals["next_step_due_on"].notna().any()
    assert batch.referrals["assigned_to_id"].notna().any()

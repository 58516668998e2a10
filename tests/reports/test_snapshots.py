"""Snapshots built from the database: upsert, atomic writes, versioning, tasks in-process."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import OperationalError, transaction

from activeportal.lib.changes import Change, data_changed_announce
from districts.models import District
from funding.models import Allocation
from referrals.models import FollowUp, Pathway, Referral, Status
from reports import selectors, services, tasks
from reports.models import ImpactSnapshot, SnapshotBuild, SocialValueModel
from reports.selectors import public_impact_figures
from tests.factories import (
    AllocationFactory,
    DistrictFactory,
    FollowUpFactory,
    FundingStreamFactory,
    ReferralFactory,
    ReferrerOrganisationFactory,
    at,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def model(breckland):
    stream = FundingStreamFactory(name="Active NoW")
    AllocationFactory(stream=stream, district=breckland, financial_year=2023, amount=Decimal(1000))
    AllocationFactory(stream=stream, district=breckland, financial_year=2024, amount=Decimal(3000))
    AllocationFactory(
        stream=stream, district=breckland, amount=Decimal(9000), status=Allocation.Status.WITHDRAWN
    )
    AllocationFactory(stream=FundingStreamFactory(name="Other"), district=breckland)
    return services.social_value_model_create_default()


def some_referrals(district: District, n: int = 3, **kwargs: Any) -> list[Referral]:
    org = ReferrerOrganisationFactory(district=district)
    return [
        ReferralFactory(statistical=True, organisation=org, district=district, **kwargs)
        for _ in range(n)
    ]


def test_the_default_model_has_the_design_parameters_and_their_sources(model):
    assert model.version == 1
    assert model.is_current
    assert model.value_active == Decimal("2500")
    assert model.value_fairly_active == Decimal("1200")
    assert model.value_inactive_to_active_condition == Decimal("5000")
    assert model.wellby_value == Decimal("13000")
    assert "Green Book" in model.wellby_source
    assert "Sport England" in model.value_active_source
    assert [s.name for s in model.investment_streams.all()] == ["Active NoW"]
    assert services.social_value_model_create_default() == model  # idempotent


def test_a_snapshot_holds_the_figures_and_the_investment_up_to_the_end_of_the_year(
    model, breckland
):
    refs = some_referrals(breckland, 3, imd_decile=2, status=Status.ACTIVE)
    some_referrals(breckland, 1, pathway=Pathway.FALLS, imd_decile=9)
    ReferralFactory(statistical=True, submitted_at=at(2023, 5, 1))
    FollowUpFactory(referral=refs[0], completed=True, minutes=200)
    snap = services.snapshot_build(year=2024, district_id=None, model_id=model.pk)
    f = snap.figures
    assert f["referrals"] == 4
    assert f["organisations"] == 2
    assert f["deprived_share"] == 75
    assert f["pathways"]["falls"] == 1
    assert f["onto_activity"] == 3
    assert f["to_date"]["referrals"] == 5
    assert f["transitions"]["matrix"]["inactive"]["active"] == 1
    assert f["social_value"]["to_date"]["investment"] == "4000.00"
    assert f["social_value"]["year"]["investment"] == "3000.00"
    assert snap.source_counts["referrals"] == 5
    district = services.snapshot_build(year=2024, district_id=breckland.pk, model_id=model.pk)
    assert district.figures["referrals"] == 4


def test_building_the_same_inputs_twice_leaves_one_identical_snapshot(model, breckland):
    some_referrals(breckland)
    first = services.snapshot_build(year=2024, district_id=None, model_id=model.pk)
    second = services.snapshot_build(year=2024, district_id=None, model_id=model.pk)
    assert ImpactSnapshot.objects.count() == 1
    assert second.pk == first.pk
    assert second.built_at == first.built_at
    assert second.figures == first.figures
    assert second.inputs_hash == first.inputs_hash


def test_new_data_updates_the_same_snapshot(model, breckland):
    some_referrals(breckland)
    first = services.snapshot_build(year=2024, district_id=None, model_id=model.pk)
    some_referrals(breckland, 2)
    second = services.snapshot_build(year=2024, district_id=None, model_id=model.pk)
    assert ImpactSnapshot.objects.count() == 1
    assert second.pk == first.pk
    assert second.figures["referrals"] == 5
    assert second.inputs_hash != first.inputs_hash


def test_a_build_that_fails_while_writing_leaves_the_snapshot_as_it_was(
    model, breckland, monkeypatch
):
    some_referrals(breckland)
    before = services.snapshot_build(year=2024, district_id=None, model_id=model.pk)
    some_referrals(breckland, 2)

    def broken_sleep(seconds):
        raise OperationalError("the database went away mid-write")

    monkeypatch.setattr(services.settings, "REPORTS_BUILD_PAUSE_MS", 5, raising=False)
    monkeypatch.setattr(services.time, "sleep", broken_sleep)
    with pytest.raises(OperationalError):
        services.snapshot_build(year=2024, district_id=None, model_id=model.pk)
    after = ImpactSnapshot.objects.get()
    assert after.figures == before.figures
    assert after.built_at == before.built_at


def test_a_version_used_by_a_snapshot_is_locked_and_a_copy_is_editable(model, breckland):
    services.snapshot_build(year=2024, district_id=None, model_id=model.pk)
    assert model.is_locked
    with pytest.raises(services.ReportsError, match="Copy it to a new version"):
        services.social_value_model_update(model=model, data={"deadweight_pct": Decimal(50)})
    copy = services.social_value_model_copy(model=model)
    assert copy.version == 2
    assert not copy.is_current
    assert copy.based_on == model
    assert list(copy.investment_streams.all()) == list(model.investment_streams.all())
    assert copy.wellby_source == model.wellby_source
    services.social_value_model_update(model=copy, data={"deadweight_pct": Decimal(50)})
    copy.refresh_from_db()
    assert copy.deadweight_pct == Decimal(50)
    model.refresh_from_db()
    assert model.deadweight_pct == Decimal(15)


def test_an_out_of_range_percentage_is_refused(model):
    copy = services.social_value_model_copy(model=model)
    with pytest.raises(Exception, match="less than or equal to 100"):
        services.social_value_model_update(model=copy, data={"attribution_pct": Decimal(120)})


def test_making_a_copy_current_builds_a_second_snapshot_beside_the_first(model, breckland):
    some_referrals(breckland)
    services.snapshot_build(year=2024, district_id=None, model_id=model.pk)
    copy = services.social_value_model_copy(model=model)
    services.social_value_model_make_current(model=copy)
    assert SocialValueModel.objects.get(is_current=True) == copy
    services.snapshot_build(year=2024, district_id=None, model_id=copy.pk)
    assert ImpactSnapshot.objects.count() == 2


def test_rebuild_now_builds_every_year_and_scope_in_process(model, breckland, norwich):
    some_referrals(breckland)
    ReferralFactory(statistical=True, submitted_at=at(2023, 5, 1))
    with django_capture_on_commit(execute=True):
        build = services.rebuild_start(reason="manual")
    build.refresh_from_db()
    assert build.state == SnapshotBuild.State.DONE
    assert build.total == 6  # 2 years × (partnership, Breckland, Norwich)
    assert build.jobs.filter(done=True).count() == 6
    assert ImpactSnapshot.objects.count() == 6


def django_capture_on_commit(execute):
    # Tests run inside a transaction: run the on-commit callbacks as a commit would.
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=execute)


def test_a_rebuild_after_an_import_is_queued_on_commit_and_not_on_rollback(model, breckland):
    some_referrals(breckland)
    with django_capture_on_commit(execute=True) as callbacks:
        data_changed_announce(kind=Change.HISTORY_IMPORTED, financial_years={2024})
    assert len(callbacks) == 1
    assert SnapshotBuild.objects.get().reason == "import"
    assert ImpactSnapshot.objects.count() == 2

    class ImportFailed(Exception):
        pass

    with (
        django_capture_on_commit(execute=True) as callbacks,
        pytest.raises(ImportFailed),
        transaction.atomic(),
    ):
        data_changed_announce(kind=Change.HISTORY_IMPORTED, financial_years={2024})
        raise ImportFailed
    assert callbacks == []
    assert SnapshotBuild.objects.count() == 1


def test_a_build_task_retries_on_a_database_error(model, breckland, monkeypatch):
    some_referrals(breckland)
    calls = []
    real = services.snapshot_build

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("connection lost")
        return real(**kwargs)

    monkeypatch.setattr(services, "snapshot_build", flaky)
    monkeypatch.setattr(tasks.build_snapshot, "retry_backoff", False)
    result = tasks.build_snapshot.apply(args=(2024, None, model.pk), throw=False)
    assert result.successful()
    assert len(calls) == 2
    assert ImpactSnapshot.objects.count() == 1


def test_running_a_build_task_twice_is_harmless(model, breckland):
    some_referrals(breckland)
    with django_capture_on_commit(execute=True):
        build = services.rebuild_start()
    job = build.jobs.first()
    tasks.build_snapshot.apply(args=(job.year, job.district_id, model.pk, job.pk))
    build.refresh_from_db()
    assert build.state == SnapshotBuild.State.DONE
    assert ImpactSnapshot.objects.count() == 2


def test_the_nightly_task_is_scheduled_and_rebuilds(model, breckland, settings):
    assert settings.CELERY_BEAT_SCHEDULE["reports-nightly-rebuild"]["task"] == (
        tasks.nightly_rebuild.name
    )
    some_referrals(breckland)
    tasks.nightly_rebuild.apply()
    assert SnapshotBuild.objects.get().reason == "nightly"


def test_public_impact_figures_suppress_district_cells(model, breckland, norwich):
    some_referrals(breckland, 12, imd_decile=1)
    some_referrals(norwich, 3, imd_decile=8)
    some_referrals(DistrictFactory(name="Broadland"), 9, imd_decile=8)
    FollowUpFactory(
        referral=ReferralFactory(statistical=True, district=breckland), completed=True, minutes=60
    )
    services.snapshot_build(year=2024, district_id=None, model_id=model.pk)
    public = public_impact_figures(2024)
    assert public["label"] == "2024-25"
    figures = {card["label"]: card["value"] for card in public["key_figures"]}
    assert figures["Referrals"] == 25  # partnership level: as counted
    rows = {row[0]: row for row in public["districts"]["rows"]}
    assert rows["Breckland"][1] == 15  # 13 rounded to 5
    assert rows["Norwich"][1] == "*"  # 3
    assert rows["Broadland"][1] == "*"  # 9, hidden so the total cannot reveal Norwich's 3
    assert public["transitions"]["rows"][0][2] == 1  # partnership level: exact
    assert public["social_value"]["investment"] == "4000.00"
    assert public_impact_figures(2019) is None


def test_a_follow_up_date_in_the_next_year_still_counts_for_the_referral_year(model, breckland):
    referral = some_referrals(breckland, 1)[0]
    FollowUpFactory(referral=referral, completed_on=date(2025, 6, 1), minutes=200)
    snap = services.snapshot_build(year=2024, district_id=None, model_id=model.pk)
    assert snap.figures["transitions"]["people"] == 1


def test_a_rebuild_that_dies_while_writing_leaves_every_snapshot_and_job_as_they_were(
    model, breckland, monkeypatch
):
    some_referrals(breckland)
    ReferralFactory(statistical=True, submitted_at=at(2023, 5, 1))
    with django_capture_on_commit(execute=True):
        services.rebuild_start()
    before = {s.pk: s.figures for s in ImpactSnapshot.objects.all()}
    some_referrals(breckland, 2)
    build = SnapshotBuild.objects.create(model=model)

    def broken_sleep(seconds):
        raise OperationalError("the database went away mid-write")

    monkeypatch.setattr(services.settings, "REPORTS_BUILD_PAUSE_MS", 5, raising=False)
    monkeypatch.setattr(services.time, "sleep", broken_sleep)
    with pytest.raises(OperationalError):
        services.build_run(build_id=build.pk)
    assert {s.pk: s.figures for s in ImpactSnapshot.objects.all()} == before
    build.refresh_from_db()
    assert build.state != SnapshotBuild.State.DONE
    assert selectors.build_progress(build)["percent"] == 99  # every year read, nothing written


def test_a_rebuild_that_fails_for_good_is_recorded(model, breckland, monkeypatch):
    some_referrals(breckland)
    build = SnapshotBuild.objects.create(model=model)

    def broken(*args, **kwargs):
        raise ValueError("no figures today")

    monkeypatch.setattr(services.statistics, "snapshot_figures_from", broken)
    result = tasks.rebuild_all.apply(args=(build.pk,), throw=False)
    assert result.failed()
    build.refresh_from_db()
    assert build.state == SnapshotBuild.State.FAILED
    assert "no figures today" in build.error


def test_a_rebuild_is_a_chord_of_one_read_per_year_then_one_write(model, breckland, norwich):
    some_referrals(breckland, 3)
    some_referrals(norwich, 1, submitted_at=at(2023, 5, 1))
    some_referrals(breckland, 1, submitted_at=at(2022, 7, 1))
    build = SnapshotBuild.objects.create(model=model)
    assert tasks.rebuild_all.apply(args=(build.pk,)).get() == 3  # three years, one task each
    build.refresh_from_db()
    assert build.state == SnapshotBuild.State.DONE
    assert build.total == 3 * 3  # partnership, Breckland and Norwich in each year
    assert not build.jobs.filter(done=False).exists()
    one_at_a_time = services.snapshot_build(year=2024, district_id=None, model_id=model.pk)
    snapshot = ImpactSnapshot.objects.get(year=2024, district=None, model=model)
    assert snapshot.figures == one_at_a_time.figures
    assert snapshot.figures["to_date"]["referrals"] == 5
    assert ImpactSnapshot.objects.count() == 9


def test_the_copy_and_the_values_list_read_the_same_frames(model, breckland, norwich):
    from django.db import connection

    from reports import inputs, statistics

    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    refs = some_referrals(breckland, 3, imd_decile=2, status=Status.ACTIVE)
    ReferralFactory(
        statistical=True,
        district=None,
        baseline_minutes=None,
        has_disability=True,
        submitted_at=at(2025, 4, 1, 0),
    )
    ReferralFactory(
        statistical=True, long_term_conditions=["diabetes"], referred_onto_activity=True
    )
    FollowUpFactory(referral=refs[0], completed=True, minutes=None, life_satisfaction=4)
    FollowUpFactory(referral=refs[1], minutes=200)
    for year, district in [(None, None), (2024, breckland.pk)]:
        copied = inputs.load_inputs(year=year, district_id=district)
        qs = Referral.objects.all()
        if year is not None:
            qs = qs.filter(submitted_at__lt=inputs.end_of_year(year), district_id=district)
        listed = statistics.referral_frame(list(qs.values_list(*statistics.REFERRAL_COLUMNS)))
        by_id = copied[0].sort_values("id").reset_index(drop=True)
        listed = listed.sort_values("id").reset_index(drop=True)
        assert by_id.astype({"pathway": object}).equals(listed)
        fups = FollowUp.objects.filter(completed_on__isnull=False, referral__in=qs)
        listed_fups = statistics.follow_up_frame(
            list(fups.values_list(*statistics.FOLLOW_UP_COLUMNS))
        )
        assert (
            copied[1]
            .sort_values("id")
            .reset_index(drop=True)
            .equals(listed_fups.sort_values("id").reset_index(drop=True))
        )

"""Fresh figures: changes mark their financial years, and one refresh at a time rebuilds them."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from funding import services as funding
from funding.models import Allocation
from referrals.hub import services as hub
from referrals.intake.services import referral_submit
from referrals.models import Status
from reports import services, tasks
from reports.models import DirtyYear, ImpactSnapshot, SnapshotBuild, YearReading
from tests.factories import (
    LONDON,
    AllocationFactory,
    FollowUpFactory,
    FundingStreamFactory,
    ReferralFactory,
    ReferrerOrganisationFactory,
    at,
    referral_data,
    referral_form_answers,
)
from tests.pages import form_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def stream(breckland):
    stream = FundingStreamFactory(name="Active NoW")
    AllocationFactory(stream=stream, district=breckland, financial_year=2023, amount=Decimal(1000))
    return stream


@pytest.fixture
def history(stream, breckland, django_capture_on_commit_callbacks):
    """Three referrals of 2023-24 and four of 2024-25 in Breckland (one of them active, its
    follow-up not yet recorded), and every year's figures built by a full rebuild."""
    org = ReferrerOrganisationFactory(district=breckland)
    for _ in range(3):
        ReferralFactory(
            statistical=True, organisation=org, district=breckland, submitted_at=at(2023, 6, 1)
        )
    for _ in range(3):
        ReferralFactory(statistical=True, organisation=org, district=breckland)
    active = ReferralFactory(
        statistical=True, organisation=org, district=breckland, status=Status.ACTIVE
    )
    FollowUpFactory(referral=active)
    services.social_value_model_create_default()
    with django_capture_on_commit_callbacks(execute=True):
        services.rebuild_start(reason="manual")
    return active


def partnership(year: int) -> ImpactSnapshot:
    return ImpactSnapshot.objects.get(year=year, district=None)


def refreshes():
    return SnapshotBuild.objects.filter(reason=services.REFRESH_REASON)


def submit_in_2023(referrer_a, practice_a):
    return referral_submit(
        referrer=referrer_a,
        organisation=practice_a,
        data=referral_data(nhs_number=""),
        submission_token=uuid.uuid4(),
        submitted_at=at(2024, 2, 1),
    )


def record_follow_up(hub_user, referral):
    return hub.follow_up_record(
        follow_up=referral.follow_ups.get(),
        user=hub_user,
        completed_on=dt.date(2024, 9, 1),
        minutes=200,
    )


def test_two_changes_in_quick_succession_are_built_once_with_their_years(
    history, referrer_a, practice_a, hub_user, client, manager, django_capture_on_commit_callbacks
):
    assert partnership(2023).figures["referrals"] == 3
    assert partnership(2024).figures["transitions"]["people"] == 0
    # Each change queues a refresh on commit; both are queued before either runs, as when the
    # second comes within the first's few seconds of wait.
    with django_capture_on_commit_callbacks() as queued:
        submit_in_2023(referrer_a, practice_a)
    with django_capture_on_commit_callbacks() as more:
        record_follow_up(hub_user, history)
    for callback in [*queued, *more]:
        callback()
    assert refreshes().count() == 1
    assert refreshes().get().years == [2023, 2024]
    assert not DirtyYear.objects.exists()
    assert partnership(2023).figures["referrals"] == 4
    assert partnership(2024).figures["to_date"]["referrals"] == 8
    assert partnership(2024).figures["transitions"]["matrix"]["inactive"]["active"] == 1
    client.force_login(manager)
    page = client.get("/reports/2024/").content.decode()
    assert "The data have not changed since" in page
    assert ">8<" in page  # referrals to date


def test_the_refreshed_figures_are_those_a_full_rebuild_gives(
    history, referrer_a, practice_a, hub_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit_in_2023(referrer_a, practice_a)
        record_follow_up(hub_user, history)
    refreshed = {(s.year, s.district_id): s.figures for s in ImpactSnapshot.objects.all()}
    with django_capture_on_commit_callbacks(execute=True):
        build = services.rebuild_start(reason="manual")
    build.refresh_from_db()
    assert build.changed == 0
    assert {(s.year, s.district_id): s.figures for s in ImpactSnapshot.objects.all()} == refreshed


def test_a_refresh_reads_only_the_years_that_changed(history, hub_user):
    read_before = dict(YearReading.objects.values_list("year", "read_at"))
    record_follow_up(hub_user, history)
    assert set(DirtyYear.objects.values_list("year", flat=True)) == {2024}
    [build] = services.figures_refresh()
    assert build.years == [2024]
    read_after = dict(YearReading.objects.values_list("year", "read_at"))
    assert read_after[2023] == read_before[2023]
    assert read_after[2024] > read_before[2024]
    assert build.changed == 2  # 2024: the partnership's figures and Breckland's
    assert partnership(2023).checked_at == build.finished_at  # checked, left as it was


def test_a_change_that_rolls_back_marks_nothing(
    history, referrer_a, practice_a, django_capture_on_commit_callbacks
):
    class Refused(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as queued,
        pytest.raises(Refused),
        transaction.atomic(),
    ):
        submit_in_2023(referrer_a, practice_a)
        assert DirtyYear.objects.filter(year=2023).exists()  # marked inside the change
        raise Refused
    assert queued == []
    assert not DirtyYear.objects.exists()
    assert not refreshes().exists()
    assert partnership(2023).figures["referrals"] == 3


def test_running_the_refresh_twice_builds_once(history, hub_user):
    record_follow_up(hub_user, history)
    assert tasks.refresh_figures.apply().get() == 1
    assert tasks.refresh_figures.apply().get() == 0
    assert refreshes().count() == 1


def test_a_money_change_reads_no_referrals_and_moves_the_value_per_pound(history, stream):
    allocation = funding.allocation_create(
        stream=stream,
        district=history.district,
        financial_year=2024,
        amount=Decimal(4000),
        status=Allocation.Status.PLANNED,
    )
    assert list(DirtyYear.objects.values_list("year", "kind")) == [(2024, "funding")]
    [build] = services.figures_refresh()
    assert build.years == []
    assert partnership(2024).figures["social_value"]["to_date"]["investment"] == "5000.00"
    assert partnership(2023).figures["social_value"]["to_date"]["investment"] == "1000.00"
    funding.allocation_set_status(allocation=allocation, status=Allocation.Status.WITHDRAWN)
    services.figures_refresh()
    assert partnership(2024).figures["social_value"]["to_date"]["investment"] == "1000.00"


def test_an_allocation_moved_to_another_year_marks_both(history, stream):
    allocation = Allocation.objects.get(financial_year=2023)
    funding.allocation_update(
        allocation=allocation,
        stream=stream,
        district=allocation.district,
        financial_year=2024,
        amount=allocation.amount,
    )
    assert set(DirtyYear.objects.values_list("year", flat=True)) == {2023, 2024}


def test_every_change_of_a_referral_marks_its_year(history, hub_user, norwich):
    referral = ReferralFactory(statistical=True, submitted_at=at(2023, 5, 1), district=None)
    hub.referral_move(
        referral=referral, to_status=Status.TRIAGED, user=hub_user, expected_version=1
    )
    hub.referral_set_district(
        referral=referral, district=norwich, user=hub_user, expected_version=2
    )
    assert list(DirtyYear.objects.values_list("year", flat=True)) == [2023, 2023]


def test_a_refresh_finding_another_at_work_leaves_the_marks_to_it(history, hub_user):
    record_follow_up(hub_user, history)
    holding, done = threading.Event(), threading.Event()

    def another_refresh():
        try:
            with services._build_lock(wait=False) as held:
                assert held
                holding.set()
                done.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=another_refresh)
    worker.start()
    try:
        assert holding.wait(10)
        assert services.figures_refresh() == []
        assert DirtyYear.objects.exists()
    finally:
        done.set()
        worker.join(10)
    assert len(services.figures_refresh()) == 1
    assert not DirtyYear.objects.exists()


def test_a_rebuild_that_read_before_a_refresh_does_not_write_older_figures(history, hub_user):
    build = SnapshotBuild.objects.create(reason="nightly", model=services.current_model())
    counts = services.data_fingerprint()
    years = services.build_years(build_id=build.pk)
    stale = [services.build_read_year(build_id=build.pk, year=year) for year in years]
    record_follow_up(hub_user, history)
    services.figures_refresh()
    services.build_finish(build_id=build.pk, fragments=stale, counts=counts)
    assert partnership(2024).figures["transitions"]["people"] == 1


def test_a_rebuilds_last_task_run_again_after_a_newer_rebuild_leaves_the_newer_figures(
    history, hub_user
):
    """A worker killed in ``rebuild_finish``: its task is handed out again an hour later
    (the visibility timeout), after a newer rebuild has written newer figures."""
    old = SnapshotBuild.objects.create(reason="nightly", model=services.current_model())
    counts = services.data_fingerprint()
    years = services.build_years(build_id=old.pk)
    read_before = [services.build_read_year(build_id=old.pk, year=year) for year in years]
    record_follow_up(hub_user, history)
    newer = SnapshotBuild.objects.create(reason="manual", model=services.current_model())
    services.build_run(build_id=newer.pk)
    assert partnership(2024).figures["transitions"]["people"] == 1

    services.build_finish(build_id=old.pk, fragments=read_before, counts=counts)
    assert partnership(2024).figures["transitions"]["people"] == 1  # not the older 0


@pytest.fixture
def changes_keep_arriving():
    """Another change is marked as each refresh finishes, as on a busy day, up to ``cap``."""
    arrived = {"cap": 0, "count": 0}

    def another_change(sender, instance, created, **kwargs):
        refresh = created and instance.reason == services.REFRESH_REASON
        if refresh and arrived["count"] < arrived["cap"]:
            arrived["count"] += 1
            DirtyYear.objects.create(year=2024, kind=DirtyYear.Kind.REFERRALS)

    post_save.connect(another_change, sender=SnapshotBuild, weak=False)
    yield arrived
    post_save.disconnect(another_change, sender=SnapshotBuild)


def test_a_refresh_leaves_the_changes_that_arrive_while_it_builds_to_the_next(
    history, hub_user, changes_keep_arriving
):
    changes_keep_arriving["cap"] = 3
    record_follow_up(hub_user, history)
    assert len(services.figures_refresh()) == 1
    assert DirtyYear.objects.count() == 1
    assert len(services.figures_refresh()) == 1


def test_the_next_refresh_is_due_an_interval_after_the_last(history, hub_user, settings):
    settings.REPORTS_REFRESH_INTERVAL_SECONDS = 20
    assert services.figures_refresh_due_in() == 0
    record_follow_up(hub_user, history)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        services.figures_refresh()
        assert services.figures_refresh_due_in() == 20
        clock.shift(15)
        assert services.figures_refresh_due_in() == 5
        clock.shift(6)
        assert services.figures_refresh_due_in() == 0


def test_without_a_broker_a_submission_returns_while_other_changes_keep_arriving(
    history, client, referrer_a, settings, changes_keep_arriving, django_capture_on_commit_callbacks
):
    assert settings.CELERY_TASK_ALWAYS_EAGER
    changes_keep_arriving["cap"] = 50
    client.force_login(referrer_a)
    form = form_of(client.get("/referrals/new/"), button="Submit referral")
    with django_capture_on_commit_callbacks(execute=True):
        response = form.submit(client, **referral_form_answers())
    assert response.status_code == 302
    # One pass in the request; the change that arrived meanwhile waits for the next refresh.
    assert refreshes().count() == 1
    assert DirtyYear.objects.count() == 1
    assert len(services.figures_refresh()) == 1


def test_before_any_figures_are_built_a_change_builds_nothing(breckland, referrer_a, practice_a):
    submit_in_2023(referrer_a, practice_a)
    assert services.figures_refresh() == []
    assert not DirtyYear.objects.exists()
    assert not ImpactSnapshot.objects.exists()


def test_the_refresh_runs_every_30_seconds_as_a_safety_net(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reports-refresh-figures"]
    assert entry == {"task": tasks.refresh_figures.name, "schedule": 30.0}


BUILT = dt.datetime(2026, 11, 30, 20, 20, tzinfo=LONDON)
REBUILT = dt.datetime(2026, 12, 1, 9, 5, tzinfo=LONDON)


@pytest.fixture
def built_on_30_november(breckland, time_machine):
    time_machine.move_to(BUILT, tick=False)
    for _ in range(4):
        ReferralFactory(statistical=True, district=breckland)
    model = services.social_value_model_create_default()
    for district_id in (None, breckland.pk):
        services.snapshot_build(year=2024, district_id=district_id, model_id=model.pk)
    return model


def test_a_rebuild_with_nothing_changed_says_when_and_since_when(
    client, manager, built_on_30_november, time_machine, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    page = client.get("/reports/2024/")
    assert "Figures last rebuilt on 30 Nov 2026 at 20:20" in page.content.decode()
    time_machine.move_to(REBUILT, tick=False)
    client.force_login(manager)  # the next morning: a new sign-in
    with django_capture_on_commit_callbacks(execute=True):
        response = form_of(page, button="Rebuild now").submit(client)
    assert response["Location"] == "/reports/2024/"
    text = " ".join(client.get("/reports/2024/").content.decode().split())
    assert "The figures are being rebuilt." in text
    assert (
        "Figures last rebuilt on 1 Dec 2026 at 09:05 with social-value model version 1: "
        "no change since 30 Nov 2026 at 20:20." in text
    )
    build = SnapshotBuild.objects.get(reason="manual")
    status = " ".join(client.get(f"/reports/builds/{build.pk}/").content.decode().split())
    assert "Rebuild finished: 2 of 2 sets of figures checked." in status
    assert "Figures rebuilt on 1 Dec 2026 at 09:05: no change since 30 Nov 2026 at 20:20." in status
    assert "snapshot" not in status.lower()


def test_a_rebuild_that_changed_the_figures_says_so_without_no_change(
    client,
    manager,
    breckland,
    built_on_30_november,
    time_machine,
    django_capture_on_commit_callbacks,
):
    ReferralFactory(statistical=True, district=breckland)
    client.force_login(manager)
    page = client.get("/reports/2024/")
    time_machine.move_to(REBUILT, tick=False)
    client.force_login(manager)  # the next morning: a new sign-in
    with django_capture_on_commit_callbacks(execute=True):
        response = form_of(page, button="Rebuild now").submit(client)
    assert response["Location"] == "/reports/2024/"
    text = " ".join(client.get("/reports/2024/").content.decode().split())
    assert "Figures last rebuilt on 1 Dec 2026 at 09:05 with social-value model version 1." in text
    assert "no change since" not in text
    build = SnapshotBuild.objects.get(reason="manual")
    status = " ".join(client.get(f"/reports/builds/{build.pk}/").content.decode().split())
    assert "Figures rebuilt on 1 Dec 2026 at 09:05: 2 of 2 changed." in status


def test_a_year_the_refresh_checked_reads_as_up_to_date_at_once(
    history, hub_user, client, manager, settings
):
    settings.REPORTS_CHANGED_CHECK_SECONDS = 60
    cache.clear()
    client.force_login(manager)
    assert "The data have not changed since" in client.get("/reports/2023/").content.decode()
    record_follow_up(hub_user, history)
    services.figures_refresh()
    page = client.get("/reports/2023/").content.decode()
    assert "The data have not changed since" in page  # not the check kept from before

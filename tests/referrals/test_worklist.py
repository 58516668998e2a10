"""The hub's worklist: what waits first, since when, by when its next step is due, and how late."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from referrals.hub import selectors
from referrals.models import Referral, Status
from tests.factories import ReferralFactory, at
from tests.pages import form_of

# Wednesday 9 December 2026, mid-morning: no bank holiday in the fortnight before or after.
TODAY = at(2026, 12, 9, 10)


def _rows(response) -> list[dict[str, str]]:
    """The queue's table as a person reads it: one dict per row, by column heading."""
    soup = BeautifulSoup(response.content, "html.parser")
    table = soup.find("table")
    if table is None:
        return []
    headings = [th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")]
    return [
        dict(
            zip(
                headings,
                [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])],
                strict=True,
            )
        )
        for tr in table.find("tbody").find_all("tr")
    ]


@pytest.fixture
def today(time_machine):
    time_machine.move_to(TODAY, tick=False)


@pytest.fixture
def worklist(db, today):
    """One referral in each status of the worklist, plus an active and a closed one."""
    return {
        # First contact within 5 working days of submission.
        "new_late": ReferralFactory(status=Status.SUBMITTED, submitted_at=at(2026, 12, 1)),
        "new_today": ReferralFactory(status=Status.SUBMITTED, submitted_at=at(2026, 12, 9, 9)),
        "triaged": ReferralFactory(
            status=Status.TRIAGED,
            submitted_at=at(2026, 11, 20),
            status_changed_at=at(2026, 11, 23),
        ),
        # A match within 10 working days of the contact, the start within 10 of the match.
        "contacted": ReferralFactory(
            status=Status.CONTACTED,
            submitted_at=at(2026, 11, 10),
            status_changed_at=at(2026, 11, 25),
        ),
        "matched": ReferralFactory(
            status=Status.MATCHED,
            submitted_at=at(2026, 11, 1),
            status_changed_at=at(2026, 12, 8),
        ),
        "active": ReferralFactory(status=Status.ACTIVE, submitted_at=at(2026, 10, 1)),
        "completed": ReferralFactory(status=Status.COMPLETED, submitted_at=at(2026, 9, 1)),
    }


@pytest.mark.django_db
def test_new_referrals_come_first_oldest_first_then_the_others_by_their_next_step(
    client, hub_user, worklist
):
    client.force_login(hub_user)
    rows = _rows(client.get("/referrals/triage/"))
    assert [row["Reference"] for row in rows] == [
        worklist[name].reference
        for name in ("new_late", "new_today", "triaged", "contacted", "matched")
    ]


@pytest.mark.django_db
def test_active_and_closed_referrals_are_not_waiting(client, hub_user, worklist):
    client.force_login(hub_user)
    page = client.get("/referrals/triage/").content.decode()
    assert worklist["active"].reference not in page
    assert worklist["completed"].reference not in page
    assert "Active:" not in page  # the counts are of the waiting statuses only
    assert "Follow-ups due:" in page


@pytest.mark.django_db
def test_each_row_says_since_when_it_waits_and_by_when_its_next_step_is_due(
    client, hub_user, worklist
):
    client.force_login(hub_user)
    rows = {row["Reference"]: row for row in _rows(client.get("/referrals/triage/"))}

    def row(name):
        return rows[worklist[name].reference]

    assert row("new_late")["Waiting since"] == "1 Dec 2026"
    assert row("new_late")["Status"] == "Submitted"
    assert row("new_late")["Next step"] == "First contact by 8 Dec 2026 Overdue by 1 working day"
    assert row("new_today")["Next step"] == "First contact by 16 Dec 2026"
    # Triage does not restart the clock of the first contact.
    assert row("triaged")["Waiting since"] == "23 Nov 2026"
    assert row("triaged")["Next step"] == "First contact by 27 Nov 2026 Overdue by 8 working days"
    assert row("contacted")["Next step"] == "Match by 9 Dec 2026 Due today"
    assert row("matched")["Next step"] == "Start by 22 Dec 2026"
    assert row("matched")["Status"] == "Matched to an activity"


@pytest.mark.django_db
def test_overdue_is_flagged_in_words_and_colour(client, hub_user, worklist):
    client.force_login(hub_user)
    soup = BeautifulSoup(client.get("/referrals/triage/").content, "html.parser")
    overdue = [badge.get_text(strip=True) for badge in soup.select(".badge.text-bg-danger")]
    assert overdue == ["Overdue by 1 working day", "Overdue by 8 working days"]
    assert [b.get_text(strip=True) for b in soup.select(".badge.text-bg-warning")] == ["Due today"]


@pytest.mark.django_db
def test_over_a_weekend_a_missed_step_is_overdue_by_no_working_day_yet(
    client, hub_user, time_machine
):
    # Due on Friday 4 December; on Saturday it is late, but no working day has gone by.
    referral = ReferralFactory(status=Status.SUBMITTED, submitted_at=at(2026, 11, 27))
    time_machine.move_to(at(2026, 12, 5), tick=False)
    client.force_login(hub_user)
    (row,) = _rows(client.get("/referrals/triage/"))
    assert row["Reference"] == referral.reference
    assert row["Next step"] == "First contact by 4 Dec 2026 Overdue"


@pytest.mark.django_db
def test_only_overdue_shows_the_late_ones(client, hub_user, worklist):
    client.force_login(hub_user)
    form = form_of(client.get("/referrals/triage/"), button="Search")
    rows = _rows(form.submit(client, overdue=True))
    assert {row["Reference"] for row in rows} == {
        worklist["new_late"].reference,
        worklist["triaged"].reference,
    }


@pytest.mark.django_db
def test_the_status_filter_offers_every_status_and_lists_that_status(client, hub_user, worklist):
    client.force_login(hub_user)
    form = form_of(client.get("/referrals/triage/"), button="Search")
    assert set(form.choices["status"]) == {"", *Status.values}
    active = _rows(form.submit(client, status=Status.ACTIVE))
    contacted = _rows(form.submit(client, status=Status.CONTACTED))
    assert [row["Reference"] for row in active] == [worklist["active"].reference]
    assert [row["Reference"] for row in contacted] == [worklist["contacted"].reference]


@pytest.mark.django_db
def test_an_empty_worklist_says_so(client, hub_user):
    ReferralFactory(status=Status.ACTIVE)
    client.force_login(hub_user)
    assert (
        "No referrals are waiting for the hub." in client.get("/referrals/triage/").content.decode()
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/referrals/triage/",
        "/referrals/triage/?page=2",
        "/referrals/triage/?caseload=mine",
        "/referrals/triage/?caseload=unassigned&pathway=general",
        "/referrals/triage/?overdue=on",
    ],
)
def test_the_worklist_runs_as_many_queries_for_many_rows_as_for_few(
    client, hub_user, django_assert_max_num_queries, url
):
    client.force_login(hub_user)
    for status in (Status.SUBMITTED, Status.CONTACTED):
        for worker in (hub_user, None):
            ReferralFactory(status=status, assigned_to=worker, submitted_at=at(2026, 1, 5))
    few = _queries(client, url)
    for n in range(60):
        ReferralFactory(
            status=[Status.SUBMITTED, Status.TRIAGED, Status.MATCHED][n % 3],
            assigned_to=hub_user if n % 2 else None,
            submitted_at=at(2026, 1, 5),
        )
    with django_assert_max_num_queries(few):
        client.get(url)
    assert few <= 12


# The worklist read in two parts, as the paginator reads it.


@pytest.fixture
def two_parts(db):
    new = [ReferralFactory(status=Status.SUBMITTED, submitted_at=at(2026, 1, d)) for d in (9, 5, 7)]
    others = [
        ReferralFactory(
            status=Status.CONTACTED,
            submitted_at=at(2026, 1, 1),
            status_changed_at=at(2026, 1, d),
        )
        for d in (20, 6, 13, 27)
    ]
    expected = sorted(new, key=lambda r: r.submitted_at) + sorted(
        others, key=lambda r: r.next_step_due_on
    )
    return [r.pk for r in expected]


@pytest.mark.django_db
@pytest.mark.parametrize("new_count", [None, 3])
@pytest.mark.parametrize(("start", "stop"), [(0, 2), (0, 3), (2, 5), (3, 7), (5, 10), (8, 12)])
def test_a_slice_of_the_worklist_reads_across_its_two_parts(two_parts, new_count, start, stop):
    worklist = selectors.Worklist(
        selectors.worklist_new(), selectors.worklist_others(), new_count=new_count
    )
    window = worklist[start:stop]
    assert [r.pk for r in window] == two_parts[start:stop]
    assert worklist[:stop].count() == len(two_parts[:stop])
    assert window.count() == len(two_parts[start:stop])


@pytest.mark.django_db
def test_the_worklist_only_holds_referrals_waiting_for_the_hub(two_parts):
    ReferralFactory(status=Status.ACTIVE)
    ReferralFactory(status=Status.WITHDRAWN)
    worklist = selectors.Worklist(selectors.worklist_new(), selectors.worklist_others())
    assert worklist[:100].count() == 7
    assert set(
        Referral.objects.filter(pk__in=[r.pk for r in worklist[:100]]).values_list(
            "status", flat=True
        )
    ) == {Status.SUBMITTED, Status.CONTACTED}


def test_the_next_step_follows_the_status():
    today = dt.date(2026, 12, 9)
    rows = selectors.queue_rows(
        [
            Referral(status=Status.TRIAGED, next_step_due_on=dt.date(2026, 12, 10)),
            Referral(status=Status.ACTIVE, next_step_due_on=None),
        ],
        today=today,
    )
    assert [(r.next_step, r.overdue, r.due_today) for r in rows] == [
        ("First contact", False, False),
        (None, False, False),
    ]

"""What the referrer does with a referral after submitting it: withdraw it (with a reason,
until the person is active) and add information for the hub; and what the person would like
to do, asked on the form and erased with the other identifiable fields."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from activeportal.accounts import roles
from referrals.hub import services as workflow
from referrals.models import (
    CLOSED_STATUSES,
    WITHDRAWABLE_STATUSES,
    Referral,
    ReferrerNote,
    Status,
    StatusChange,
)
from tests.factories import ReferralFactory, ReferrerNoteFactory, referral_form_answers
from tests.pages import form_of

pytestmark = pytest.mark.django_db

NOT_WITHDRAWABLE = [s for s in Status.values if s not in WITHDRAWABLE_STATUSES]
OPEN = [s for s in Status.values if s not in CLOSED_STATUSES]


@pytest.fixture
def referral_a(referrer_a):
    return ReferralFactory(
        organisation=referrer_a.organisation, referrer=referrer_a, first_name="Jane"
    )


@pytest.fixture
def referral_b(referrer_b):
    return ReferralFactory(organisation=referrer_b.organisation, referrer=referrer_b)


# --- Withdraw ---


def test_the_hubs_table_allows_every_withdrawal_the_referrer_is_offered():
    for status in WITHDRAWABLE_STATUSES:
        assert workflow.is_legal(status, Status.WITHDRAWN), status


@pytest.mark.parametrize("status", sorted(WITHDRAWABLE_STATUSES))
def test_the_referrer_withdraws_a_referral_with_a_reason(client, referrer_a, referral_a, status):
    Referral.objects.filter(pk=referral_a.pk).update(status=status)
    client.force_login(referrer_a)
    detail = client.get(f"/referrals/{referral_a.pk}/").content.decode()
    assert f'href="/referrals/{referral_a.pk}/withdraw/">Withdraw this referral</a>' in detail
    form = form_of(client.get(f"/referrals/{referral_a.pk}/withdraw/"), button="Withdraw referral")
    page = form.submit(client, reason="Moved out of the area.", follow=True).content.decode()
    assert "Status: <strong>Withdrawn</strong>" in page
    assert f"{referral_a.reference} is withdrawn" in page
    assert "Withdraw this referral" not in page
    referral_a.refresh_from_db()
    assert referral_a.status == Status.WITHDRAWN
    assert referral_a.version == 2
    assert referral_a.next_step_due_on is None
    change = StatusChange.objects.get(referral=referral_a, to_status=Status.WITHDRAWN)
    assert (change.from_status, change.changed_by, change.note) == (
        status,
        referrer_a,
        "Moved out of the area.",
    )


def test_the_hub_sees_the_referrers_withdrawal_and_reason(client, referrer_a, referral_a, hub_user):
    client.force_login(referrer_a)
    form = form_of(client.get(f"/referrals/{referral_a.pk}/withdraw/"), button="Withdraw referral")
    form.submit(client, reason="Patient prefers a private gym.")
    client.force_login(hub_user)
    page = client.get(f"/referrals/hub/{referral_a.pk}/").content.decode()
    assert "Withdrawn" in page
    assert "Patient prefers a private gym." in page
    assert str(referrer_a) in page


def test_a_withdrawal_needs_a_reason(client, referrer_a, referral_a):
    client.force_login(referrer_a)
    form = form_of(client.get(f"/referrals/{referral_a.pk}/withdraw/"), button="Withdraw referral")
    response = form.submit(client, reason="   ")
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        '<p id="error_1_id_reason"><strong>Give the reason for withdrawing the referral.' in page
    )  # beside the field, which points to it
    assert 'aria-describedby="id_reason_helptext id_reason_error"' in page
    referral_a.refresh_from_db()
    assert referral_a.status == Status.SUBMITTED
    assert not StatusChange.objects.filter(referral=referral_a).exists()


def test_a_withdrawal_from_a_stale_page_is_refused(client, referrer_a, referral_a, hub_user):
    client.force_login(referrer_a)
    form = form_of(client.get(f"/referrals/{referral_a.pk}/withdraw/"), button="Withdraw referral")
    workflow.referral_move(
        referral=referral_a, to_status=Status.TRIAGED, user=hub_user, expected_version=1
    )
    page = form.submit(client, reason="Moved away.").content.decode()
    assert "changed since you opened it" in page
    referral_a.refresh_from_db()
    assert referral_a.status == Status.TRIAGED


@pytest.mark.parametrize("status", NOT_WITHDRAWABLE)
def test_an_active_or_closed_referral_cannot_be_withdrawn(client, referrer_a, referral_a, status):
    Referral.objects.filter(pk=referral_a.pk).update(status=status)
    client.force_login(referrer_a)
    assert (
        "Withdraw this referral" not in client.get(f"/referrals/{referral_a.pk}/").content.decode()
    )
    page = client.get(f"/referrals/{referral_a.pk}/withdraw/", follow=True).content.decode()
    assert "it can no longer be withdrawn" in page
    response = client.post(
        f"/referrals/{referral_a.pk}/withdraw/", {"reason": "x", "version": "1"}, follow=True
    )
    assert "it can no longer be withdrawn" in response.content.decode()
    referral_a.refresh_from_db()
    assert referral_a.status == status


def test_another_organisations_referral_cannot_be_withdrawn(client, referrer_a, referral_b):
    client.force_login(referrer_a)
    assert client.get(f"/referrals/{referral_b.pk}/withdraw/").status_code == 404
    response = client.post(f"/referrals/{referral_b.pk}/withdraw/", {"reason": "x", "version": "1"})
    assert response.status_code == 404
    referral_b.refresh_from_db()
    assert referral_b.status == Status.SUBMITTED


@pytest.mark.parametrize("role", roles.ROLES)
def test_who_may_withdraw(client, users_by_role, referral_a, role):
    client.force_login(users_by_role[role])
    response = client.get(f"/referrals/{referral_a.pk}/withdraw/")
    # Admins hold every role and see every referral; the hub closes from its own page.
    assert response.status_code == (200 if role in {roles.REFERRER, roles.ADMIN} else 403)


def test_the_hub_is_not_offered_the_referrers_actions(client, hub_user, referral_a):
    client.force_login(hub_user)
    page = client.get(f"/referrals/{referral_a.pk}/").content.decode()
    assert "Withdraw this referral" not in page
    assert "Add note" not in page


# --- Add information for the hub ---


def test_the_referrer_adds_a_note_the_hub_sees(client, referrer_a, referral_a, hub_user):
    client.force_login(referrer_a)
    form = form_of(client.get(f"/referrals/{referral_a.pk}/"), button="Add note")
    page = form.submit(client, text="She now walks with a stick.", follow=True).content.decode()
    assert "Your note has been added" in page
    assert "She now walks with a stick." in page
    note = ReferrerNote.objects.get(referral=referral_a)
    assert (note.written_by, note.text) == (referrer_a, "She now walks with a stick.")
    client.force_login(hub_user)
    assert (
        "She now walks with a stick."
        in client.get(f"/referrals/hub/{referral_a.pk}/").content.decode()
    )


def test_an_empty_note_is_refused_beside_the_field(client, referrer_a, referral_a):
    client.force_login(referrer_a)
    form = form_of(client.get(f"/referrals/{referral_a.pk}/"), button="Add note")
    response = form.submit(client, text="  ")
    page = response.content.decode()
    assert response.status_code == 400
    assert '<p id="error_1_id_text"><strong>Write the information for the hub.' in page
    assert 'aria-describedby="id_text_helptext id_text_error"' in page
    assert not ReferrerNote.objects.exists()


@pytest.mark.parametrize("status", OPEN)
def test_an_open_referral_takes_notes(client, referrer_a, referral_a, status):
    Referral.objects.filter(pk=referral_a.pk).update(status=status)
    client.force_login(referrer_a)
    assert (
        "Add information for the hub" in client.get(f"/referrals/{referral_a.pk}/").content.decode()
    )


@pytest.mark.parametrize("status", sorted(CLOSED_STATUSES))
def test_a_closed_referral_takes_no_notes(client, referrer_a, referral_a, status):
    Referral.objects.filter(pk=referral_a.pk).update(status=status)
    client.force_login(referrer_a)
    assert "Add note" not in client.get(f"/referrals/{referral_a.pk}/").content.decode()
    response = client.post(f"/referrals/{referral_a.pk}/notes/", {"text": "Late news."})
    assert "notes can no longer be added" in response.content.decode()
    assert not ReferrerNote.objects.exists()


def test_notes_are_listed_on_the_referrers_page(client, referrer_a, referral_a):
    ReferrerNoteFactory(referral=referral_a, written_by=referrer_a, text="First news.")
    ReferrerNoteFactory(referral=referral_a, written_by=referrer_a, text="Second news.")
    client.force_login(referrer_a)
    page = client.get(f"/referrals/{referral_a.pk}/").content.decode()
    assert page.index("First news.") < page.index("Second news.")


def test_another_organisations_referral_takes_no_note(client, referrer_a, referral_b):
    client.force_login(referrer_a)
    assert client.post(f"/referrals/{referral_b.pk}/notes/", {"text": "x"}).status_code == 404
    assert not ReferrerNote.objects.exists()


@pytest.mark.parametrize("role", [roles.HUB, roles.OFFICER, roles.MANAGER])
def test_only_referrers_add_notes(client, users_by_role, referral_a, role):
    client.force_login(users_by_role[role])
    assert client.post(f"/referrals/{referral_a.pk}/notes/", {"text": "x"}).status_code == 403
    assert not ReferrerNote.objects.exists()


# --- What the person would like to do ---


def test_the_form_asks_what_the_person_would_like_to_do(client, referrer_a, norwich_postcode):
    client.force_login(referrer_a)
    form = form_of(client.get("/referrals/new/"), button="Submit referral")
    response = form.submit(
        client, **referral_form_answers(), preferences="Swimming, mornings only.", follow=True
    )
    assert response.status_code == 200
    referral = Referral.objects.get()
    assert referral.preferences == "Swimming, mornings only."
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "What the person would like to do" in page
    assert "Swimming, mornings only." in page


def test_what_the_person_would_like_to_do_is_optional(client, referrer_a, norwich_postcode):
    client.force_login(referrer_a)
    form = form_of(client.get("/referrals/new/"), button="Submit referral")
    form.submit(client, **referral_form_answers())
    assert Referral.objects.get().preferences == ""


def test_retention_erases_preferences_and_referrer_notes(referrer_a):
    referral = ReferralFactory(
        organisation=referrer_a.organisation,
        status=Status.WITHDRAWN,
        status_changed_at=timezone.now() - dt.timedelta(days=3000),
        preferences="Swimming, mornings only.",
        submission_token=uuid.uuid4(),
    )
    ReferrerNoteFactory(referral=referral, text="She lives alone.")
    assert workflow.referrals_erase_closed() == 1
    referral.refresh_from_db()
    assert referral.preferences == ""
    assert ReferrerNote.objects.get(referral=referral).text == ""


# --- History import keeps the worklist's due date (bulk_create skips save()) ---


def test_an_imported_waiting_referral_has_its_next_step_due(hub_user, norwich, practice_a):
    from referrals.history.services import history_import_preview, referral_history_import

    head = (
        "reference,submitted_on,pathway,referrer_organisation,district,imd_decile,postcode,"
        "nhs_number,first_name,last_name,date_of_birth,baseline_minutes,status,"
        "referred_onto_activity"
    )
    rows = [
        "OLD-0003,2024-05-02,general,Practice A,Norwich,,,,,,,,triaged,no",
        "OLD-0004,2024-05-02,general,Practice A,Norwich,,,,,,,,declined,no",
    ]
    batch = history_import_preview(
        user=hub_user,
        referrals_data=("\n".join([head, *rows]) + "\n").encode(),
        referrals_filename="referrals.csv",
        follow_ups_data=None,
        follow_ups_filename="",
    )
    referral_history_import(batch=batch, user=hub_user)
    waiting = Referral.objects.get(reference="OLD-0003")
    assert waiting.next_step_due_on is not None
    assert waiting.next_step_due_on == waiting.next_step_due()
    assert Referral.objects.get(reference="OLD-0004").next_step_due_on is None

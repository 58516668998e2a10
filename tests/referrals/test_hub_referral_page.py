"""The hub's referral page: everything the referrer entered, in words, and who did what."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from activeportal.accounts import roles
from referrals.models import Pathway, Status
from tests.factories import (
    ContactAttemptFactory,
    ReferralFactory,
    ReferrerNoteFactory,
    UserFactory,
)
from tests.pages import form_of

HUB_ROLES = {roles.HUB, roles.ADMIN}


@pytest.fixture
def referral(db, practice_a):
    return ReferralFactory(
        organisation=practice_a,
        district=practice_a.district,
        status=Status.TRIAGED,
        pathway=Pathway.FALLS,
        nhs_number="9434765919",
        phone="01603123456",
        preferences="Mornings only; would like to try swimming.",
        long_term_conditions=["diabetes", "musculoskeletal"],
        has_disability=True,
        pathway_answers={
            "falls_last_12_months": 2,
            "red_flags": {"unstable_angina": False, "chest_pain_on_exertion": False},
        },
    )


def _text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def _described(response, term: str) -> str:
    """The text of the <dd> that follows the <dt> reading ``term``."""
    soup = BeautifulSoup(response.content, "html.parser")
    dt = soup.find("dt", string=term)
    assert dt is not None, f"no {term!r} on the page"
    return " ".join(dt.find_next_sibling("dd").get_text(" ").split())


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ROLES)
def test_only_the_hub_and_admins_may_open_the_page(client, users_by_role, referral, role):
    client.force_login(users_by_role[role])
    response = client.get(f"/referrals/hub/{referral.pk}/")
    assert response.status_code == (200 if role in HUB_ROLES else 404)


@pytest.mark.django_db
def test_it_shows_everything_the_referrer_entered_in_words(client, hub_user, referral):
    client.force_login(hub_user)
    response = client.get(f"/referrals/hub/{referral.pk}/")
    assert _described(response, "NHS number") == "943 476 5919"
    assert _described(response, "Phone") == "01603 123456"
    assert _described(response, "Would like to do") == referral.preferences
    assert _described(response, "Long-term conditions") == (
        "Diabetes, Arthritis or other joint or back condition"
    )
    assert _described(response, "Disability") == "Yes"
    assert _described(response, "Falls in the last 12 months") == "2"
    assert _described(response, "Does the patient have unstable angina?") == "No"
    assert _described(response, "Does the patient get chest pain on exertion?") == "No"
    page = response.content.decode()
    assert "{" not in _text(response) and "red_flags" not in page and "False" not in page


@pytest.mark.django_db
def test_a_referral_with_nothing_optional_says_so(client, hub_user, practice_a):
    referral = ReferralFactory(
        organisation=practice_a, has_disability=None, long_term_conditions=[], pathway_answers={}
    )
    client.force_login(hub_user)
    response = client.get(f"/referrals/hub/{referral.pk}/")
    assert _described(response, "Long-term conditions") == "None given"
    assert _described(response, "Disability") == "Not known or prefers not to say"
    assert _described(response, "Would like to do") == "—"
    text = _text(response)
    assert "No pathway answers." in text and "No notes from the referrer." in text


@pytest.mark.django_db
def test_smi_answers_have_their_questions(client, hub_user, practice_a):
    referral = ReferralFactory(
        organisation=practice_a,
        pathway=Pathway.SMI,
        pathway_answers={
            "care_coordinator_name": "Sam Carer",
            "care_coordinator_contact": "01603 222222",
            "stable_three_months": True,
        },
    )
    client.force_login(hub_user)
    response = client.get(f"/referrals/hub/{referral.pk}/")
    assert _described(response, "Care coordinator's name") == "Sam Carer"
    assert _described(response, "The patient has been stable for at least 3 months") == "Yes"


@pytest.mark.django_db
def test_a_contact_attempt_recorded_on_the_page_shows_who_made_it(client, referral):
    worker = UserFactory(first_name="Priya", last_name="Shah", roles=[roles.HUB])
    client.force_login(worker)
    page = client.get(f"/referrals/hub/{referral.pk}/")
    form = form_of(page, button="Record contact attempt")
    response = form.submit(client, outcome="no_answer", note="Rang twice.", follow=True)
    attempt = referral.contact_attempts.get()
    assert attempt.made_by == worker
    soup = BeautifulSoup(response.content, "html.parser")
    table = soup.find("caption", string="Contact attempts").find_parent("table")
    headers = [th.get_text(strip=True) for th in table.find_all("th")]
    row = [td.get_text(strip=True) for td in table.find("tbody").find("tr").find_all("td")]
    assert dict(zip(headers, row, strict=True))["By"] == "Priya Shah"


@pytest.mark.django_db
def test_an_attempt_by_nobody_known_says_so(client, hub_user, referral):
    ContactAttemptFactory(referral=referral, made_by=None)
    client.force_login(hub_user)
    assert "Not recorded" in _text(client.get(f"/referrals/hub/{referral.pk}/"))


@pytest.mark.django_db
def test_notes_from_the_referrer_are_listed(client, hub_user, referral, referrer_a):
    ReferrerNoteFactory(referral=referral, written_by=referrer_a, text="Now uses a frame.")
    client.force_login(hub_user)
    text = _text(client.get(f"/referrals/hub/{referral.pk}/"))
    assert "Notes from the referrer" in text
    assert f"{referrer_a}: Now uses a frame." in text


@pytest.mark.django_db
def test_the_page_reads_a_fixed_number_of_queries(
    client, hub_user, referral, referrer_a, django_assert_max_num_queries
):
    for i in range(5):
        ContactAttemptFactory(referral=referral, made_by=UserFactory(roles=[roles.HUB]))
        ReferrerNoteFactory(referral=referral, written_by=referrer_a, text=f"Note {i}")
    client.force_login(hub_user)
    client.get(f"/referrals/hub/{referral.pk}/")  # warm the session and content types
    with django_assert_max_num_queries(20) as captured:
        client.get(f"/referrals/hub/{referral.pk}/")
    few = len(captured)
    for i in range(5):
        ContactAttemptFactory(referral=referral, made_by=UserFactory(roles=[roles.HUB]))
        ReferrerNoteFactory(referral=referral, written_by=referrer_a, text=f"More {i}")
    with django_assert_max_num_queries(few):
        client.get(f"/referrals/hub/{referral.pk}/")


@pytest.mark.django_db
def test_closing_as_completed_is_not_styled_as_a_danger(client, hub_user, practice_a):
    referral = ReferralFactory(organisation=practice_a, status=Status.ACTIVE)
    client.force_login(hub_user)
    soup = BeautifulSoup(client.get(f"/referrals/hub/{referral.pk}/").content, "html.parser")
    completed = soup.find("a", href=f"/referrals/hub/{referral.pk}/close/completed/")
    withdrawn = soup.find("a", href=f"/referrals/hub/{referral.pk}/close/withdrawn/")
    assert completed.get_text(strip=True) == "Completed"
    assert not any("danger" in c for c in completed["class"])
    assert "btn-outline-danger" in withdrawn["class"]


@pytest.mark.django_db
def test_subject_access_writes_the_nhs_number_as_the_nhs_does(client, hub_user, referral):
    client.force_login(hub_user)
    page = client.get("/referrals/hub/subject-access/")
    response = form_of(page, button="Find").submit(client, follow=True, q="943 476 5919")
    text = _text(response)
    assert f"Referral {referral.reference}" in text
    assert "NHS number 943 476 5919" in text
    assert "01603 123456" in text

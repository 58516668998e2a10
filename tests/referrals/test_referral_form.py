"""The referral form: who may use it, what it saves, and every bad answer beside its field."""

from __future__ import annotations

import uuid

import pytest
from auditlog.models import LogEntry

from activeportal.accounts import roles
from referrals.models import Referral

from .nhs import fake_nhs_number

URL = "/referrals/new/"


def form_post(**overrides) -> dict:
    """A complete falls referral as the browser posts it."""
    data = {
        "submission_token": str(uuid.uuid4()),
        "first_name": "Zoë",
        "last_name": "O'Brien",
        "date_of_birth": "1948-05-17",
        "nhs_number": fake_nhs_number(1)[:3] + " " + fake_nhs_number(1)[3:],
        "postcode": "nr1 3ab",
        "phone": "01603 123456",
        "email": "",
        "preferred_contact": "phone",
        "pathway": "falls",
        "falls_last_12_months": "2",
        "long_term_conditions": ["diabetes", "stroke"],
        "has_disability": "no",
        "baseline_minutes": "20",
        "reason": "Two falls this winter.",
        "red_flag_unstable_angina": "no",
        "red_flag_uncontrolled_blood_pressure": "no",
        "red_flag_chest_pain_on_exertion": "no",
        "red_flag_uncontrolled_arrhythmia": "no",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("role", roles.ROLES)
def test_only_referrers_and_admins_may_open_the_form(client, users_by_role, role):
    client.force_login(users_by_role[role])
    response = client.get(URL)
    assert response.status_code == (200 if role in {roles.REFERRER, roles.ADMIN} else 403)


def test_anonymous_is_asked_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_form_has_the_labels_people_look_for(client, referrer_a):
    client.force_login(referrer_a)
    page = client.get(URL).content.decode()
    for label in [
        "First name",
        "Last name",
        "Date of birth",
        "NHS number",
        "Postcode",
        "Phone number",
        "Email address",
        "Pathway",
        "General",
        "Falls prevention",
        "Stable severe mental illness",
        "Long-term conditions",
        "Does the patient have a disability?",
        "Minutes of physical activity per week",
        "Reason for referral",
        "The patient consents to this referral",
        'value="Submit referral"',
        # Every pathway's questions are on the page, so the form works without JavaScript.
        "Falls prevention pathway only",
        "Falls in the last 12 months",
        "Stable severe mental illness pathway only",
        "Care coordinator&#x27;s name",
        "The patient has been stable for at least 3 months",
        "Does the patient have unstable angina?",
    ]:
        assert label in page, label


def test_a_referral_is_saved_and_the_confirmation_shows_its_reference(
    client, referrer_a, practice_a, norwich_postcode, norwich
):
    client.force_login(referrer_a)
    response = client.post(URL, form_post())
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == f"/referrals/{referral.pk}/submitted/"
    assert referral.organisation == practice_a
    assert referral.referrer == referrer_a
    assert referral.nhs_number == fake_nhs_number(1)
    assert referral.postcode == "NR1 3AB"
    assert referral.phone == "01603123456"
    assert referral.district == norwich
    assert referral.long_term_conditions == ["diabetes", "stroke"]
    assert referral.has_disability is False
    assert referral.pathway_answers["falls_last_12_months"] == 2
    assert referral.pathway_answers["red_flags"]["unstable_angina"] is False
    page = client.get(response.url).content.decode()
    assert referral.reference in page
    assert "What happens next" in page
    assert "Zoë O&#x27;Brien" in page


def test_posting_the_same_form_twice_makes_one_referral(client, referrer_a):
    client.force_login(referrer_a)
    data = form_post()
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert Referral.objects.count() == 1
    assert first.url == second.url


def test_another_pathways_questions_are_not_required(client, referrer_a):
    client.force_login(referrer_a)
    response = client.post(URL, form_post(pathway="general", falls_last_12_months=""))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.pathway == "general"
    assert "falls_last_12_months" not in referral.pathway_answers


def test_an_smi_referral_keeps_the_care_coordinator(client, referrer_a):
    client.force_login(referrer_a)
    response = client.post(
        URL,
        form_post(
            pathway="smi",
            falls_last_12_months="",
            care_coordinator_name="Care coordinator",
            care_coordinator_contact="01603 000000",
            stable_three_months="on",
        ),
    )
    assert response.status_code == 302
    answers = Referral.objects.get().pathway_answers
    assert answers["care_coordinator_name"] == "Care coordinator"
    assert answers["stable_three_months"] is True


BAD_ANSWERS = [
    ("nhs_number", {"nhs_number": "943 476 5918"}, "not a valid NHS number"),
    ("nhs_number", {"nhs_number": "12345"}, "10 digits"),
    ("nhs_number", {"nhs_number": "1111111111"}, "placeholder"),
    ("nhs_number", {"nhs_number": ""}, "This field is required"),
    ("postcode", {"postcode": "NR1"}, "full UK postcode"),
    ("date_of_birth", {"date_of_birth": "2099-01-01"}, "must be in the past"),
    ("date_of_birth", {"date_of_birth": "2015-01-01"}, "at least 16"),
    ("date_of_birth", {"date_of_birth": "31/02/1950"}, "Enter a valid date"),
    ("baseline_minutes", {"baseline_minutes": "10081"}, "less than or equal to 10080"),
    ("baseline_minutes", {"baseline_minutes": "-1"}, "greater than or equal to 0"),
    ("email", {"email": "not-an-email"}, "Enter a valid email address"),
    ("phone", {"phone": "12345"}, "UK phone number"),
    ("phone", {"phone": "", "email": ""}, "phone number or an email address"),
    ("email", {"preferred_contact": "email"}, "Give an email address"),
    ("first_name", {"first_name": "x" * 101}, "at most 100 characters"),
    ("last_name", {"last_name": ""}, "This field is required"),
    ("consent", {"consent": None}, "This field is required"),
    ("pathway", {"pathway": None}, "This field is required"),
    ("reason", {"reason": ""}, "This field is required"),
    ("falls_last_12_months", {"falls_last_12_months": ""}, "number of falls"),
    ("care_coordinator_name", {"pathway": "smi"}, "care coordinator&#x27;s name"),
    ("stable_three_months", {"pathway": "smi"}, "stable for at least 3 months"),
    ("red_flag_unstable_angina", {"red_flag_unstable_angina": None}, "This field is required"),
]


@pytest.mark.parametrize(("field", "overrides", "message"), BAD_ANSWERS)
def test_a_bad_answer_is_explained_beside_its_field_and_nothing_is_saved(
    client, referrer_a, field, overrides, message
):
    client.force_login(referrer_a)
    response = client.post(URL, form_post(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    page = response.content.decode()
    assert message in page
    # The message is tied to its field (crispy's id, referenced by aria-describedby).
    assert f'id="error_1_id_{field}"' in page
    assert Referral.objects.count() == 0


def test_a_red_flag_explains_what_to_do_and_saves_nothing(client, referrer_a):
    client.force_login(referrer_a)
    response = client.post(
        URL,
        # Another answer is wrong too: the red flag is still what the referrer must hear.
        form_post(red_flag_chest_pain_on_exertion="yes", postcode="NR1"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This patient cannot be referred now" in page
    assert "chest pain on exertion" in page
    assert "Nothing has been saved" in page
    assert "What to do instead" in page
    assert Referral.objects.count() == 0


def test_without_an_organisation_the_referrer_is_told_why(client, db):
    from tests.factories import UserFactory

    user = UserFactory(roles=[roles.REFERRER])
    client.force_login(user)
    response = client.post(URL, form_post())
    assert response.status_code == 200
    assert "not linked to a referring organisation" in response.content.decode()
    assert Referral.objects.count() == 0


def test_a_submission_is_in_the_audit_trail_with_who_and_ip(client, referrer_a):
    client.force_login(referrer_a)
    client.post(URL, form_post(), REMOTE_ADDR="10.9.8.7")
    entry = LogEntry.objects.get_for_object(Referral.objects.get()).get(
        action=LogEntry.Action.CREATE
    )
    assert entry.actor == referrer_a
    assert entry.remote_addr == "10.9.8.7"

"""Bad input never gives a 500: hypothesis drives every form of the portal through its page.

Each test reads the form out of the page a person of the right role gets, fills it in well,
then lets hypothesis spoil one to three of its fields: NUL bytes (PostgreSQL refuses them in
text), lone surrogates (sent as the bytes a broken client would send), 100,000 characters,
numbers out of range, malformed dates, values no list offers and lists where one value is
expected. Every answer must be below 500, and a refused post must leave every table of the
portal's apps as it was. Filters get the same treatment through their GET parameters.

The importers' file uploads are fuzzed elsewhere.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.contrib.messages import ERROR, get_messages
from django.http import HttpResponse
from django.test import Client
from hypothesis import example, given, settings
from hypothesis import strategies as st

from activeportal.accounts.models import User
from districts.models import District
from referrals.models import FollowUp, PostcodeLookup, Status
from reports.services import report_logo_set
from tests.factories import (
    PASSWORD,
    ActionItemFactory,
    ActivityOpportunityFactory,
    AllocationFactory,
    FollowUpFactory,
    FundingStreamFactory,
    PartnerFactory,
    PostcodeLookupFactory,
    PriorityFactory,
    ReferralFactory,
    WorkLogEntryFactory,
)
from tests.pages import PageForm, form_of
from tests.referrals.nhs import fake_nhs_number
from tests.signin import authenticator_for

NASTY = [
    "\x00",
    "Zoë\x00O'Brien",
    "\ud800",
    "a\udfffb",
    "x" * 100_000,
    "9" * 40,
    "-1",
    "-99999999999",
    "2147483648",
    "1e400",
    "NaN",
    "-Infinity",
    "0.000000001",
    "2025-02-30",
    "31/02/2025",
    "2025-13-01",
    "0000-00-00",
    "99999-01-01",
    "not-a-choice",
    "²",
    "١٢",
    " ",
    "",
    "<script>alert(1)</script>",
    '=HYPERLINK("https://evil.example")',
]
ONE_VALUE = st.one_of(st.sampled_from(NASTY), st.text(max_size=30))
VALUE = st.one_of(ONE_VALUE, st.lists(ONE_VALUE, min_size=2, max_size=3))
# The apps' own tables; the audit trail, sessions and the lock-out's records are left out:
# reading a page writes to them by design.
APPS = ["districts", "funding", "referrals", "reports"]
FUZZ = settings(max_examples=25, deadline=None, database=None)


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in APPS
        for model in apps.get_app_config(label).get_models()
    }


def _query(data: dict[str, list[str]]) -> str:
    # Encoded by hand so that a lone surrogate goes out as the bytes a broken client sends.
    pairs = [
        (name, value.encode("utf-8", "surrogatepass")) for name, vs in data.items() for value in vs
    ]
    return urlencode(pairs)


def _send(client: Client, method: str, url: str, data: dict[str, list[str]]) -> HttpResponse:
    if method == "get":
        return client.get(f"{url}?{_query(data)}")
    return client.post(url, _query(data), content_type="application/x-www-form-urlencoded")


def _refused(client: Client, response: HttpResponse) -> bool:
    """Whether the post was refused: its page came back, or it redirected with an error.

    The page redirected to is opened, as the browser would, so that it shows (and uses up)
    the post's messages: one left unread would seem to belong to the next post.
    """
    if response.status_code not in (301, 302, 303):
        return True
    location = response["Location"]
    assert not location.startswith("/accounts/"), "signed out on the way"
    landing = client.get(location)
    assert landing.status_code < 500
    return any(m.level >= ERROR for m in get_messages(landing.wsgi_request))


def fuzz(client: Client, form: PageForm, *, refusals: bool = True, **valid: object) -> None:
    """Post ``form`` filled in with ``valid``, one to three of its fields spoilt, 25 times.
    Without ``refusals`` (the account forms, whose every outcome is a page of /accounts/) only
    the status and the apps' tables are checked."""
    good = form.data(**valid)
    names = sorted((set(form.fields) | set(form.choices)) - {"csrfmiddlewaretoken"})

    @FUZZ
    @given(spoilt=st.dictionaries(st.sampled_from(names), VALUE, min_size=1, max_size=3))
    def send(spoilt: dict[str, str | list[str]]) -> None:
        data = {**good, **{k: v if isinstance(v, list) else [v] for k, v in spoilt.items()}}
        before = _row_counts()
        response = _send(client, form.method, form.action, data)
        assert response.status_code < 500
        if not refusals:
            assert _row_counts() == before, f"an account form wrote the apps' rows: {spoilt!r}"
        elif form.method == "post" and _refused(client, response):
            assert _row_counts() == before, f"a refused post wrote rows: {spoilt!r}"

    _with_nul_in_each(send, names)()


def _with_nul_in_each(test, names: list[str]):
    """``test`` that also tries, every run, a NUL byte in each field on its own: the input
    PostgreSQL refuses, so that finding it does not depend on the draw."""
    for name in names:
        test = example(spoilt={name: "\x00"})(test)
    return test


def fuzz_query(client: Client, url: str, names: list[str]) -> None:
    """GET ``url`` with one to three of the query parameters ``names`` spoilt, 25 times."""

    @FUZZ
    @given(spoilt=st.dictionaries(st.sampled_from(names), VALUE, min_size=1, max_size=len(names)))
    def send(spoilt: dict[str, str | list[str]]) -> None:
        data = {k: v if isinstance(v, list) else [v] for k, v in spoilt.items()}
        assert _send(client, "get", url, data).status_code < 500

    _with_nul_in_each(send, names)()


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# Districts -----------------------------------------------------------------------------------


@pytest.fixture
def norwich_postcode(norwich: District) -> PostcodeLookup:
    return PostcodeLookupFactory()


@pytest.fixture
def officer(client: Client, officer_breckland: User) -> Client:
    return signed_in(client, officer_breckland)


@pytest.fixture
def breckland_partner(breckland: District):
    partner = PartnerFactory(name="Breckland Council")
    partner.districts.add(breckland)
    return partner


def test_the_work_log_form(officer: Client, breckland: District, breckland_partner) -> None:
    form = form_of(officer.get("/districts/work-log/add/"), button="Save")
    fuzz(
        officer,
        form,
        district=breckland.pk,
        kind="meeting",
        priority_area=form.choices["priority_area"][-1],
        partners=[breckland_partner.pk],
        summary="Met the council.",
        hours="2",
        people_reached="10",
        funding_secured="0",
    )


def test_the_work_log_edit_form(officer: Client, officer_breckland, breckland) -> None:
    entry = WorkLogEntryFactory(officer=officer_breckland, district=breckland)
    fuzz(officer, form_of(officer.get(f"/districts/work-log/{entry.pk}/edit/"), button="Save"))


def test_the_partner_form(officer: Client, breckland: District) -> None:
    form = form_of(officer.get("/districts/partners/add/"), button="Save")
    fuzz(officer, form, name="Dereham Walkers", districts=[breckland.pk], type="vcse")


def test_the_framework_forms(officer: Client, breckland: District) -> None:
    fuzz(officer, form_of(officer.get("/districts/breckland/frameworks/add/"), button="Save"))
    priority = PriorityFactory(framework__district=breckland)
    framework = priority.framework
    fuzz(officer, form_of(officer.get(f"/districts/frameworks/{framework.pk}/edit/")))
    fuzz(
        officer,
        form_of(officer.get(f"/districts/frameworks/{framework.pk}/priorities/add/")),
        title="Places to walk",
    )
    fuzz(officer, form_of(officer.get(f"/districts/priorities/{priority.pk}/edit/")))
    fuzz(
        officer,
        form_of(officer.get(f"/districts/priorities/{priority.pk}/actions/add/")),
        description="Map the footpaths",
        owner="Officer",
        due_date="2025-03-01",
        status="on_track",
    )
    action = ActionItemFactory(priority=priority)
    fuzz(officer, form_of(officer.get(f"/districts/actions/{action.pk}/edit/")))


@pytest.mark.parametrize("kind", ["case-studies", "testimonials"])
def test_the_story_forms(officer: Client, breckland: District, kind: str) -> None:
    form = form_of(officer.get(f"/districts/stories/{kind}/add/"))
    fuzz(officer, form, district=breckland.pk, text="She walks every day now.", who="A walker")


def test_the_district_filters(officer: Client, breckland_partner) -> None:
    fuzz_query(
        officer,
        "/districts/work-log/",
        ["district", "date_from", "date_to", "kind", "priority_area", "partner", "mine", "page"],
    )
    fuzz_query(officer, "/districts/work-log/download/", ["date_from", "district", "mine"])
    fuzz_query(officer, "/districts/partners/", ["q", "type", "district", "page"])
    fuzz_query(officer, "/districts/mine/", ["year"])


# Funding -------------------------------------------------------------------------------------


@pytest.fixture
def funding_manager(client: Client, manager: User) -> Client:
    return signed_in(client, manager)


def test_the_stream_form(funding_manager: Client) -> None:
    form = form_of(funding_manager.get("/funding/streams/new/"))
    fuzz(funding_manager, form, name="Opening School Facilities", funder="Sport England")


def test_the_allocation_forms(funding_manager: Client, breckland: District) -> None:
    stream = FundingStreamFactory(name="Active NoW")
    form = form_of(funding_manager.get("/funding/allocations/new/"))
    fuzz(
        funding_manager,
        form,
        stream=stream.pk,
        district=breckland.pk,
        financial_year="2024-25",
        amount="£12,345.67",
        award_date="2024-06-01",
    )
    allocation = AllocationFactory(stream=stream, district=breckland)
    fuzz(
        funding_manager, form_of(funding_manager.get(f"/funding/allocations/{allocation.pk}/edit/"))
    )
    status_page = funding_manager.get(f"/funding/allocations/{allocation.pk}/status/")
    fuzz(funding_manager, form_of(status_page, button="Change status"))


def test_the_funding_filters(funding_manager: Client, breckland: District) -> None:
    AllocationFactory(district=breckland)
    fuzz_query(
        funding_manager, "/funding/allocations/", ["financial_year", "district", "stream", "status"]
    )
    fuzz_query(funding_manager, "/funding/", ["year"])
    fuzz_query(Client(), "/transparency/", ["year"])


# Reports -------------------------------------------------------------------------------------


def test_the_social_value_form(funding_manager: Client, built) -> None:
    copied = funding_manager.post(f"/reports/social-value/{built.pk}/copy/")
    assert copied.status_code == 302
    fuzz(funding_manager, form_of(funding_manager.get(copied["Location"])))


def test_the_report_forms(funding_manager: Client, manager: User, built) -> None:
    form = form_of(
        funding_manager.get("/reports/2024/report/words/"), button="Save the report's words"
    )
    fuzz(funding_manager, form, key="A good year.")
    # With a logo, the page offers to remove it too.
    report_logo_set(image=b"\x89PNG\r\n\x1a\n", content_type="image/png", user=manager)
    form = form_of(funding_manager.get("/reports/logo/edit/"), button="Save the logo")
    fuzz(funding_manager, form, remove=True)


def test_the_dashboard_query(funding_manager: Client, built) -> None:
    fuzz_query(funding_manager, "/reports/2024/", ["district", "year"])


# Accounts ------------------------------------------------------------------------------------


def test_the_sign_in_form(client: Client, manager: User) -> None:
    form = form_of(client.get("/accounts/login/"), button="Sign in")
    fuzz(client, form, refusals=False, username=manager.email, password="not-the-password")


def test_the_password_forms(client: Client, manager: User) -> None:
    form = form_of(client.get("/accounts/password_reset/"), button="Send the link")
    fuzz(client, form, refusals=False, email=manager.email)
    signed_in(client, manager)
    form = form_of(client.get("/accounts/password_change/"), button="Change password")
    fuzz(
        client,
        form,
        refusals=False,
        old_password=PASSWORD,
        new_password1="Marsh harriers over Cley",
        new_password2="Marsh harriers over Cley",
    )


def test_the_two_factor_code_forms(client: Client, manager: User, hub_user: User) -> None:
    authenticator_for(manager)
    form_of(client.get("/accounts/login/"), button="Sign in").submit(
        client, username=manager.email, password=PASSWORD
    )
    form = form_of(client.get("/accounts/two-factor/verify/"), button="Continue")
    fuzz(client, form, refusals=False, code="123456")
    setup = Client()
    form_of(setup.get("/accounts/login/"), button="Sign in").submit(
        setup, username=hub_user.email, password=PASSWORD
    )
    form = form_of(setup.get("/accounts/two-factor/setup/"), button="Turn on two-factor sign-in")
    fuzz(setup, form, refusals=False, code="123456")


# Referral intake -----------------------------------------------------------------------------

PERSON = {
    "first_name": "Zoë",
    "last_name": "O'Brien",
    "date_of_birth": "1948-05-17",
    "nhs_number": fake_nhs_number(1),
    "postcode": "nr1 3ab",
    "phone": "01603 123456",
    "has_disability": "no",
    "baseline_minutes": "20",
    "reason": "Two falls this winter.",
    "consent": True,
}


def test_the_referral_form(client: Client, referrer_a: User, norwich_postcode) -> None:
    signed_in(client, referrer_a)
    form = form_of(client.get("/referrals/new/"), button="Submit referral")
    red_flags = {name: "no" for name in form.choices if name.startswith("red_flag_")}
    fuzz(
        client,
        form,
        **PERSON,
        **red_flags,
        pathway="falls",
        falls_last_12_months="2",
        long_term_conditions=[form.choices["long_term_conditions"][0]],
    )


def test_the_self_referral_form(client: Client, settings, norwich_postcode) -> None:
    settings.SELF_REFERRAL_ENABLED = True
    settings.SELF_REFERRAL_RATE_LIMIT = 10_000
    form = form_of(client.get("/referrals/self/"), button="Send my referral")
    fuzz(client, form, **PERSON)


@pytest.fixture
def own_referral(referrer_a: User):
    return ReferralFactory(organisation=referrer_a.organisation, referrer=referrer_a)


def test_the_referrer_forms(client: Client, referrer_a: User, own_referral) -> None:
    signed_in(client, referrer_a)
    detail = client.get(f"/referrals/{own_referral.pk}/")
    fuzz(client, form_of(detail, button="Add note"), text="Now uses a stick.")
    withdraw = client.get(f"/referrals/{own_referral.pk}/withdraw/")
    fuzz(client, form_of(withdraw, button="Withdraw referral"), reason="Moved away.")
    fuzz(client, form_of(client.get("/referrals/notifications/"), button="Save"))


def test_the_referrer_filters(client: Client, referrer_a: User, own_referral) -> None:
    signed_in(client, referrer_a)
    fuzz_query(
        client, "/referrals/", ["q", "status", "pathway", "submitted_from", "submitted_to", "page"]
    )


# The hub -------------------------------------------------------------------------------------


@pytest.fixture
def hub(client: Client, hub_user: User) -> Client:
    return signed_in(client, hub_user)


def test_the_hub_referral_page_forms(hub: Client, hub_user: User, norwich: District) -> None:
    new = ReferralFactory(status=Status.SUBMITTED)
    fuzz(
        hub, form_of(hub.get(f"/referrals/hub/{new.pk}/"), action=f"/referrals/hub/{new.pk}/move/")
    )
    referral = ReferralFactory(status=Status.TRIAGED, district=None, postcode_not_found=True)
    url = f"/referrals/hub/{referral.pk}/"
    for action in ("assign", "contact", "district"):
        fuzz(hub, form_of(hub.get(url), action=f"{url}{action}/"))
    close = hub.get(f"{url}close/ineligible/")
    fuzz(hub, form_of(close, button="Close as ineligible"), note="Not eligible.")


def test_the_match_form(hub: Client, norwich: District) -> None:
    referral = ReferralFactory(status=Status.CONTACTED, district=norwich)
    ActivityOpportunityFactory(district=norwich, capacity=0)
    ActivityOpportunityFactory(district=norwich)
    fuzz(hub, form_of(hub.get(f"/referrals/hub/{referral.pk}/match/"), button="Match"))


def test_the_follow_up_form(hub: Client) -> None:
    follow_up: FollowUp = FollowUpFactory()
    url = f"/referrals/hub/{follow_up.referral_id}/follow-ups/{follow_up.pk}/"
    fuzz(hub, form_of(hub.get(url), button="Record follow-up"), minutes="150")


def test_the_activity_form(hub: Client, norwich: District) -> None:
    provider = PartnerFactory()
    form = form_of(hub.get("/referrals/hub/activities/new/"), button="Save")
    fuzz(
        hub,
        form,
        activity="Walking football",
        provider=provider.pk,
        district=norwich.pk,
        for_general=True,
        day_and_time="Mondays 10:00",
        contact="01603 000000",
        postcode="NR1 3AB",
        capacity="12",
        cost_per_session="3.50",
    )


def test_the_bulk_assign_form(hub: Client, hub_user: User) -> None:
    referrals = [ReferralFactory(), ReferralFactory()]
    form = form_of(hub.get("/referrals/triage/"), button="Assign selected")
    fuzz(hub, form, referrals=[r.pk for r in referrals], assigned_to=hub_user.pk)


def test_the_hub_filters(hub: Client, norwich: District) -> None:
    ReferralFactory(district=norwich)
    FollowUpFactory()
    fuzz_query(
        hub,
        "/referrals/triage/",
        ["q", "status", "pathway", "district", "caseload", "overdue", "duplicates", "page"],
    )
    fuzz_query(hub, "/referrals/hub/follow-ups/", ["district", "timepoint", "overdue", "page"])
    fuzz_query(hub, "/referrals/hub/activities/", ["district", "pathway", "is_active"])


def test_a_nul_byte_is_refused_beside_its_field(client: Client, referrer_a: User) -> None:
    """PostgreSQL cannot store a NUL: the form says so beside the field, linked to it."""
    signed_in(client, referrer_a)
    form = form_of(client.get("/referrals/new/"), button="Submit referral")

    response = form.submit(client, reason="Two falls\x00 this winter.")

    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    described_by = page.find("textarea", attrs={"name": "reason"})["aria-describedby"].split()
    errors = [page.find(id=ref).get_text(strip=True) for ref in described_by]
    assert "Null characters are not allowed." in errors

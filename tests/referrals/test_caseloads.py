"""Caseloads: a referral on a hub worker's caseload, moved to another's or taken off, with its
history; bulk assignment from the queue; My caseload and Unassigned."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group

from activeportal.accounts import roles
from referrals.hub import caseloads
from referrals.models import CaseloadChange, Referral, Status
from tests.factories import ReferralFactory, UserFactory
from tests.pages import form_of


@pytest.fixture
def ann(db):
    return UserFactory(first_name="Ann", last_name="Hughes", roles=[roles.HUB])


@pytest.fixture
def ben(db):
    return UserFactory(first_name="Ben", last_name="Okafor", roles=[roles.HUB])


@pytest.fixture
def referral(db):
    return ReferralFactory(first_name="Zoë", last_name="Smith")


# The services.


@pytest.mark.django_db
def test_assign_reassign_and_unassign_each_leave_a_history(referral, hub_user, ann, ben):
    assert caseloads.assign(referral=referral, to_user=ann, by=hub_user) is True
    assert caseloads.assign(referral=referral, to_user=ben, by=hub_user) is True
    assert caseloads.assign(referral=referral, to_user=None, by=ann) is True
    referral.refresh_from_db()
    assert referral.assigned_to is None
    history = [(c.from_user, c.to_user, c.changed_by) for c in referral.caseload_changes.all()]
    assert history == [(None, ann, hub_user), (ann, ben, hub_user), (ben, None, ann)]


@pytest.mark.django_db
def test_assigning_to_the_same_caseload_records_nothing(referral, hub_user, ann):
    caseloads.assign(referral=referral, to_user=ann, by=hub_user)
    assert caseloads.assign(referral=referral, to_user=ann, by=hub_user) is False
    assert referral.caseload_changes.count() == 1


@pytest.mark.django_db
def test_assignment_does_not_make_open_pages_stale(referral, hub_user, ann):
    caseloads.assign(referral=referral, to_user=ann, by=hub_user)
    referral.refresh_from_db()
    assert referral.version == 1
    assert referral.assigned_to == ann


@pytest.mark.django_db
def test_only_a_hub_worker_holds_a_caseload(referral, hub_user, referrer_a, manager):
    for user in (referrer_a, manager):
        with pytest.raises(caseloads.CaseloadError) as refused:
            caseloads.assign(referral=referral, to_user=user, by=hub_user)
        assert refused.value.field == "assigned_to"
        assert "does not work in the hub" in refused.value.message
    assert not CaseloadChange.objects.exists()
    referral.refresh_from_db()
    assert referral.assigned_to is None


@pytest.mark.django_db
def test_bulk_assign_counts_what_changed(hub_user, ann, ben):
    mine = ReferralFactory.create_batch(2, assigned_to=ann)
    others = [ReferralFactory(assigned_to=ben), ReferralFactory()]
    result = caseloads.bulk_assign(referrals=[*mine, *others], to_user=ann, by=hub_user)
    assert result == caseloads.BulkAssignResult(assigned=2, unchanged=2)
    assert set(Referral.objects.filter(assigned_to=ann)) == {*mine, *others}
    changes = CaseloadChange.objects.order_by("referral_id")
    assert [(c.referral, c.from_user, c.to_user) for c in changes] == [
        (others[0], ben, ann),
        (others[1], None, ann),
    ]


# The referral page.


@pytest.mark.django_db
def test_the_referral_page_assigns_reassigns_and_unassigns_with_history(
    client, hub_user, referral, ann, ben
):
    client.force_login(hub_user)
    url = f"/referrals/hub/{referral.pk}/"
    page = client.get(url)
    assert "Caseload: Unassigned" in _text(page)
    assert "Not assigned to anyone yet." in _text(page)

    response = form_of(page, button="Save caseload").submit(client, assigned_to=ann.pk, follow=True)
    assert f"{referral.reference} is now on Ann Hughes's caseload." in _text(response)
    assert "Caseload: Ann Hughes" in _text(response)

    response = form_of(response, button="Save caseload").submit(
        client, assigned_to=ben.pk, follow=True
    )
    response = form_of(response, button="Save caseload").submit(
        client, assigned_to=None, follow=True
    )
    assert f"{referral.reference} is now unassigned." in _text(response)
    assert "Caseload: Unassigned" in _text(response)
    soup = BeautifulSoup(response.content, "html.parser")
    table = soup.find("caption", string="Caseload history").find_parent("table")
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")[1:]] for tr in table.tbody("tr")]
    by = str(hub_user)
    assert rows == [
        ["Unassigned", "Ann Hughes", by],
        ["Ann Hughes", "Ben Okafor", by],
        ["Ben Okafor", "Unassigned", by],
    ]
    referral.refresh_from_db()
    assert referral.version == 1  # the other forms of the page stay current


@pytest.mark.django_db
def test_the_caseload_form_offers_hub_workers_only(client, hub_user, referral, ann, referrer_a):
    client.force_login(hub_user)
    form = form_of(client.get(f"/referrals/hub/{referral.pk}/"), button="Save caseload")
    assert str(ann.pk) in form.choices["assigned_to"]
    assert str(referrer_a.pk) not in form.choices["assigned_to"]
    assert "" in form.choices["assigned_to"]  # Unassigned


@pytest.mark.django_db
def test_a_worker_who_left_the_hub_is_refused_and_nothing_is_saved(client, hub_user, referral, ann):
    client.force_login(hub_user)
    form = form_of(client.get(f"/referrals/hub/{referral.pk}/"), button="Save caseload")
    ann.groups.remove(Group.objects.get(name=roles.HUB))  # between showing and saving
    response = form.submit(client, assigned_to=ann.pk, follow=True)
    # The page again, with the message beside the field it is about.
    form_html = str(BeautifulSoup(response.content, "html.parser").find(id="id_assigned_to").parent)
    assert "Choose a hub worker from the list, or Unassigned." in form_html
    assert 'aria-invalid="true"' in form_html
    assert "Caseload: Unassigned" in _text(response)
    referral.refresh_from_db()
    assert referral.assigned_to is None
    assert not CaseloadChange.objects.exists()


# The queue: bulk assignment, My caseload and Unassigned.


def _text(response) -> str:
    """The page's text as a person reads it (tags gone, spaces collapsed)."""
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def _references(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [th.get_text(strip=True) for th in soup.select("tbody th[scope=row]")]


def _assigned_column(response) -> dict[str, str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return {
        tr.th.get_text(strip=True): tr.find_all("td")[8].get_text(strip=True)
        for tr in soup.select("tbody tr")
    }


@pytest.mark.django_db
def test_bulk_assign_from_the_queue_says_so_and_goes_back_to_the_same_view(client, hub_user, ann):
    chosen = ReferralFactory.create_batch(3, pathway="general")
    left = ReferralFactory(pathway="general")
    ReferralFactory(pathway="falls")
    client.force_login(hub_user)
    url = "/referrals/triage/?pathway=general&caseload=unassigned"
    form = form_of(client.get(url), button="Assign selected")
    assert form.choices["referrals"] == [str(r.pk) for r in [*chosen, left]]
    response = form.submit(
        client, referrals=[r.pk for r in chosen], assigned_to=ann.pk, follow=True
    )
    assert response.redirect_chain[-1][0] == url
    assert "3 referrals assigned to Ann Hughes." in response.content.decode()
    assert _references(response) == [left.reference]  # still the Unassigned view
    assert set(Referral.objects.filter(assigned_to=ann)) == set(chosen)
    everyone = _assigned_column(client.get("/referrals/triage/"))
    assert {everyone[r.reference] for r in chosen} == {"Ann Hughes"}
    assert everyone[left.reference] == "Unassigned"


@pytest.mark.django_db
def test_bulk_unassign_and_a_referral_already_there(client, hub_user, ann):
    assigned = ReferralFactory(assigned_to=ann)
    unassigned = ReferralFactory()
    client.force_login(hub_user)
    form = form_of(client.get("/referrals/triage/"), button="Assign selected")
    response = form.submit(
        client, referrals=[assigned.pk, unassigned.pk], assigned_to=None, follow=True
    )
    assert "1 referral unassigned. 1 was unassigned already." in response.content.decode()
    assert not Referral.objects.filter(assigned_to__isnull=False).exists()


@pytest.mark.django_db
def test_bulk_assign_with_nothing_selected_changes_nothing(client, hub_user, ann):
    referral = ReferralFactory()
    client.force_login(hub_user)
    form = form_of(client.get("/referrals/triage/?caseload=unassigned"), button="Assign selected")
    response = form.submit(client, assigned_to=ann.pk, follow=True)
    assert response.redirect_chain[-1][0] == "/referrals/triage/?caseload=unassigned"
    assert "Select at least one referral to assign." in response.content.decode()
    referral.refresh_from_db()
    assert referral.assigned_to is None
    assert not CaseloadChange.objects.exists()


@pytest.mark.django_db
def test_bulk_assign_to_someone_who_left_the_hub_changes_nothing(client, hub_user, ann):
    referral = ReferralFactory()
    client.force_login(hub_user)
    form = form_of(client.get("/referrals/triage/"), button="Assign selected")
    ann.groups.clear()
    response = form.submit(client, referrals=[referral.pk], assigned_to=ann.pk, follow=True)
    assert "Choose a hub worker from the list, or Unassigned." in response.content.decode()
    assert not CaseloadChange.objects.exists()


@pytest.mark.django_db
def test_bulk_assign_goes_back_only_to_this_site(client, hub_user, ann):
    referral = ReferralFactory()
    client.force_login(hub_user)
    form = form_of(client.get("/referrals/triage/"), button="Assign selected")
    form.fields["next"] = ["https://elsewhere.example.com/"]
    response = form.submit(client, referrals=[referral.pk], assigned_to=ann.pk)
    assert response.status_code == 302 and response.url == "/referrals/triage/"


@pytest.mark.django_db
def test_my_caseload_and_unassigned_list_their_own(client, ann, ben):
    mine = ReferralFactory(assigned_to=ann, status=Status.CONTACTED)
    bens = ReferralFactory(assigned_to=ben)
    nobodys = ReferralFactory()
    ReferralFactory(assigned_to=ann, status=Status.ACTIVE)  # not waiting
    client.force_login(ann)
    page = client.get("/referrals/triage/")
    nav = BeautifulSoup(page.content, "html.parser").find("nav", attrs={"aria-label": "Hub"})
    links = {a.get_text(strip=True): a["href"] for a in nav.find_all("a")}
    assert _references(client.get(links["My caseload"])) == [mine.reference]
    assert _references(client.get(links["Unassigned"])) == [nobodys.reference]
    assert set(_references(page)) == {mine.reference, bens.reference, nobodys.reference}
    soup = BeautifulSoup(client.get(links["My caseload"]).content, "html.parser")
    current = soup.find("nav", attrs={"aria-label": "Hub"}).find(attrs={"aria-current": "page"})
    assert current.get_text(strip=True) == "My caseload"


# Who may.


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.REFERRER, roles.OFFICER, roles.MANAGER])
def test_caseload_pages_and_actions_are_404_for_everyone_but_the_hub(
    client, users_by_role, referral, ann, role
):
    client.force_login(users_by_role[role])
    assert client.get("/referrals/triage/?caseload=mine").status_code == 404
    assert client.get("/referrals/triage/?caseload=unassigned").status_code == 404
    response = client.post(
        f"/referrals/hub/{referral.pk}/assign/", {"version": 1, "assigned_to": ann.pk}
    )
    assert response.status_code == 404
    response = client.post(
        "/referrals/triage/assign/", {"referrals": [referral.pk], "assigned_to": ann.pk}
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.assigned_to is None
    assert not CaseloadChange.objects.exists()


@pytest.mark.django_db
def test_the_assign_addresses_take_posts_only(client, hub_user, referral):
    client.force_login(hub_user)
    assert client.get(f"/referrals/hub/{referral.pk}/assign/").status_code == 405
    assert client.get("/referrals/triage/assign/").status_code == 405
    assert client.post("/referrals/hub/999999/assign/", {"version": 1}).status_code == 404

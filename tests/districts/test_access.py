"""Every districts page for every role: who may open it, who gets 403, 404 or sign-in."""

from __future__ import annotations

import pytest

from activeportal.accounts import roles

STAFF = {roles.OFFICER, roles.HUB, roles.MANAGER, roles.ADMIN}
OFFICER_ONLY = {roles.OFFICER, roles.ADMIN}

READ_PAGES = [
    "/districts/all/",
    "/districts/breckland/",
    "/districts/work-log/",
    "/districts/work-log/download/",
    "/districts/partners/",
    "/districts/stories/",
    "/districts/frameworks/{framework}/",
]
OFFICER_PAGES = [
    "/districts/mine/",
    "/districts/work-log/add/",
    "/districts/partners/add/",
    "/districts/stories/case-studies/add/",
    "/districts/stories/testimonials/add/",
]
# Pages about one object: Breckland's officer may, Norwich's officer gets 404.
OBJECT_PAGES = [
    "/districts/work-log/{entry}/edit/",
    "/districts/work-log/{entry}/delete/",
    "/districts/partners/{partner}/edit/",
    "/districts/frameworks/{framework}/edit/",
    "/districts/frameworks/{framework}/priorities/add/",
    "/districts/priorities/{priority}/edit/",
    "/districts/priorities/{priority}/delete/",
    "/districts/priorities/{priority}/actions/add/",
    "/districts/actions/{action}/edit/",
    "/districts/stories/case-studies/{case_study}/edit/",
    "/districts/stories/testimonials/{testimonial}/edit/",
    "/districts/breckland/frameworks/add/",
]


def url_for(template, records):
    return template.format(**{name: obj.pk for name, obj in records.items()})


@pytest.mark.parametrize("role", roles.ROLES)
@pytest.mark.parametrize("template", READ_PAGES)
def test_staff_read_and_referrers_are_refused(
    client, users_by_role, breckland_records, role, template
):
    client.force_login(users_by_role[role])
    response = client.get(url_for(template, breckland_records))
    assert response.status_code == (200 if role in STAFF else 403)


@pytest.mark.parametrize("role", roles.ROLES)
@pytest.mark.parametrize("template", OFFICER_PAGES + OBJECT_PAGES)
def test_only_officers_and_admins_open_editing_pages(
    client, users_by_role, breckland_records, role, template
):
    client.force_login(users_by_role[role])
    response = client.get(url_for(template, breckland_records))
    assert response.status_code == (200 if role in OFFICER_ONLY else 403)


@pytest.mark.parametrize("template", OBJECT_PAGES)
def test_another_districts_officer_gets_404(client, officer_norwich, breckland_records, template):
    client.force_login(officer_norwich)
    assert client.get(url_for(template, breckland_records)).status_code == 404


@pytest.mark.parametrize("template", READ_PAGES + OFFICER_PAGES + OBJECT_PAGES)
def test_anonymous_is_asked_to_sign_in(client, breckland_records, template):
    response = client.get(url_for(template, breckland_records))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_an_officer_reads_another_districts_page_without_edit_links(
    client, officer_norwich, breckland_records
):
    client.force_login(officer_norwich)
    page = client.get("/districts/breckland/").content.decode()
    assert "Older adults" in page
    assert "Edit the framework" not in page
    page = client.get(f"/districts/frameworks/{breckland_records['framework'].pk}/").content
    assert b"Add a priority" not in page


def test_unknown_district_and_story_kind_are_404(client, officer_breckland, breckland_records):
    client.force_login(officer_breckland)
    assert client.get("/districts/nowhere/").status_code == 404
    assert client.get("/districts/stories/poems/add/").status_code == 404
    assert client.get("/districts/frameworks/999999/").status_code == 404


def test_moving_a_priority_needs_post_and_scope(
    client, officer_breckland, officer_norwich, breckland_records
):
    url = f"/districts/priorities/{breckland_records['priority'].pk}/move/"
    client.force_login(officer_norwich)
    assert client.post(url, {"to": "up"}).status_code == 404
    client.force_login(officer_breckland)
    assert client.get(url).status_code == 405
    assert client.post(url, {"to": "up"}).status_code == 302


def test_unpublished_stories_show_only_to_their_districts_officers(
    client, officer_breckland, manager, breckland_records
):
    client.force_login(manager)
    page = client.get("/districts/breckland/").content.decode()
    assert "Back to bowls" not in page
    client.force_login(officer_breckland)
    page = client.get("/districts/breckland/").content.decode()
    assert "Back to bowls" in page
    assert "Not published" in page


def test_navigation_shows_districts_links_to_staff_only(client, officer_breckland, referrer_a):
    client.force_login(officer_breckland)
    page = client.get("/districts/mine/").content.decode()
    for link in (
        'href="/districts/work-log/"',
        'href="/districts/all/"',
        'href="/districts/partners/"',
    ):
        assert link in page
    client.force_login(referrer_a)
    page = client.get("/referrals/").content.decode()
    assert "/districts/work-log/" not in page

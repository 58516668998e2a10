"""Each role's home page: who may open it and who may not."""

from __future__ import annotations

import pytest

from activeportal.accounts import roles

PAGES = {
    "/districts/mine/": {roles.OFFICER, roles.ADMIN},
    "/referrals/": {roles.REFERRER, roles.ADMIN},
    "/referrals/triage/": {roles.HUB, roles.ADMIN},
    "/funding/": {roles.MANAGER, roles.ADMIN},
}
# Hub pages answer 404 to other roles, so their addresses confirm nothing.
NOT_FOUND_FOR_OTHERS = {"/referrals/triage/"}


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("role", roles.ROLES)
def test_role_may_or_may_not_open_page(client, users_by_role, url, role):
    client.force_login(users_by_role[role])
    response = client.get(url)
    if role in PAGES[url]:
        assert response.status_code == 200
    elif url in NOT_FOUND_FOR_OTHERS:
        assert response.status_code == 404
    else:
        assert response.status_code == 403
        assert "You do not have access to this page" in response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_asked_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_officer_sees_only_their_districts(client, officer_breckland, norwich):
    client.force_login(officer_breckland)
    page = client.get("/districts/mine/").content.decode()
    assert "Breckland" in page
    assert "Norwich" not in page


def test_navigation_follows_the_role(client, referrer_a):
    client.force_login(referrer_a)
    page = client.get("/referrals/").content.decode()
    assert 'href="/referrals/"' in page
    assert "Funding dashboard" not in page
    assert "Administration" not in page


def test_an_unknown_page_is_a_404_in_the_portal_look(client, manager):
    client.force_login(manager)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'id="main-content"' in response.content.decode()


def test_only_one_menu_link_is_the_current_page(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/referrals/triage/").content.decode()
    main_menu = page[page.index('aria-label="Main"') :].split("</nav>")[0]
    assert main_menu.count('aria-current="page"') == 1
    assert 'href="/referrals/triage/" aria-current="page"' in main_menu

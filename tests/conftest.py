"""People as fixtures: one per role and one per scope, so every page has its may and may-not.

Also ``built``: the impact figures of 2024-25, which the reports pages and the public
transparency page both show.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from pytest_django.fixtures import Settings

from activeportal.accounts import roles
from activeportal.accounts.models import User
from districts.models import District
from referrals.models import Pathway, ReferrerOrganisation, Status
from reports import services
from reports.models import SocialValueModel

from .factories import (
    DistrictFactory,
    FollowUpFactory,
    ReferralFactory,
    ReferrerOrganisationFactory,
    UserFactory,
)
from .form_coverage import FormCoverageCheck


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    # Every form of every page served, to the test client and to the browser, is recorded so
    # that a whole-suite run fails when one has no browser test (tests/form_coverage.py).
    from django.conf import settings

    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.form_coverage.FormRecordingMiddleware"]
    config.pluginmanager.register(FormCoverageCheck(config), "form-coverage")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # In CI (FAIL_ON_SKIP=1) nothing may be skipped: no browser or no worker is a failure.
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("FAIL_ON_SKIP") == "1" and call.when != "teardown":
        report.outcome = "failed"
        report.longrepr = f"Skipped in CI, where every test must run: {report.longrepr}"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The test database, dropped cleanly at the end even if a connection outlived its test.

    A connection opened by a request thread of the live server or by a worker process can still
    be open when the session ends, and PostgreSQL refuses to drop a database that is in use.
    """
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """The production algorithm with one iteration: the tests make many users."""

    iterations = 1


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with an empty cache: nothing cached by one test shows in another."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def force_login_includes_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """``client.force_login(user)`` stands for a whole sign-in, the two-factor code included, so
    that tests of a page start where its users do. The two-factor steps themselves are tested
    through the real pages (tests/accounts/test_two_factor.py, tests/e2e/test_two_factor.py)."""
    from django.test import Client

    from .signin import two_factor_passed

    force_login = Client.force_login

    def signed_in_with_code(self: Client, user: User, backend: str | None = None) -> None:
        force_login(self, user, backend)
        two_factor_passed(self)

    monkeypatch.setattr(Client, "force_login", signed_in_with_code)


@pytest.fixture(autouse=True)
def quick_password_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["tests.conftest.QuickPBKDF2PasswordHasher"]


@pytest.fixture
def breckland(db: None) -> District:
    return DistrictFactory(name="Breckland", slug="breckland", ons_code="E07000143")


@pytest.fixture
def norwich(db: None) -> District:
    return DistrictFactory(name="Norwich", slug="norwich", ons_code="E07000148")


@pytest.fixture
def practice_a(db: None, norwich: District) -> ReferrerOrganisation:
    return ReferrerOrganisationFactory(name="Practice A", district=norwich)


@pytest.fixture
def practice_b(db: None, breckland: District) -> ReferrerOrganisation:
    return ReferrerOrganisationFactory(name="Practice B", district=breckland)


@pytest.fixture
def officer_breckland(db: None, breckland: District) -> User:
    return UserFactory(
        email="officer.breckland@example.org", roles=[roles.OFFICER], officer_of=[breckland]
    )


@pytest.fixture
def officer_norwich(db: None, norwich: District) -> User:
    return UserFactory(
        email="officer.norwich@example.org", roles=[roles.OFFICER], officer_of=[norwich]
    )


@pytest.fixture
def referrer_a(db: None, practice_a: ReferrerOrganisation) -> User:
    return UserFactory(
        email="referrer.a@example.org", roles=[roles.REFERRER], organisation=practice_a
    )


@pytest.fixture
def referrer_b(db: None, practice_b: ReferrerOrganisation) -> User:
    return UserFactory(
        email="referrer.b@example.org", roles=[roles.REFERRER], organisation=practice_b
    )


@pytest.fixture
def hub_user(db: None) -> User:
    return UserFactory(email="hub@example.org", roles=[roles.HUB])


@pytest.fixture
def manager(db: None) -> User:
    return UserFactory(email="manager@example.org", roles=[roles.MANAGER])


@pytest.fixture
def admin_user(db: None) -> User:
    return UserFactory(
        email="admin@example.org", roles=[roles.ADMIN], is_staff=True, is_superuser=True
    )


@pytest.fixture
def no_role_user(db: None) -> User:
    return UserFactory(email="nobody@example.org")


@pytest.fixture
def users_by_role(
    officer_breckland: User, referrer_a: User, hub_user: User, manager: User, admin_user: User
) -> dict[str, User]:
    """One user of each role, by role name."""
    return {
        roles.OFFICER: officer_breckland,
        roles.REFERRER: referrer_a,
        roles.HUB: hub_user,
        roles.MANAGER: manager,
        roles.ADMIN: admin_user,
    }


@pytest.fixture
def built(breckland: District, norwich: District) -> SocialValueModel:
    """Thirty active referrals of 2024-25 (27 in Breckland, 3 in Norwich), twelve followed up,
    and the impact snapshots built from them: the partnership's and each district's."""
    org = ReferrerOrganisationFactory(district=breckland)
    for i in range(30):
        referral = ReferralFactory(
            statistical=True,
            organisation=org,
            district=breckland if i < 27 else norwich,
            imd_decile=1 + i % 10,
            pathway=Pathway.FALLS if i % 3 == 0 else Pathway.GENERAL,
            status=Status.ACTIVE,
        )
        if i < 12:
            FollowUpFactory(referral=referral, completed=True, minutes=200)
    model = services.social_value_model_create_default()
    for district_id in (None, breckland.pk, norwich.pk):
        services.snapshot_build(year=2024, district_id=district_id, model_id=model.pk)
    return model

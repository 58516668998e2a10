"""Backups that restore: `make backup` of a populated database, `make restore` into an empty
one, and the restored portal holds the same rows and figures and takes the next referral."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import psycopg
import psycopg.sql
import pytest
from django.core.management import call_command
from django.db import connection

from activeportal.accounts import roles
from referrals.intake.services import referral_submit
from referrals.models import PostcodeLookup, Referral
from reports import services
from reports.models import SnapshotBuild
from tests.factories import (
    PASSWORD,
    FollowUpFactory,
    ReferralFactory,
    UserFactory,
    referral_data,
    referral_form_answers,
)

from .conftest import BASE_DIR, _test_database_url
from .servers import page_form, production_env, signed_in, start_gunicorn

pytestmark = pytest.mark.django_db(transaction=True)


def _counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        count = psycopg.sql.SQL("SELECT count(*) FROM {}")
        return {
            t: conn.execute(count.format(psycopg.sql.Identifier(t))).fetchone()[0] for t in tables
        }


def _figures(url: str) -> list:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT year, district_id, figures FROM reports_impactsnapshot "
            "ORDER BY year, district_id NULLS FIRST"
        ).fetchall()


@pytest.fixture
def empty_database():
    name = f"restore_{uuid.uuid4().hex[:8]}"
    admin = _test_database_url().rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield _test_database_url().rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_an_empty_database_and_the_portal_goes_on(
    tmp_path, empty_database, practice_a, norwich
):
    referrer = UserFactory(email="gp@example.org", roles=[roles.REFERRER], organisation=practice_a)
    PostcodeLookup.objects.create(
        postcode="NR1 3AB", lsoa_code="E01026777", imd_decile=2, district_ons_code="E07000148"
    )
    submitted = referral_submit(
        referrer=referrer,
        organisation=practice_a,
        data=referral_data(nhs_number=""),
        submission_token=uuid.uuid4(),
    )
    for _ in range(5):
        FollowUpFactory(
            referral=ReferralFactory(statistical=True, district=norwich), completed=True
        )
    services.social_value_model_create_default()
    services.build_run(build_id=SnapshotBuild.objects.create(model=services.current_model()).pk)
    source = _test_database_url()
    connection.close()

    dump = tmp_path / "portal.dump"
    call_command("backup", to=str(dump))
    assert dump.stat().st_size > 0
    restored = subprocess.run(
        [sys.executable, "manage.py", "restore", str(dump)],
        cwd=BASE_DIR,
        env={**os.environ, "DEBUG": "1", "DATABASE_URL": empty_database},
        capture_output=True,
        text=True,
    )
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.strip().startswith(f"Restored {dump} into restore_")

    assert _counts(empty_database) == _counts(source)
    assert _figures(empty_database) == _figures(source)
    assert len(_figures(source)) >= 2

    # The restored portal signs the referrer in and takes a new referral, numbered next.
    env = production_env(database_url=empty_database, broker_url="", CELERY_TASK_ALWAYS_EAGER="1")
    server, url = start_gunicorn(env, workers=1)
    try:
        session = signed_in(url, referrer.email, PASSWORD)
        action, data = page_form(session, f"{url}/referrals/new/", button="Submit referral")
        answers = {k: ("on" if v is True else v) for k, v in referral_form_answers().items()}
        response = session.post(action, data={**data, **answers}, timeout=30)
        assert response.status_code == 200 and "/submitted/" in response.url, response.text[:300]
    finally:
        server.stop()
    with psycopg.connect(empty_database) as conn:
        (newest,) = conn.execute(
            "SELECT reference FROM referrals_referral ORDER BY id DESC LIMIT 1"
        ).fetchone()
    prefix, number = submitted.reference.rsplit("-", 1)
    assert newest == f"{prefix}-{int(number) + 1:06d}"
    assert not Referral.objects.filter(reference=newest).exists()  # only in the restored one


def test_restore_refuses_to_replace_a_database_that_holds_tables(tmp_path):
    dump = tmp_path / "portal.dump"
    call_command("backup", to=str(dump))
    refused = subprocess.run(
        [sys.executable, "manage.py", "restore", str(dump)],
        cwd=BASE_DIR,
        env={**os.environ, "DEBUG": "1", "DATABASE_URL": _test_database_url()},
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1
    assert "already holds" in refused.stderr and "--yes" in refused.stderr

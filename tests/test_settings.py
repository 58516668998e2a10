"""Start-up with production settings, run as a new process as a deployment would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k9$Vq2!xR7mZ@p4LwT8nB#c6Yh1sJ5dF0gE3uK&aQ*oI^vN%eWrP",
    "HTTPS": "1",
    "ALLOWED_HOSTS": "portal.example.org",
    "STATIC_MANIFEST": "1",
    # Production sends e-mail and shares rate-limit counters (accounts.W001 / W002 otherwise).
    "EMAIL_HOST": "smtp.example.org",
    "CACHE_URL": "redis://127.0.0.1:6379/15",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests only
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_missing_secret_key_stops_start_up_with_a_clear_message():
    env = {**PRODUCTION}
    del env["SECRET_KEY"]
    result = manage("check", **env)
    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unclear_debug_value_stops_start_up():
    result = manage("check", **{**PRODUCTION, "DEBUG": "perhaps"})
    assert result.returncode == 1
    assert "DEBUG='perhaps' is not a yes/no value" in result.stderr
    assert "Traceback" not in result.stderr


def test_settings_are_the_ones_the_portal_promises(settings):
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.LANGUAGE_CODE == "en-gb"
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]


def _show_parallel_workers(code: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    clean.pop("DATABASE_PARALLEL_WORKERS", None)
    # The server's own database: the setting is the connection's, whichever database it opens.
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    result = subprocess.run(
        [sys.executable, "-c", code + SHOW_PARALLEL_WORKERS],
        cwd=BASE_DIR,
        env={**clean, "DEBUG": "1", "DATABASE_URL": server},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


SHOW_PARALLEL_WORKERS = (
    "\nfrom django.db import connection"
    "\nwith connection.cursor() as cursor:"
    "\n    cursor.execute('SHOW max_parallel_workers_per_gather')"
    "\n    print(cursor.fetchone()[0])"
)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="a PostgreSQL setting (CI runs on PostgreSQL)",
)
def test_web_requests_query_without_parallel_workers_and_workers_keep_the_servers_setting():
    assert _show_parallel_workers("import activeportal.wsgi") == "0"
    server = _show_parallel_workers(
        "import os, django\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', "
        "'activeportal.settings')\ndjango.setup()"
    )
    assert server != "0"

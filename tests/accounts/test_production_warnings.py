"""With DEBUG off, e-mail on the console and per-process rate limits are said at start-up."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-key-for-the-check-test-0123456789",
    "ALLOWED_HOSTS": "portal.example.org",
    "HTTPS": "1",
    "STATIC_MANIFEST": "0",
}


def _check_deploy(**env: str) -> subprocess.CompletedProcess:
    skip = ("EMAIL_HOST", "CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")  # the last: browser tests only
    environ = {k: v for k, v in os.environ.items() if k not in skip}
    environ.update({**PRODUCTION, **env})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_email_host_or_cache_url_the_deploy_check_warns():
    result = _check_deploy()
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "accounts.W001" in output
    assert "password-reset links included, are printed" in output
    assert "accounts.W002" in output


def test_with_email_host_and_cache_url_the_deploy_check_passes():
    result = _check_deploy(EMAIL_HOST="smtp.example.org", CACHE_URL="redis://127.0.0.1:6379/9")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "accounts.W00" not in result.stdout + result.stderr


def test_start_up_logs_both_warnings_with_debug_off(settings, caplog):
    settings.DEBUG = False
    settings.EMAIL_HOST = ""
    settings.CACHE_URL = None
    with caplog.at_level(logging.WARNING, logger="activeportal.accounts"):
        apps.get_app_config("accounts").ready()
    assert "EMAIL_HOST is not set" in caplog.text
    assert "CACHE_URL is not set" in caplog.text


def test_nothing_is_logged_with_debug_on(settings, caplog):
    settings.DEBUG = True
    settings.EMAIL_HOST = ""
    settings.CACHE_URL = None
    with caplog.at_level(logging.WARNING, logger="activeportal.accounts"):
        apps.get_app_config("accounts").ready()
    assert "is not set" not in caplog.text

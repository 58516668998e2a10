"""Start-up warnings about production settings that work but leak or weaken silently.

Without EMAIL_HOST, password-reset e-mails, sign-in tokens and all, are printed to the process's
output, where anyone reading the logs can use them; without CACHE_URL each web process keeps its
own rate-limit counters, so N processes allow N times the limit; with two-factor sign-in turned
off (TWO_FACTOR=0, for a load test) a password alone opens patients' data. The first two are
right for a trial on one machine and all are wrong in production, so with DEBUG off they are
said at every start: as system check warnings (runserver, migrate, ``check --deploy``) and in
the log (gunicorn runs no checks).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.checks import Warning

logger = logging.getLogger("activeportal.accounts")


def production_warnings(app_configs=None, **kwargs) -> list[Warning]:
    if settings.DEBUG:
        return []
    warnings = []
    if not settings.EMAIL_HOST:
        warnings.append(
            Warning(
                "EMAIL_HOST is not set: e-mails, password-reset links included, are printed "
                "to the console log instead of being sent.",
                hint="Set EMAIL_HOST (and its user and password) to your SMTP server.",
                id="accounts.W001",
            )
        )
    if not settings.CACHE_URL:
        warnings.append(
            Warning(
                "CACHE_URL is not set: each web process counts the rate limits on its own, so "
                "with several processes a client gets that many times the limit.",
                hint="Set CACHE_URL to a Redis database, e.g. redis://127.0.0.1:6379/1.",
                id="accounts.W002",
            )
        )
    missing = {"hub", "manager", "admin"} - set(settings.TWO_FACTOR_REQUIRED_ROLES)
    if not settings.TWO_FACTOR or missing:
        who = "anyone" if not settings.TWO_FACTOR else ", ".join(sorted(missing))
        warnings.append(
            Warning(
                f"Two-factor sign-in is not required of {who}: a stolen password is enough to "
                "see people's health details (the NHS DSPT requires multi-factor sign-in).",
                hint="Unset TWO_FACTOR and TWO_FACTOR_REQUIRED_ROLES (the default requires it "
                "of the hub, managers and admins).",
                id="accounts.W003",
            )
        )
    return warnings


def log_production_warnings() -> None:
    for warning in production_warnings():
        logger.warning("%s %s (%s)", warning.msg, warning.hint, warning.id)

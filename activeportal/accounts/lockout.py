"""How django-axes counts failed sign-ins: by the address as sign-in reads it, and per IP.

Sign-in finds the account whatever the letter case of the e-mail address, so the lock-out must
count every spelling of one address as one: otherwise ``Manager@…``, ``MANAGER@…`` and so on
each get their own five tries, and a locked account opens under another spelling.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

from .models import normalised_email


def lockout_username(request: HttpRequest | None, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the normalised address from the credentials or the posted form."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials and credentials.get(field):
        return normalised_email(credentials[field])
    posted = getattr(request, "POST", None) or {}
    return normalised_email(posted.get(field, ""))


class PortalAxesHandler(AxesDatabaseHandler):
    """Axes' database handler with a second, higher limit for one IP address.

    AXES_LOCKOUT_PARAMETERS lists the address from an IP first, then the IP alone; axes would
    hold both to AXES_FAILURE_LIMIT, which locks a whole GP practice behind one address after
    five typos. Here the IP alone locks only at AXES_IP_FAILURE_LIMIT.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        by_address, by_ip = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_ip >= settings.AXES_IP_FAILURE_LIMIT:
            return max(by_address, settings.AXES_FAILURE_LIMIT)
        return by_address

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        # A success clears that address's failures only: one colleague signing in must not
        # wipe the count of an attack on other addresses from the same IP.
        address_attempts = self.filter_user_attempts(request, credentials)[0]
        count, _ = address_attempts.delete()
        return count

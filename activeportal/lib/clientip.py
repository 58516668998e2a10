"""The address a request came from, for the lock-out, the rate limits and the audit trail.

Without a proxy (``PROXY_COUNT=0``) it is the connection's own address: an X-Forwarded-For
header is whatever the client chose to send and is ignored. Behind ``PROXY_COUNT`` proxies,
each appends the address it was reached from to X-Forwarded-For (nginx's
``$proxy_add_x_forwarded_for``), so the client is the ``PROXY_COUNT``-th address from the
right; anything further left was written by the client and is not trusted.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the configured proxies saw it, or None if it is not an address."""
    address = request.META.get("REMOTE_ADDR")
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        # Fewer addresses than proxies: the request did not come through all of them.
        address = forwarded[-proxies] if len(forwarded) >= proxies else None
    return _valid(address)


def _valid(address: str | None) -> str | None:
    if not address:
        return None
    # Some proxies append the port too: 203.0.113.5:41852, [2001:db8::5]:41852.
    host, colon, port = address.rpartition(":")
    candidates = [address]
    if colon and port.isdigit() and (host.count(":") == 0 or host.startswith("[")):
        candidates.append(host.strip("[]"))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None

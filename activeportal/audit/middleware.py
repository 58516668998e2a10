"""auditlog's middleware with the client address the rest of the portal uses."""

from __future__ import annotations

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.http import HttpRequest

from activeportal.lib.clientip import client_ip


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """Records ``client_ip(request)``: auditlog's own takes the first X-Forwarded-For value,
    which the client writes, so anyone could log their requests as coming from anywhere."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> int | None:
        # X-Forwarded-Port is as much the client's to write as X-Forwarded-For.
        return None

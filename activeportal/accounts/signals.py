"""Receivers that keep the record of a user's sessions, connected in apps.py.

Deactivation is a receiver rather than a service because every path sets ``is_active`` (the
admin's form and its actions, the shell, a future page): a session must end whichever it was.
"""

from __future__ import annotations

from .sessions import session_forget, session_start, user_sessions_end
from .two_factor import session_on_sign_in


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    if hasattr(request, "session"):
        session_start(request=request, user=user)
        session_on_sign_in(request=request, user=user)


def on_user_logged_out(sender, request, user, **kwargs) -> None:
    if hasattr(request, "session"):
        session_forget(session_key=request.session.session_key)


def on_user_saved(sender, instance, **kwargs) -> None:
    if not instance.is_active:
        user_sessions_end(user=instance)

"""Sessions that end: after SESSION_COOKIE_AGE from sign-in whatever happens, after
SESSION_IDLE_TIMEOUT_MINUTES without a request, and at once when the user is deactivated."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils import timezone

from .models import User, UserSession

LAST_SEEN = "last_seen"
# Writing the time on every request would save the session on every page; a minute is well
# inside any idle timeout worth setting.
LAST_SEEN_RESOLUTION = 60


def session_start(*, request, user: User) -> None:
    """Fix the session's end at sign-in (an absolute lifetime, not renewed by activity) and
    record its key against the user."""
    request.session.set_expiry(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))
    request.session[LAST_SEEN] = timezone.now().timestamp()
    request.session.save()
    UserSession.objects.get_or_create(session_key=request.session.session_key, user=user)


def session_forget(*, session_key: str | None) -> None:
    """Drop the record of a session that has ended."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def user_sessions_end(*, user: User) -> int:
    """End every session the user signed in with, in the session store itself."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store.delete(key)
    UserSession.objects.filter(user=user).delete()
    return len(keys)


def sessions_clear() -> int:
    """Remove ended sessions: those past their expiry from the session store, and the records
    of sessions signed in longer ago than the absolute lifetime (SESSION_COOKIE_AGE), which have
    ended whatever happened since. Returns how many records went."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    cutoff = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    deleted, _ = UserSession.objects.filter(signed_in_at__lt=cutoff).delete()
    return deleted


class IdleTimeoutMiddleware:
    """Signs out a user who made no request for SESSION_IDLE_TIMEOUT_MINUTES."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            last_seen = request.session.get(LAST_SEEN, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= LAST_SEEN_RESOLUTION or LAST_SEEN not in request.session:
                request.session[LAST_SEEN] = now
        return self.get_response(request)

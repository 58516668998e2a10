from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from activeportal.lib.http import AuthenticatedHttpRequest, safe_next

from . import roles, two_factor
from .forms import AuthenticatorCodeForm, SignInCodeForm, SignInForm
from .models import User
from .roles import home_url_name, role_required


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        """Straight on to the code, when the session owes one, carrying where it was going."""
        wanted = super().get_success_url()
        owed = two_factor.session_owes(self.request)
        if owed is None:
            return wanted
        url = reverse("two-factor-setup" if owed == two_factor.SET_UP else "two-factor-verify")
        home = resolve_url(settings.LOGIN_REDIRECT_URL)
        return f"{url}?{urlencode({'next': wanted}, safe='/')}" if wanted != home else url


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to their role's home page; explain when they have no role yet."""
    url_name = home_url_name(request.user)
    if url_name is None:
        return render(request, "accounts/no_role.html", status=403)
    return redirect(url_name)


def _with_next(request: HttpRequest, url_name: str) -> str:
    wanted = safe_next(request, "")
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': wanted}, safe='/')}" if wanted else url


def _wrong_code(checked: two_factor.Checked, *, recovery: bool) -> str:
    if checked.wait_seconds:
        return (
            f"Too many wrong codes. Wait {checked.wait_seconds} "
            f"second{'s' if checked.wait_seconds != 1 else ''}, then enter the code your app "
            "shows then."
        )
    if recovery:
        return (
            "That code is not right. Enter the 6-digit code your app shows now (it changes "
            "every 30 seconds), or a recovery code you have not used before."
        )
    return (
        "That code is not right. Enter the 6-digit code your app shows now; it changes "
        "every 30 seconds."
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Turn on two-factor sign-in: scan the QR code (or type the key), enter a code from the
    app, and get ten recovery codes. Asked of the required roles at their first sign-in."""
    if two_factor.session_owes(request) == two_factor.VERIFY:
        return redirect(_with_next(request, "two-factor-verify"))
    device = two_factor.authenticator_start(user=request.user)
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        checked = two_factor.authenticator_confirm(
            user=request.user, device=device, code=form.cleaned_data["code"]
        )
        if checked.device is not None:
            two_factor.session_verified(request=request, device=checked.device)
            request.session[two_factor.FRESH_CODES] = two_factor.recovery_codes_make(
                user=request.user
            )
            messages.success(request, "Two-factor sign-in is on.")
            return redirect(_with_next(request, "two-factor-recovery-codes"))
        form.add_error("code", _wrong_code(checked, recovery=False))
    uri = device.config_url
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": segno.make(uri, error="m").svg_inline(scale=5, border=4),
            "key": two_factor.key_for_typing(device),
            "required": two_factor.required_for(request.user),
            "replacing": two_factor.has_authenticator(request.user),
            "next": safe_next(request, ""),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of signing in."""
    owed = two_factor.session_owes(request)
    if owed is None:
        return redirect(safe_next(request, reverse("home")))
    if owed == two_factor.SET_UP:
        return redirect(_with_next(request, "two-factor-setup"))
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        checked = two_factor.code_check(user=request.user, code=form.cleaned_data["code"])
        if checked.device is not None:
            two_factor.session_verified(request=request, device=checked.device)
            if checked.recovery_code:
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} of them left. Each works "
                    "once: make new ones on the two-factor sign-in page if you are running low.",
                )
            return redirect(safe_next(request, reverse("home")))
        form.add_error("code", _wrong_code(checked, recovery=True))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": safe_next(request, "")},
    )


@login_required
@require_GET
def two_factor_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Whether two-factor sign-in is on, how many recovery codes are left, and the ways to
    change it."""
    user = request.user
    return render(
        request,
        "accounts/two_factor.html",
        {
            "authenticator": user.totpdevice_set.filter(confirmed=True).first(),
            "codes_left": two_factor.recovery_codes_left(user),
            "required": two_factor.required_for(user),
        },
    )


@login_required
@require_GET
def recovery_codes_shown(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The recovery codes just made, shown once."""
    codes = request.session.pop(two_factor.FRESH_CODES, None)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": safe_next(request, reverse("home"))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Make new recovery codes, after saying the old ones will stop working."""
    if not two_factor.has_authenticator(request.user):
        messages.info(request, "Turn two-factor sign-in on first; recovery codes come with it.")
        return redirect("two-factor")
    if request.method == "POST":
        request.session[two_factor.FRESH_CODES] = two_factor.recovery_codes_make(user=request.user)
        messages.success(request, "New recovery codes made. The old ones no longer work.")
        return redirect("two-factor-recovery-codes")
    return render(
        request,
        "accounts/recovery_codes_new.html",
        {"codes_left": two_factor.recovery_codes_left(request.user)},
    )


@role_required(roles.ADMIN)
@require_http_methods(["GET", "POST"])
def two_factor_reset(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """An admin removes a person's authenticator and recovery codes (a lost phone), after
    confirming: their sessions end, and the reset is in the audit trail and the user's admin
    history."""
    person = get_object_or_404(User, pk=user_id)
    if request.method == "POST":
        removed = two_factor.two_factor_reset(user=person)
        AdminLogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=User.objects.filter(pk=person.pk),
            action_flag=CHANGE,
            change_message="Reset two-factor sign-in.",
            single_object=True,
        )
        messages.success(
            request,
            f"Two-factor sign-in reset for {person.email}: {removed} device"
            f"{'s' if removed != 1 else ''} removed and their sessions ended. They set it up "
            "again when they next sign in.",
        )
        return redirect("two-factor-reset", user_id=person.pk)
    return render(
        request,
        "accounts/two_factor_reset.html",
        {
            "person": person,
            "has_authenticator": two_factor.has_authenticator(person),
            "codes_left": two_factor.recovery_codes_left(person),
            "required": two_factor.required_for(person),
        },
    )

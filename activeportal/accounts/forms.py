from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from activeportal.lib.forms import Form, HiddenErrorsShown


class SignInForm(HiddenErrorsShown, AuthenticationForm):
    """Sign in with an e-mail address; the field keeps the name ``username`` for Django/axes."""

    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        "invalid_login": (
            "The email address or password is not right. Check them and try again; "
            "after several failed attempts the account is locked for a while."
        ),
        "inactive": "This account has been deactivated. Ask your administrator.",
    }


class AuthenticatorCodeForm(Form):
    """The code an authenticator app shows, to turn two-factor sign-in on."""

    code = forms.CharField(
        label="Code from your app",
        help_text="The 6-digit code your app shows for ActivePortal. It changes every 30 seconds.",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "code-input",
            }
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
    )


class SignInCodeForm(Form):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = forms.CharField(
        label="Code",
        help_text=(
            "The 6-digit code from your authenticator app, or one of your recovery codes "
            "if you do not have your phone."
        ),
        max_length=24,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "spellcheck": "false",
                "autocapitalize": "off",
                "class": "code-input",
            }
        ),
        error_messages={
            "required": "Enter the code from your authenticator app, or a recovery code."
        },
    )

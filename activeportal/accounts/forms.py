from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from activeportal.lib.forms import HiddenErrorsShown


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

"""The one shape of error a service raises, and the one way a view shows it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest

T = TypeVar("T")


class DomainError(Exception):
    """A rule refused the change: a message a person can act on, and the field it is about.

    Every app's error (``DistrictsError``, ``FundingError``, ``WorkflowError``, …) is one of
    these. ``field`` names the form field the message belongs beside, or is None for the form
    as a whole.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


def form_error_show(form: forms.BaseForm, error: DomainError) -> None:
    """Show ``error`` on ``form``: beside its field when the form has it, else above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def form_call(form: forms.BaseForm, service: Callable[..., T], /, **kwargs) -> T | None:
    """Call ``service(**kwargs)``; on a DomainError show it on ``form`` and return None."""
    try:
        return service(**kwargs)
    except DomainError as error:
        form_error_show(form, error)
        return None


def message_call(request: HttpRequest, service: Callable[..., T], /, **kwargs) -> T | None:
    """Call ``service(**kwargs)``; on a DomainError show it as an error message, return None."""
    try:
        return service(**kwargs)
    except DomainError as error:
        messages.error(request, error.message)
        return None

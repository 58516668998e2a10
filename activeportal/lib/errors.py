"""The one shape of error a service raises, and the one way a view shows it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.http import HttpRequest

T = TypeVar("T")
E = TypeVar("E", bound="DomainError")


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


def domain_error_from(error: ValidationError, error_class: type[E]) -> E:
    """Django's ValidationError as the app's DomainError: every message, and the field when
    validation refused exactly one."""
    by_field = getattr(error, "message_dict", {NON_FIELD_ERRORS: error.messages})
    text = " ".join(message for messages in by_field.values() for message in messages)
    field = next(iter(by_field)) if len(by_field) == 1 else NON_FIELD_ERRORS
    return error_class(text, field=None if field == NON_FIELD_ERRORS else field)


def full_clean_or_raise(
    instance: models.Model, error_class: type[DomainError], **kwargs: object
) -> None:
    """``instance.full_clean(**kwargs)``; what it refuses comes out as ``error_class``."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        raise domain_error_from(error, error_class) from None


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

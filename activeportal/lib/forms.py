"""Form parts every app shares: the base form classes and the one date widget.

Every form of the project derives from ``Form`` or ``ModelForm`` here, so an error on a hidden
input (a stale version, an action the page did not send) is shown to the person as an error of
the whole form, never swallowed: templates, crispy's included, show ``non_field_errors``.
"""

from __future__ import annotations

from django import forms
from django.forms.utils import ErrorList


class HiddenErrorsShown:
    """Errors of hidden inputs are added to the form's non-field errors, in words."""

    def non_field_errors(self) -> ErrorList:
        errors = super().non_field_errors()  # type: ignore[misc]
        hidden = [
            f"The page sent an unexpected {field.label or field.name} ({error}). "
            "Reload the page and try again."
            for field in self.hidden_fields()  # type: ignore[attr-defined]
            for error in field.errors
        ]
        if not hidden:
            return errors
        return self.error_class(  # type: ignore[attr-defined]
            [*errors, *hidden],
            error_class="nonfield",
            renderer=self.renderer,  # type: ignore[attr-defined]
        )


class Form(HiddenErrorsShown, forms.Form):
    """The project's plain form."""


class ModelForm(HiddenErrorsShown, forms.ModelForm):
    """The project's model form."""


class DateInput(forms.DateInput):
    """The one date widget: the browser's date picker, given its value as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")

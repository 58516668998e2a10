"""Form parts every app shares."""

from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    """The one date widget: the browser's date picker, given its value as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")

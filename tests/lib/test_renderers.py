"""The portal's form renderer draws inputs, selects and text areas in Python: each must be the
HTML Django's own templates draw, character for character."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from activeportal.lib.renderers import PortalFormRenderer
from districts.models import District
from tests.factories import DistrictFactory

CHOICES = [("", "Choose a pathway"), ("general", "General"), ("falls", 'Falls <& "prevention">')]
GROUPED = [
    ("Norfolk", [("nr1", "Norwich"), ("nr30", "Great Yarmouth")]),
    ("Suffolk & more", [("ip24", "Thetford")]),
    ("", "Not known"),
]


class EveryWidget(forms.Form):
    text = forms.CharField(
        label="Name",
        max_length=40,
        help_text="As on the record",
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": 'e.g. "O\'Neil" <b>'}
        ),
    )
    optional = forms.CharField(required=False)
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    number = forms.IntegerField(min_value=0, max_value=10080)
    amount = forms.DecimalField(decimal_places=2, localize=True)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    hidden = forms.CharField(widget=forms.HiddenInput)
    ticked = forms.BooleanField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    pathway = forms.ChoiceField(
        choices=CHOICES, widget=forms.Select(attrs={"class": "form-select"})
    )
    place = forms.ChoiceField(choices=GROUPED)
    several = forms.MultipleChoiceField(choices=CHOICES[1:], required=False)
    maybe = forms.NullBooleanField(required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "disabled": True}))
    empty_notes = forms.CharField(required=False, widget=forms.Textarea)
    safe = forms.CharField(widget=forms.TextInput(attrs={"data-x": mark_safe("<i>kept</i>")}))
    year = forms.TypedChoiceField(choices=[(2024, 2024), (2025, 2025)], coerce=int)


DATA = {
    "text": "<script>alert('x')</script> & Co",
    "optional": "",
    "email": "nurse@example.org",
    "number": "1500",
    "amount": "12345.60",
    "date": "2025-03-12",
    "hidden": '"quoted"',
    "ticked": "on",
    "secret": "s3cret&",
    "pathway": "falls",
    "place": "nr30",
    "several": ["general", "falls"],
    "maybe": "true",
    "notes": "Line one\nLine <two>",
    "safe": "x",
    "year": "2025",
}


def _html(form_class, renderer, **kwargs) -> list[str]:
    form = form_class(renderer=renderer, **kwargs)
    return [str(field) for field in form]


@pytest.mark.parametrize(
    "kwargs",
    [
        {},  # unbound
        {"data": DATA},  # bound, valid
        {"data": {**DATA, "number": "-1", "email": "not an e-mail"}},  # bound, with errors
        {"initial": {"date": dt.date(2025, 3, 12), "amount": Decimal("7542.5"), "year": 2024}},
    ],
)
def test_widgets_drawn_in_python_are_the_html_of_djangos_templates(kwargs):
    assert _html(EveryWidget, PortalFormRenderer(), **kwargs) == _html(
        EveryWidget, DjangoTemplates(), **kwargs
    )


@pytest.mark.django_db
def test_a_model_choice_is_drawn_as_django_draws_it():
    DistrictFactory(name="Norwich & Broads <North>")

    class Choose(forms.Form):
        district = forms.ModelChoiceField(queryset=District.objects.all(), empty_label="Any")

    assert _html(Choose, PortalFormRenderer()) == _html(Choose, DjangoTemplates())


def test_the_portal_renders_forms_with_it(settings):
    assert settings.FORM_RENDERER == "activeportal.lib.renderers.PortalFormRenderer"

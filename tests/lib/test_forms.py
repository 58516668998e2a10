"""The project's base forms: an error on a hidden input is shown, never swallowed."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from django import forms

from activeportal.lib.forms import Form, HiddenErrorsShown

APPS = ["activeportal", "districts", "funding", "referrals", "reports", "transparency", "demo"]


class Versioned(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label="Note")


def test_a_hidden_inputs_error_is_one_of_the_forms_errors_in_words():
    form = Versioned({"version": "", "note": "Called twice."})
    assert not form.is_valid()
    errors = list(form.non_field_errors())
    assert errors == [
        "The page sent an unexpected Version (This field is required.). "
        "Reload the page and try again."
    ]
    # crispy-forms and the project's templates render non_field_errors: it reaches the page.
    assert "Reload the page and try again." in form.non_field_errors().as_ul()


def test_visible_fields_keep_their_errors_beside_them():
    form = Versioned({"version": "3", "note": ""})
    assert not form.is_valid()
    assert list(form.non_field_errors()) == []
    assert form.errors["note"] == ["This field is required."]


def _project_forms() -> list[type]:
    found = []
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in info.name or not info.name.rsplit(".", 1)[-1].startswith("forms"):
                continue
            module = importlib.import_module(info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__ and issubclass(cls, forms.BaseForm):
                    found.append(cls)
    return found


def test_every_form_of_the_project_shows_its_hidden_inputs_errors():
    project_forms = _project_forms()
    assert len(project_forms) > 20  # the walk found the apps' forms
    missing = [
        f"{f.__module__}.{f.__name__}"
        for f in project_forms
        if not issubclass(f, HiddenErrorsShown)
    ]
    assert not missing, f"derive these from activeportal.lib.forms Form/ModelForm: {missing}"

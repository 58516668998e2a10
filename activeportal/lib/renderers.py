"""The form renderer: Django's, with its commonest widget templates written in Python.

Django draws every widget from a template, and a select from one template per option: the
hub's worklist spent about a third of its rendering time on its nine filter widgets. Inputs,
selects with their options and text areas are drawn here instead, to the same HTML (escaping,
localisation and attribute rules as the templates: tests/lib/test_renderers.py compares the
two); any other widget, or a template a project overrides, is still drawn by Django.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.safestring import SafeData, SafeString, mark_safe

WIDGETS = "django/forms/widgets/"
# The widgets whose template is only {% include "django/forms/widgets/input.html" %}.
INPUT_TEMPLATES = {
    f"{WIDGETS}{name}.html"
    for name in (
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "hidden",
        "input",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
}


def _shown(value: Any) -> str:
    """``{{ value }}``: localised, then escaped unless marked safe."""
    return render_value_in_context(value, _CONTEXT)


def _as_text(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: the value as text, escaped unless it was marked safe."""
    text = "%s" % (value,)  # noqa: UP031 (exactly what the stringformat filter does)
    return _shown(mark_safe(text) if isinstance(value, SafeData) else text)  # noqa: S308


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: False leaves an attribute out, True writes its name."""
    return "".join(
        f" {_shown(name)}" if value is True else f' {_shown(name)}="{_as_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict[str, Any]) -> str:
    value = f' value="{_as_text(widget["value"])}"' if widget["value"] is not None else ""
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>"
    )


def _option(option: dict[str, Any]) -> str:
    return (
        f'<option value="{_as_text(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_shown(option['label'])}</option>"
    )


def _select(widget: dict[str, Any]) -> str | None:
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != f"{WIDGETS}select_option.html":
                return None  # an option drawn by a template of its own: leave it to Django
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict[str, Any]) -> str:
    value = _shown(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
    )


_CONTEXT = Context()
DRAWN: dict[str, Callable[[dict[str, Any]], str | None]] = {
    **dict.fromkeys(INPUT_TEMPLATES, _input),
    f"{WIDGETS}select.html": _select,
    f"{WIDGETS}select_option.html": _option,
    f"{WIDGETS}textarea.html": _textarea,
}


class PortalFormRenderer(DjangoTemplates):
    """Django's DjangoTemplates form renderer, drawing inputs, selects and text areas in
    Python (see the module's docstring)."""

    def render(self, template_name: str, context: dict, request=None) -> SafeString | str:
        draw = DRAWN.get(template_name)
        if draw is not None and "widget" in context:
            html = draw(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)

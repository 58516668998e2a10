"""Forms as the page renders them: view tests post what a person's browser would send.

    page = client.get(url)
    form = form_of(page, button="Close as completed")   # the form holding that button
    response = form.submit(client, note="Finished the course.")

``form_of`` reads the form out of the HTML (its action, method and every input, hidden ones
included, with the values the page gave them); ``submit`` fills in what the person types,
refusing a field the page does not render, and sends the pressed button's name and value.
A test can therefore never post a field, or a value of a hidden field, that the page lacks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag
from django.http import HttpResponse
from django.test import Client

NOT_SENT = {"submit", "button", "reset", "image", "file"}


@dataclass
class PageForm:
    action: str
    method: str
    fields: dict[str, list[str]]
    # name -> the values of its checkboxes or radio buttons, or of a select's options
    choices: dict[str, list[str]] = field(default_factory=dict)
    multiple: set[str] = field(default_factory=set)
    button: tuple[str, str] | None = None
    files: set[str] = field(default_factory=set)

    def data(self, **values: object) -> dict[str, list[str]]:
        """What the browser sends, with ``values`` typed or chosen by the person.

        A value of None clears the field; True/False tick or untick a checkbox; a list sets a
        multiple select or a group of checkboxes.
        """
        sent = {name: list(v) for name, v in self.fields.items()}
        for name, value in values.items():
            if name not in self.fields and name not in self.choices and name not in self.files:
                raise AssertionError(f"the form does not render a field named {name!r}")
            if value is None or value is False:
                sent[name] = []
            elif hasattr(value, "read"):  # a file chosen for a file input
                sent[name] = [value]  # type: ignore[list-item]
            elif value is True:
                options = self.choices.get(name) or ["on"]
                sent[name] = [options[0]]
            elif isinstance(value, list | tuple):
                sent[name] = [str(v) for v in value]
            else:
                options = self.choices.get(name)
                if options and str(value) not in options and name not in self.multiple:
                    raise AssertionError(f"{name!r} offers {options}, not {value!r}")
                sent[name] = [str(value)]
        if self.button:
            sent.setdefault(self.button[0], []).append(self.button[1])
        return {k: v for k, v in sent.items() if v}

    def submit(self, client: Client, *, follow: bool = False, **values: object) -> HttpResponse:
        data = self.data(**values)
        flat = {k: v if len(v) > 1 else v[0] for k, v in data.items()}
        if self.method == "get":
            return client.get(self.action, flat, follow=follow)
        return client.post(self.action, flat, follow=follow)


def forms_of(response: HttpResponse) -> list[Tag]:
    return BeautifulSoup(response.content, "html.parser").find_all("form")


def form_of(
    response: HttpResponse,
    *,
    button: str | None = None,
    label: str | None = None,
    action: str | None = None,
) -> PageForm:
    """The one form on the page holding the button ``button`` (its visible text), named
    ``label`` (aria-label), or posting to ``action``; with none given, the page's only form
    that is not the sign-out form."""
    path = response.wsgi_request.get_full_path()
    candidates = []
    for tag in forms_of(response):
        target = urljoin(path, tag.get("action") or path)
        if button is not None and _button(tag, button) is None:
            continue
        if label is not None and tag.get("aria-label") != label:
            continue
        if action is not None and target.split("?")[0] != action:
            continue
        if button is None and label is None and action is None and "logout" in target:
            continue
        candidates.append((tag, target))
    wanted = button or label or action or "the page's form"
    assert candidates, f"no form with {wanted!r} on {path}"
    assert len(candidates) == 1, f"{len(candidates)} forms with {wanted!r} on {path}"
    tag, target = candidates[0]
    return _read(tag, target, _button(tag, button) if button else None)


def _button(form: Tag, text: str) -> Tag | None:
    for tag in form.find_all(["button", "input"]):
        kind = (tag.get("type") or ("submit" if tag.name == "button" else "text")).lower()
        if kind != "submit":
            continue
        shown = tag.get_text(" ", strip=True) if tag.name == "button" else tag.get("value", "")
        if " ".join(shown.split()) == text:
            return tag
    return None


def _read(tag: Tag, target: str, pressed: Tag | None) -> PageForm:
    fields: dict[str, list[str]] = {}
    choices: dict[str, list[str]] = {}
    multiple: set[str] = set()
    files: set[str] = set()
    for control in tag.find_all(["input", "select", "textarea"]):
        name = control.get("name")
        if not name or control.has_attr("disabled"):
            continue
        if control.name == "textarea":
            fields.setdefault(name, []).append(control.get_text().removeprefix("\n"))
        elif control.name == "select":
            options = control.find_all("option")
            choices[name] = [o.get("value", o.get_text(strip=True)) for o in options]
            chosen = [o for o in options if o.has_attr("selected")]
            if control.has_attr("multiple"):
                multiple.add(name)
            elif not chosen and options:
                chosen = options[:1]
            fields.setdefault(name, []).extend(
                o.get("value", o.get_text(strip=True)) for o in chosen
            )
        else:
            kind = (control.get("type") or "text").lower()
            if kind == "file":
                files.add(name)
            if kind in NOT_SENT:
                continue
            if kind in {"checkbox", "radio"}:
                value = control.get("value", "on")
                choices.setdefault(name, []).append(value)
                if kind == "checkbox" and len(choices[name]) > 1:
                    multiple.add(name)
                fields.setdefault(name, [])
                if control.has_attr("checked"):
                    fields[name].append(value)
            else:
                fields.setdefault(name, []).append(control.get("value", ""))
    button = None
    if pressed is not None and pressed.get("name"):
        button = (pressed["name"], pressed.get("value", ""))
    return PageForm(
        action=target,
        method=(tag.get("method") or "get").lower(),
        fields=fields,
        choices=choices,
        multiple=multiple,
        button=button,
        files=files,
    )

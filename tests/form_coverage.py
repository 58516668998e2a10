"""Every form a page renders is submitted by at least one browser test.

While the tests run, ``FormRecordingMiddleware`` notes every ``<form>`` in every HTML page the
portal serves (to Django's test client and to the browser alike), and the browser tests' ``page``
fixture notes every form the browser submits. At the end of a whole-suite run ``uncovered``
compares the two: a form that pages render but no browser test submits fails the run, so a new
form cannot ship untested. The registry is written to ``.form-coverage.json`` for people to read.

A form is known by the URL name it submits to and its method: ``("districts:worklog-add",
"POST")``. A form with no action submits to its own page.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

if TYPE_CHECKING:
    from pytest import TerminalReporter

FormKey = tuple[str, str]

# Forms a browser test truly cannot submit, each with the reason. Keep it empty or nearly:
# a form listed here ships without a test of the page a person uses.
ALLOWED_UNTESTED: dict[FormKey, str] = {}

# Forms of pages outside the portal's own: the Django admin is Django's and is not tested here.
IGNORED_NAMESPACES = {"admin"}

# The portal's host names in tests: the test client's and the live server's.
OWN = {"testserver", "localhost", "127.0.0.1"}

REGISTRY_FILE = Path(__file__).resolve().parents[1] / ".form-coverage.json"


def form_key(action: str | None, method: str | None, page: str) -> FormKey | None:
    """The key of a form with this ``action`` and ``method`` on the page at ``page``, or None
    for a form that does not submit to the portal's own pages (the admin, another site)."""
    target = urlsplit(urljoin(page, action or page))
    if target.scheme not in {"", "http", "https"}:
        return None
    if target.netloc and target.netloc != urlsplit(page).netloc and target.hostname not in OWN:
        return None
    method = (method or "get").strip().upper() or "GET"
    if method == "DIALOG":
        return None  # closes a <dialog>; nothing is sent
    try:
        match = resolve(target.path or "/")
    except Resolver404:
        return (f"unknown URL {target.path}", method)
    if IGNORED_NAMESPACES & set(match.namespaces):
        return None
    return (match.view_name, method)


# Read with regular expressions rather than a parser: the middleware reads every page the
# whole suite serves, and only the form, button and input tags matter.
_TAG = re.compile(r"<(/?)(form|button|input)\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([^\s=/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


def _attributes(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTRIBUTE.finditer(text)
    }


def form_keys_in_html(page_html: str | bytes, page: str) -> set[FormKey]:
    """The keys of the forms in a page, and of their buttons that submit elsewhere
    (``formaction``/``formmethod``)."""
    if isinstance(page_html, bytes):
        page_html = page_html.decode("utf-8", "replace")
    keys: set[FormKey | None] = set()
    form: dict[str, str] | None = None
    for closing, tag, text in _TAG.findall(page_html):
        tag = tag.lower()
        if tag == "form":
            if closing:
                form = None
                continue
            form = _attributes(text)
            keys.add(form_key(form.get("action"), form.get("method"), page))
        elif form is not None and not closing:
            button = _attributes(text)
            if "formaction" in button or "formmethod" in button:
                keys.add(
                    form_key(
                        button.get("formaction", form.get("action")),
                        button.get("formmethod", form.get("method")),
                        page,
                    )
                )
    keys.discard(None)
    return keys  # type: ignore[return-value]


@dataclass
class FormRegistry:
    """The forms pages rendered (key -> the pages) and the browser submitted (key -> tests)."""

    rendered: dict[FormKey, set[str]] = field(default_factory=lambda: defaultdict(set))
    submitted: dict[FormKey, set[str]] = field(default_factory=lambda: defaultdict(set))

    def record_page(self, html: str | bytes, page: str) -> None:
        for key in form_keys_in_html(html, page):
            self.rendered[key].add(urlsplit(page).path)

    def record_submit(self, action: str | None, method: str | None, page: str, test: str) -> None:
        key = form_key(action, method, page)
        if key is not None:
            self.submitted[key].add(test)

    def as_json(self) -> dict[str, dict[str, list[str]]]:
        keys = sorted(set(self.rendered) | set(self.submitted))
        return {
            f"{name} {method}": {
                "rendered by": sorted(self.rendered.get((name, method), ())),
                "submitted by": sorted(self.submitted.get((name, method), ())),
                **(
                    {"allowed untested": [ALLOWED_UNTESTED[(name, method)]]}
                    if (name, method) in ALLOWED_UNTESTED
                    else {}
                ),
            }
            for name, method in keys
        }

    def write(self, path: Path = REGISTRY_FILE) -> None:
        path.write_text(json.dumps(self.as_json(), indent=2) + "\n", encoding="utf-8")

    def read(self, path: Path = REGISTRY_FILE) -> FormRegistry:
        """Add a written registry to this one (to check the runs of several parts together)."""
        for key, entry in json.loads(path.read_text(encoding="utf-8")).items():
            name, method = key.rsplit(" ", 1)
            self.rendered[(name, method)].update(entry["rendered by"])
            self.submitted[(name, method)].update(entry["submitted by"])
        for registry in (self.rendered, self.submitted):
            for empty in [key for key, found in registry.items() if not found]:
                del registry[empty]
        return self


def uncovered(registry: FormRegistry, allowed: Iterable[FormKey] = ALLOWED_UNTESTED) -> list[str]:
    """One line per form some page renders that no browser test submits, sorted:
    ``referrals:hub-assign POST (rendered by /referrals/hub/12/)``."""
    allowed = set(allowed)
    lines = []
    for key in sorted(set(registry.rendered) - set(registry.submitted) - allowed):
        pages = sorted(registry.rendered[key])
        shown = ", ".join(pages[:3]) + (f" and {len(pages) - 3} more" if len(pages) > 3 else "")
        lines.append(f"{key[0]} {key[1]} (rendered by {shown})")
    return lines


REGISTRY = FormRegistry()


class FormRecordingMiddleware:
    """Test-only: notes the forms of every HTML page served, in ``REGISTRY``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not getattr(response, "streaming", False)
            and response.get("Content-Type", "").startswith("text/html")
            and b"<form" in response.content
        ):
            # django-filter's label for a filter with a method and no label of its own.
            assert b"[invalid name]" not in response.content, (
                f"{request.path} renders a field labelled '[invalid name]': give its filter a label"
            )
            REGISTRY.record_page(response.content, request.path)
        return response


class FormCoverageCheck:
    """The pytest plugin that fails a whole-suite run when a rendered form has no browser test.

    It checks only a run that can know: the whole suite, browser tests included and none skipped
    or deselected. ``FORM_COVERAGE=1`` checks any run (to see the registry of a partial run).
    """

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.deselected = 0
        self.e2e_ran = 0
        self.e2e_skipped = 0
        self.not_checked: str | None = "the run did not finish"
        self.lines: list[str] = []

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if "e2e" not in report.keywords:
            return
        if report.skipped:
            self.e2e_skipped += 1
        elif report.when == "call":
            self.e2e_ran += 1

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.not_checked = (
            None if os.environ.get("FORM_COVERAGE") == "1" else self._why_not(session)
        )
        if self.not_checked:
            return
        REGISTRY.write()
        self.lines = uncovered(REGISTRY)
        if self.lines and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: TerminalReporter) -> None:
        if self.not_checked:
            if self.config.option.verbose > 0:
                terminalreporter.write_line(f"Form coverage not checked: {self.not_checked}.")
            return
        where = REGISTRY_FILE.name
        if not self.lines:
            terminalreporter.write_line(
                f"Form coverage: every form a page renders is submitted by a browser test"
                f" ({len(REGISTRY.rendered)} forms; see {where})."
            )
            return
        terminalreporter.section("Forms with no browser test", sep="=", red=True, bold=True)
        for line in self.lines:
            terminalreporter.write_line(line)
        terminalreporter.write_line(
            f"Drive each in a test in tests/e2e (or justify it in ALLOWED_UNTESTED in"
            f" tests/form_coverage.py); which page renders and which test submits each: {where}."
        )

    def _why_not(self, session: pytest.Session) -> str | None:
        option = self.config.option
        if option.keyword or option.markexpr:
            return "-k or -m chose the tests"
        if not self._whole_suite():
            return "the run was given paths or test ids, not the whole suite"
        if self.deselected:
            return f"{self.deselected} tests were deselected"
        if session.shouldstop or session.shouldfail:
            return "the run stopped early"
        if self.e2e_skipped:
            return f"{self.e2e_skipped} browser tests were skipped"
        if not self.e2e_ran:
            return "no browser test ran"
        return None

    def _whole_suite(self) -> bool:
        if self.config.args_source == pytest.Config.ArgsSource.TESTPATHS:
            return True
        here = Path(__file__).resolve().parent
        start = self.config.invocation_params.dir
        return all(
            "::" not in arg and (start / arg).resolve() in {here, here.parent}
            for arg in self.config.args
        )

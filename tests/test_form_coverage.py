"""The check that every form a page renders is submitted by a browser test."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.form_coverage import (
    REGISTRY,
    FormCoverageCheck,
    FormRegistry,
    form_key,
    form_keys_in_html,
    uncovered,
)

WORK_LOG = """
<form method="get"><select name="kind"></select><button>Apply filters</button></form>
<form method="post" action="/districts/work-log/7/delete/"><button>Delete</button></form>
"""


def test_a_form_rendered_but_never_submitted_is_reported_with_its_page():
    registry = FormRegistry()
    registry.record_page(WORK_LOG, "/districts/work-log/")

    assert uncovered(registry, allowed=()) == [
        "districts:worklog GET (rendered by /districts/work-log/)",
        "districts:worklog-delete POST (rendered by /districts/work-log/)",
    ]


def test_a_form_the_browser_submitted_is_not_reported():
    registry = FormRegistry()
    registry.record_page(WORK_LOG, "/districts/work-log/")
    registry.record_submit(
        "/districts/work-log/7/delete/", "post", "http://localhost:8081/districts/work-log/", "t1"
    )
    registry.record_submit(None, "get", "http://localhost:8081/districts/work-log/?kind=x", "t2")

    assert uncovered(registry, allowed=()) == []
    assert registry.as_json()["districts:worklog-delete POST"] == {
        "rendered by": ["/districts/work-log/"],
        "submitted by": ["t1"],
    }


def test_registries_written_by_two_runs_are_checked_together(tmp_path):
    views, browser = FormRegistry(), FormRegistry()
    views.record_page(WORK_LOG, "/districts/work-log/")
    browser.record_submit(None, "GET", "http://localhost/districts/work-log/", "t")
    views.write(tmp_path / "views.json")
    browser.write(tmp_path / "browser.json")

    both = FormRegistry().read(tmp_path / "views.json").read(tmp_path / "browser.json")

    assert uncovered(both, allowed=()) == [
        "districts:worklog-delete POST (rendered by /districts/work-log/)"
    ]


def test_a_form_submitted_to_another_object_of_the_same_page_counts():
    registry = FormRegistry()
    registry.record_page('<form method="post" action="/funding/streams/3/edit/">', "/x/")
    registry.record_submit("/funding/streams/9/edit/", "POST", "http://localhost/x/", "t")

    assert uncovered(registry, allowed=()) == []


def test_an_allowed_form_is_not_reported():
    registry = FormRegistry()
    registry.record_page(WORK_LOG, "/districts/work-log/")

    allowed = [("districts:worklog", "GET"), ("districts:worklog-delete", "POST")]
    assert uncovered(registry, allowed=allowed) == []


def test_many_pages_are_summed_up():
    registry = FormRegistry()
    for pk in range(5):
        registry.record_page(WORK_LOG, f"/districts/work-log/{pk}/edit/")

    assert uncovered(registry, allowed=())[1] == (
        "districts:worklog-edit GET (rendered by /districts/work-log/0/edit/,"
        " /districts/work-log/1/edit/, /districts/work-log/2/edit/ and 2 more)"
    )


def test_the_admin_and_other_sites_are_ignored():
    html = """
    <form method="post" action="/admin/login/"></form>
    <form method="post" action="https://www.nhs.uk/search/"></form>
    <form method="get" action="mailto:hub@example.org"></form>
    <form method="dialog"></form>
    """
    assert form_keys_in_html(html, "/admin/") == set()


@pytest.mark.parametrize(
    ("action", "method", "page", "key"),
    [
        (None, None, "/districts/work-log/", ("districts:worklog", "GET")),
        ("", "POST", "/districts/work-log/3/edit/", ("districts:worklog-edit", "POST")),
        ("?kind=visit", "get", "/districts/work-log/", ("districts:worklog", "GET")),
        ("delete/", "post", "/districts/work-log/3/", ("districts:worklog-delete", "POST")),
        ("../partners/", "get", "/districts/work-log/", ("districts:partners", "GET")),
        ("/accounts/logout/", "post", "/funding/", ("logout", "POST")),
        ("http://127.0.0.1:8081/funding/?year=2023", "get", "/", ("funding:dashboard", "GET")),
        ("/no/such/page/", "post", "/", ("unknown URL /no/such/page/", "POST")),
    ],
)
def test_a_forms_action_is_resolved_against_its_page(action, method, page, key):
    assert form_key(action, method, page) == key


def test_a_button_submitting_elsewhere_is_a_form_of_its_own():
    html = """
    <form method="post" action="/districts/work-log/3/edit/">
      <button>Save</button>
      <button formaction="/districts/work-log/3/delete/">Delete</button>
      <button formmethod="get">Preview</button>
    </form>
    """
    assert form_keys_in_html(html, "/districts/work-log/3/edit/") == {
        ("districts:worklog-edit", "POST"),
        ("districts:worklog-delete", "POST"),
        ("districts:worklog-edit", "GET"),
    }


def test_the_middleware_records_the_forms_of_pages_served(client, db):
    client.get("/accounts/login/")

    assert "/accounts/login/" in REGISTRY.rendered[("login", "POST")]


def _check(
    *, args=("tests",), source="TESTPATHS", keyword="", markexpr="", deselected=0, skipped=0
):
    config = SimpleNamespace(
        option=SimpleNamespace(keyword=keyword, markexpr=markexpr, verbose=0),
        args=list(args),
        args_source=getattr(pytest.Config.ArgsSource, source),
        invocation_params=SimpleNamespace(dir=Path(__file__).resolve().parents[1]),
    )
    check = FormCoverageCheck(config)  # type: ignore[arg-type]
    check.deselected, check.e2e_ran, check.e2e_skipped = deselected, 3, skipped
    session = SimpleNamespace(shouldstop=False, shouldfail=False)
    return check._why_not(session)  # type: ignore[arg-type]


def test_the_whole_suite_is_checked():
    assert _check() is None
    assert _check(args=["tests"], source="ARGS") is None
    assert _check(args=["."], source="ARGS") is None


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ({"keyword": "districts"}, "-k or -m chose the tests"),
        ({"markexpr": "not e2e"}, "-k or -m chose the tests"),
        ({"args": ["tests/e2e"], "source": "ARGS"}, "not the whole suite"),
        ({"args": ["tests/test_form_coverage.py::x"], "source": "ARGS"}, "not the whole suite"),
        ({"deselected": 2}, "2 tests were deselected"),
        ({"skipped": 1}, "1 browser tests were skipped"),
    ],
)
def test_a_partial_run_is_not_checked(given, reason):
    assert reason in _check(**given)

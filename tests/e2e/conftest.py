"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

Every page a test visits must be scanned by axe-core (``assert_accessible``); a test that
visits a page without scanning it fails at teardown. Every form the browser submits is recorded
with the test's id: a whole-suite run fails when a form some page renders is submitted by no
browser test (tests/form_coverage.py).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.form_coverage import REGISTRY
from tests.signin import authenticator_code, authenticator_for

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

# Playwright's sync API runs an event loop in this thread; the live server and the test's
# own database set-up are ordinary synchronous Django code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    missing = None
    if not Path(CHROMIUM).exists():
        missing = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    elif not AXE_JS.exists():
        missing = "axe-core is not installed (npm ci)"
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
            if missing:
                item.add_marker(pytest.mark.skip(reason=f"Browser tests need a browser: {missing}"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


_scanned: dict[int, set[str]] = {}


# Tells Python of every form the page submits, however it is submitted (a button, Enter in a
# field, htmx): the capture phase sees the event before any handler can stop it.
RECORD_SUBMITS = """
document.addEventListener("submit", (event) => {
  const form = event.target, by = event.submitter;
  const attr = (name) =>
    by && by.hasAttribute("form" + name) ? by.getAttribute("form" + name) : form.getAttribute(name);
  window.recordFormSubmit(attr("action"), attr("method"), location.href);
}, true);
"""


@pytest.fixture
def page(page: Page, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Page]:
    """The Playwright page, with every loaded URL recorded so none escapes the axe scan, and
    every form it submits recorded for the form coverage check (tests/form_coverage.py)."""
    test = request.node.nodeid
    page.expose_binding(
        "recordFormSubmit",
        lambda source, action, method, url: REGISTRY.record_submit(action, method, url, test),
    )
    page.add_init_script(RECORD_SUBMITS)
    visited: list[str] = []
    page.on("load", lambda p: visited.append(p.url))
    _scanned[id(page)] = set()
    _axe_routed.discard(id(page))
    yield page
    if not page.is_closed():
        page.wait_for_timeout(1)  # lets Playwright hand over the last submits it was told of
    # A later test's page may get this one's id(): it must be routed and scanned afresh.
    _axe_routed.discard(id(page))
    unscanned = sorted(set(visited) - _scanned.pop(id(page)))
    assert not unscanned, f"pages visited without an accessibility scan: {unscanned}"


_axe_routed: set[int] = set()


def _serve_axe(route: Any) -> None:
    route.fulfill(path=str(AXE_JS), content_type="text/javascript; charset=utf-8")


def assert_accessible(page: Page) -> None:
    """Run axe-core (WCAG 2.2 A/AA rules) on the page; fail listing each violation.

    axe is loaded as a script of the page's own origin (Playwright answers for it), so the
    Content-Security-Policy, which refuses inline scripts, lets it run and stays in force."""
    if id(page) not in _axe_routed:
        page.route("**/__axe-core.min.js", _serve_axe)
        _axe_routed.add(id(page))
    page.add_script_tag(url="/__axe-core.min.js")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    assert result["passes"], "axe-core ran no rule: the scan did not happen"
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
    ]
    assert not problems, f"axe-core found on {page.url}:\n" + "\n".join(problems)
    _scanned.setdefault(id(page), set()).add(page.url)


def sign_in(page: Page, live_server: LiveServer, email: str, password: str) -> None:
    """Sign in as a person would: the password, then, for the roles that need two-factor sign-in,
    a code from an authenticator app (one is set up for them first if they have none; setting
    one up through its pages is tested in test_two_factor.py)."""
    from activeportal.accounts import two_factor
    from activeportal.accounts.models import User

    user = User.objects.filter(email__iexact=email).first()
    if user is not None and two_factor.required_for(user):
        authenticator_for(user)
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/accounts/two-factor/verify/" in page.url:
        enter_code(page, email)


def enter_code(page: Page, email: str) -> None:
    """The second step of signing in: the code the person's app shows now."""
    assert_accessible(page)
    device = TOTPDevice.objects.get(user__email__iexact=email, confirmed=True)
    page.get_by_label("Code").fill(authenticator_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()

"""The pages work under the Content-Security-Policy as a manager meets them: charts drawn, the
rebuild's progress followed, the print button printing, and nothing refused by the browser (a
refused script, style or handler is a `securitypolicyviolation` event and a console error).
A funding stream named with HTML shows its name as text, never as a link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from reports import services
from tests.factories import (
    PASSWORD,
    AllocationFactory,
    FollowUpFactory,
    FundingStreamFactory,
    ReferralFactory,
)

from .conftest import assert_accessible, sign_in

# Every refusal the page meets, kept in the page from its first script on.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} refused ${event.blockedURI}`
    + ` (${event.sourceFile}:${event.lineNumber}) ${event.sample}`);
}, true);
"""
STUB_PRINT = "window.printed = 0; window.print = () => { window.printed += 1; };"
LINK_NAME = '<a href="https://evil.example/">Evil stream</a>'


def _watch(page: Page) -> list[str]:
    """The page's console errors and uncaught errors, as they come."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.add_init_script(RECORD_VIOLATIONS)
    return problems


def _assert_nothing_refused(page: Page, problems: list[str]) -> None:
    assert page.evaluate("window.cspViolations") == []
    assert problems == []


def _assert_drawn(chart) -> None:
    """The chart is plotly's SVG with its traces (bars, or a Sankey's links) in it."""
    expect(chart.locator("svg.main-svg").first).to_be_visible()
    expect(chart.locator("g.trace, g.sankey").first).to_be_attached()


@pytest.mark.django_db(transaction=True)
def test_the_funding_dashboard_draws_its_charts_under_the_policy(page, live_server, manager):
    evil = FundingStreamFactory(name=LINK_NAME)
    AllocationFactory(stream=evil, amount=5000)
    AllocationFactory(amount=3000)
    problems = _watch(page)
    sign_in(page, live_server, manager.email, PASSWORD)
    assert_accessible(page)
    page.goto(f"{live_server.url}/funding/?year=2024")
    charts = page.get_by_role("img", name=re.compile("^Bar chart of "))
    expect(charts).to_have_count(3)
    for chart in charts.all():
        _assert_drawn(chart)
    streams = charts.first
    expect(streams.locator("g.legend")).to_contain_text(LINK_NAME)
    expect(streams.locator("g.legend a")).to_have_count(0)
    # plotly.js takes the pointer on its drag layer, over the bars: hover where the bar is.
    streams.locator("g.trace.bars path").first.hover(force=True)
    expect(streams.locator("g.hovertext")).to_contain_text(LINK_NAME)
    expect(streams.locator("g.hoverlayer a")).to_have_count(0)
    expect(page.get_by_role("link", name="Evil stream")).to_have_count(0)
    _assert_nothing_refused(page, problems)
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_the_impact_pages_work_under_the_policy(page, live_server, manager, breckland):
    for i in range(12):
        referral = ReferralFactory(statistical=True, district=breckland, imd_decile=1 + i % 10)
        if i % 2:
            FollowUpFactory(referral=referral, completed=True, minutes=200)
    model = services.social_value_model_create_default()
    services.snapshot_build(year=2024, district_id=None, model_id=model.pk)
    problems = _watch(page)
    page.add_init_script(STUB_PRINT)

    sign_in(page, live_server, manager.email, PASSWORD)
    assert_accessible(page)
    page.goto(f"{live_server.url}/reports/2024/")
    charts = page.get_by_role("img", name=re.compile("^Chart: "))
    expect(charts).to_have_count(4)
    for chart in charts.all():
        _assert_drawn(chart)
    assert_accessible(page)

    page.get_by_role("button", name="Rebuild now").click()
    progress = page.get_by_role("progressbar", name="Rebuild progress")
    expect(progress).to_have_attribute("aria-valuenow", "100", timeout=30_000)
    bar = progress.get_by_text("100%")
    assert bar.evaluate("b => b.getBoundingClientRect().width") > 0.9 * progress.evaluate(
        "p => p.getBoundingClientRect().width"
    )
    assert_accessible(page)
    _assert_nothing_refused(page, problems)

    page.get_by_role("link", name="Printable impact report 2024-25").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("impact report 2024-25"))
    assert_accessible(page)
    page.get_by_role("button", name="Print this report").click()
    assert page.evaluate("window.printed") == 1
    _assert_nothing_refused(page, problems)

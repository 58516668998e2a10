"""The impact pages as people read them: numbers written with separators, the rounding rule
beside every rounded table, and the pages opening on the latest complete year."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from activeportal.accounts.models import User
from reports import services
from tests.factories import ReferralFactory, at

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)  # in 2026-27
# A number of four or more digits written without separators: 4694, £2959098, -1200.
BARE_NUMBER = re.compile(r"(?<![\w.,])\d{4,}(?!\d|,\d)")
REFERENCE = re.compile(r"\b[A-Z]{2,4}-\d{2}-\d{6}\b")


class _VisibleText(HTMLParser):
    """The text a person reads on the page: no scripts (the charts' data), no styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(response) -> str:
    parser = _VisibleText()
    parser.feed(response.content.decode())
    return " | ".join(parser.parts)


def bare_numbers(text: str) -> list[str]:
    """Numbers of four digits or more without separators, leaving out years (2024, 2024-25,
    12 Mar 2025) and references (ANW-24-000123)."""
    found = BARE_NUMBER.findall(REFERENCE.sub("", text))
    return [number for number in found if not (len(number) == 4 and 1990 <= int(number) <= 2100)]


@pytest.fixture
def demo(settings, time_machine, client) -> User:
    """The Norfolk demo loaded and its figures built, and its manager signed in."""
    time_machine.move_to(TODAY, tick=False)
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    manager = User.objects.get(email="manager@example.org")
    client.force_login(manager)
    return manager


def test_the_demo_pages_write_every_number_as_people_do(client, demo):
    pages = {
        path: visible_text(client.get(path))
        for path in (
            "/reports/2024/",
            "/reports/2024/report/",
            "/reports/2024/?district=great-yarmouth",
            "/reports/2026/",
            "/reports/social-value/",
        )
    }
    for path, text in pages.items():
        assert bare_numbers(text) == [], path

    dashboard, report = pages["/reports/2024/"], pages["/reports/2024/report/"]
    for text in (dashboard, report):
        # The published figures of 2024-25, as the partnership writes them.
        assert "4,694 | Referrals" in text or "Referrals | 4,694" in text
        assert "202" in text and "44%" in text and "607" in text
        for figure in ("7,542", "4,838", "2,482", "2,172", "217"):
            assert f"| {figure} |" in text, figure
        for figure in ("741", "756", "210", "1,333", "135", "52", "147"):
            assert f"| {figure} |" in text, figure
        assert "£450,000" in text
    assert "| General | 3,765 |" in dashboard


def test_the_district_table_says_it_is_rounded_beside_the_exact_headline(client, demo):
    text = visible_text(client.get("/reports/2024/"))
    rounded_total = "Total, rounded to the nearest 5 | 4,695 | 2,920 |"
    assert rounded_total in text
    note = text.split(rounded_total, 1)[1].split("|", 1)[0]
    assert "rounded to the nearest 5, and counts from 1 to 7 are shown as *" in note
    assert "The exact totals are 4,694 referrals and 2,918 referred onto activity" in note
    assert "Referrals | 4,694" in text.replace("4,694 | Referrals", "Referrals | 4,694")
    report = visible_text(client.get("/reports/2024/report/"))
    assert rounded_total in report
    assert "District figures are rounded to the nearest 5" in report


def test_the_charts_write_counts_with_separators_on_hover_and_axis(client, manager, built):
    client.force_login(manager)
    page = client.get("/reports/2024/").content.decode()
    assert page.count("%{y:,d}") >= 4  # months (one per pathway) and deprivation bars
    assert '"tickformat":",d"' in page
    assert '"valueformat":",d"' in page  # the Sankey of transitions


def test_partnership_tables_are_exact_and_say_nothing_of_rounding(client, manager, built):
    client.force_login(manager)
    text = visible_text(client.get("/reports/2024/"))
    assert "| Total | 30 |" in text  # deprivation: exact, plainly labelled
    assert text.count("Figures in this table are rounded") == 1  # the district table only


def test_every_rounded_table_on_a_district_page_carries_the_rule(client, manager, built, settings):
    settings.SUPPRESSION_ROUNDING = 10
    client.force_login(manager)
    response = client.get("/reports/2024/?district=breckland")
    page = response.content.decode()
    text = visible_text(response)
    notes = text.count(
        "Figures in this table are rounded to the nearest 10, and counts from 1 to 7"
    )
    money_only = page.count("<caption>Social value per £1 invested")  # no counts in it
    assert notes == page.count("<table") - money_only >= 8
    assert "Total, rounded to the nearest 10" in text
    assert page.count('aria-describedby="months-rounding"') == 1
    assert 'id="months-rounding"' in page


def test_an_admin_sees_exact_district_tables_without_the_note(client, admin_user, built):
    client.force_login(admin_user)
    text = visible_text(client.get("/reports/2024/?district=breckland"))
    assert "rounded" not in text
    assert "| Total | 27 |" in text


@pytest.fixture
def running_year(built, breckland, time_machine) -> int:
    """Figures of 2026-27 (one referral so far) beside the built 2024-25."""
    time_machine.move_to(TODAY, tick=False)
    ReferralFactory(statistical=True, district=breckland, submitted_at=at(2026, 6, 1))
    services.snapshot_build(year=2026, district_id=None, model_id=built.pk)
    return 2026


def test_the_index_opens_on_the_latest_complete_year(client, manager, running_year):
    client.force_login(manager)
    assert client.get("/reports/")["Location"] == "/reports/2024/"


def test_the_index_opens_on_the_running_year_when_it_is_all_there_is(client, manager, time_machine):
    time_machine.move_to(TODAY, tick=False)
    ReferralFactory(statistical=True, submitted_at=at(2026, 6, 1))
    model = services.social_value_model_create_default()
    services.snapshot_build(year=2026, district_id=None, model_id=model.pk)
    client.force_login(manager)
    assert client.get("/reports/")["Location"] == "/reports/2026/"


def test_the_running_year_is_one_click_away_and_says_so_far(client, manager, running_year):
    client.force_login(manager)
    complete = client.get("/reports/2024/").content.decode()
    assert '<option value="2026">2026-27 so far</option>' in complete
    assert '<option value="2024" selected>2024-25</option>' in complete
    assert '<a href="/reports/2026/">See 2026-27 so far</a>' in complete
    running = visible_text(client.get("/reports/2026/"))
    assert "Impact 2026-27 so far: the partnership" in running
    assert "See 2024-25" in running
    report = visible_text(client.get("/reports/2026/report/"))
    assert "impact report 2026-27 so far" in report
    assert "1 April 2026 to date" in report


def test_the_way_to_the_running_year_keeps_the_district(
    client, manager, built, running_year, breckland
):
    services.snapshot_build(year=running_year, district_id=breckland.pk, model_id=built.pk)
    client.force_login(manager)
    page = client.get("/reports/2024/?district=breckland").content.decode()
    assert '<a href="/reports/2026/?district=breckland">See 2026-27 so far</a>' in page


def test_the_model_pages_speak_of_figures_not_snapshots(client, manager, built):
    client.force_login(manager)
    for path in ("/reports/social-value/", f"/reports/social-value/{built.pk}/", "/reports/2024/"):
        text = visible_text(client.get(path)).lower()
        assert "snapshot" not in text, path

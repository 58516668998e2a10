"""The annual impact report a board would print: a manager writes its words and uploads the
logo, and the PDF Chromium prints of it opens, with the words, the logo and the charts."""

from __future__ import annotations

import base64
import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.factories import PASSWORD

from .conftest import assert_accessible, sign_in

# A 1 x 1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.mark.django_db(transaction=True)
def test_a_manager_makes_the_annual_report_and_prints_it(page, live_server, manager, built):
    sign_in(page, live_server, manager.email, PASSWORD)
    assert_accessible(page)
    page.goto(f"{live_server.url}/reports/2024/report/")
    assert_accessible(page)

    page.get_by_role("link", name="Edit the report's words").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The report's words, 2024-25")
    assert_accessible(page)
    page.get_by_label("Key statistics").fill("More people than ever were referred this year.")
    page.get_by_label("Social value").fill("Every pound returned several in wellbeing.")
    page.get_by_role("button", name="Save the report's words").click()
    expect(page.get_by_text("The report's words for 2024-25 are saved.")).to_be_visible()
    expect(page.get_by_text("More people than ever were referred this year.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Change the logo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The report's logo")
    assert_accessible(page)
    page.get_by_label("Logo").set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="Save the logo").click()
    expect(page.get_by_text("The logo is saved: the impact report shows it.")).to_be_visible()
    expect(page.locator("img.report-logo")).to_be_visible()
    assert_accessible(page)

    # The charts are drawn (after first paint), then the page is printed as Chromium prints it.
    charts = page.locator("[data-figure]")
    expect(charts.first).to_be_visible()
    expect(page.locator("[data-figure][data-drawn] .main-svg").first).to_be_visible()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-figure]')]"
        ".every(area => area.querySelector('.main-svg'))"
    )
    drawn = charts.count()
    assert drawn >= 3
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    words = " ".join(" ".join((p.extract_text() or "").split()) for p in pdf.pages)
    assert len(pdf.pages) >= 2
    assert "More people than ever were referred this year." in words
    assert "Every pound returned several in wellbeing." in words
    assert "Edit the report's words" not in words  # the page's own controls are not printed
    assert pdf.pages[0].images, "the logo is not on the first page"
    # Text only the charts carry: the social value chart's axis title.
    assert "of value per" in words

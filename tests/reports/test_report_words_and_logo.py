"""The annual report's own words and logo: a manager writes a few sentences per section (kept
with the year, shown on the report and the dashboard) and uploads the partnership's logo."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import ReportLogo, ReportNarrative
from tests.pages import form_of

pytestmark = pytest.mark.django_db

WORDS = "/reports/2024/report/words/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def error_beside(response, name: str) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    field = soup.find(attrs={"name": name})
    assert "is-invalid" in field.get("class", []), f"{name} is not marked invalid"
    ids = field["aria-describedby"].split()
    return " ".join(soup.find(id=i).get_text(" ", strip=True) for i in ids)


def test_a_manager_writes_the_reports_words(client, manager, built):
    client.force_login(manager)
    form = form_of(client.get(WORDS), button="Save the report's words")
    response = form.submit(
        client,
        key="More people than ever were referred.",
        outcomes="Half of the people who were inactive are now active.",
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/reports/2024/report/"
    page = text(response)
    assert "The report's words for 2024-25 are saved." in page
    assert "More people than ever were referred." in page
    assert "Half of the people who were inactive are now active." in page
    dashboard = text(client.get("/reports/2024/"))
    assert "More people than ever were referred." in dashboard
    assert ReportNarrative.objects.get(year=2024, section="key").updated_by == manager

    # The form opens with the words kept; emptying one removes it.
    form = form_of(client.get(WORDS), button="Save the report's words")
    assert form.fields["key"] == ["More people than ever were referred."]
    form.submit(client, key="")
    assert not ReportNarrative.objects.filter(section="key").exists()
    assert "More people than ever" not in text(client.get("/reports/2024/report/"))
    assert "Half of the people" in text(client.get("/reports/2024/"))


def test_words_too_long_are_refused_beside_their_field(client, manager, built):
    client.force_login(manager)
    form = form_of(client.get(WORDS), button="Save the report's words")
    response = form.submit(client, districts="x" * 2001, key="Kept only if all is well.")
    assert response.status_code == 200
    assert "at most 2000 characters" in error_beside(response, "districts")
    assert not ReportNarrative.objects.exists()


def test_a_year_without_figures_has_no_words_page(client, manager, built):
    client.force_login(manager)
    assert client.get("/reports/2019/report/words/").status_code == 404


def test_a_manager_uploads_replaces_and_removes_the_logo(client, manager, built):
    client.force_login(manager)
    report = client.get("/reports/2024/report/")
    assert not BeautifulSoup(report.content, "html.parser").select("img.report-logo")
    link = BeautifulSoup(report.content, "html.parser").find("a", string="Change the logo")
    page = client.get(link["href"])
    form = form_of(page, button="Save the logo")
    response = form.submit(client, logo=SimpleUploadedFile("logo.png", PNG), follow=True)
    assert response.redirect_chain[-1][0] == "/reports/2024/report/"
    assert "The logo is saved" in text(response)
    img = BeautifulSoup(response.content, "html.parser").select_one("img.report-logo")
    assert img["alt"]
    served = client.get(img["src"])
    assert served["Content-Type"] == "image/png"
    assert b"".join(served) == PNG

    form = form_of(client.get("/reports/logo/edit/"), button="Save the logo")
    form.submit(client, remove=True)
    assert not ReportLogo.objects.exists()
    assert client.get("/reports/logo/").status_code == 404


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<svg onload=alert(1)></svg>", "not a PNG or JPEG image"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * (512 * 1024), "choose a logo of up to 500 KB"),
    ],
)
def test_a_file_that_is_not_a_small_image_is_refused_beside_the_field(
    client, manager, content, message
):
    client.force_login(manager)
    form = form_of(client.get("/reports/logo/edit/"), button="Save the logo")
    response = form.submit(client, logo=SimpleUploadedFile("logo.png", content))
    assert message in error_beside(response, "logo")
    assert not ReportLogo.objects.exists()


def test_saving_with_nothing_chosen_says_what_to_do(client, manager):
    client.force_login(manager)
    form = form_of(client.get("/reports/logo/edit/"), button="Save the logo")
    response = form.submit(client)
    assert "Choose a logo file" in text(response)


def test_the_logo_never_enters_the_audit_trail(client, manager):
    from auditlog.models import LogEntry

    client.force_login(manager)
    form = form_of(client.get("/reports/logo/edit/"), button="Save the logo")
    form.submit(client, logo=SimpleUploadedFile("logo.png", PNG))
    entry = LogEntry.objects.get(content_type__model="reportlogo")
    assert "image" not in entry.changes_dict

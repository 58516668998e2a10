"""The accessibility statement and the privacy notice: public, and linked from every footer."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from activeportal.accounts.models import User

STATEMENTS = {"/accessibility/": "Accessibility statement", "/privacy/": "Privacy notice"}


def _footer_links(response) -> dict[str, str]:
    footer = BeautifulSoup(response.content, "html.parser").find("footer")
    return {a.get_text(strip=True): a["href"] for a in footer.find_all("a")}


@pytest.mark.django_db
@pytest.mark.parametrize("url", STATEMENTS)
def test_anyone_may_read_the_statement_without_signing_in(client: Client, url: str):
    response = client.get(url)

    assert response.status_code == 200
    assert STATEMENTS[url].split()[0] in response.content.decode()


@pytest.mark.django_db
def test_the_footer_of_a_public_page_links_both_statements(client: Client):
    links = _footer_links(client.get("/transparency/"))

    assert links["Accessibility statement"] == "/accessibility/"
    assert links["Privacy notice"] == "/privacy/"


def test_the_footer_of_a_signed_in_page_links_both_statements(client: Client, manager: User):
    client.force_login(manager)

    links = _footer_links(client.get("/districts/work-log/"))

    assert links["Accessibility statement"] == "/accessibility/"
    assert links["Privacy notice"] == "/privacy/"


@pytest.mark.django_db
def test_the_privacy_notice_names_the_controller_lawful_basis_and_retention(
    client: Client, settings
):
    settings.PARTNERSHIP_NAME = "Active Essex"
    settings.RETENTION_MONTHS = 60
    settings.SECURITY_CONTACT = "dpo@active-essex.example"

    page = client.get("/privacy/").content.decode()

    assert "Active Essex is the controller" in page
    assert "Article 6(1)(e)" in page
    assert "Article 9(2)(h)" in page
    assert "erased after 60 months" in page
    assert 'href="mailto:dpo@active-essex.example"' in page
    assert "https://ico.org.uk/make-a-complaint/" in page


@pytest.mark.django_db
def test_the_accessibility_statement_gives_status_issues_contact_and_enforcement(
    client: Client, settings
):
    settings.SECURITY_CONTACT = "access@active-essex.example"

    page = client.get("/accessibility/").content.decode()

    assert "partially compliant with the" in page
    assert "Non-accessible content" in page
    assert 'href="mailto:access@active-essex.example"' in page
    assert "Equality and Human Rights Commission" in page

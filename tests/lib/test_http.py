from __future__ import annotations

import pytest
from django.test import RequestFactory

from activeportal.lib.http import safe_next

DEFAULT = "/reports/"


@pytest.mark.parametrize(
    "wanted",
    [
        "javascript:alert(document.domain)",
        "JavaScript:alert(1)",
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "data:text/html,<script>alert(1)</script>",
        "0",
        "reports:index",
        "",
    ],
)
def test_it_refuses_anything_but_a_path_of_this_site(wanted):
    request = RequestFactory().get("/reports/builds/1/", {"next": wanted})
    assert safe_next(request, DEFAULT) == DEFAULT


def test_it_refuses_this_sites_own_address_written_in_full():
    """Only a path is taken: the host is this site's whatever the link says."""
    request = RequestFactory().get("/", {"next": "http://testserver/reports/"})
    assert safe_next(request, DEFAULT) == DEFAULT


def test_it_keeps_a_path_of_this_site_with_its_query():
    request = RequestFactory().get("/", {"next": "/reports/2024/?district=breckland"})
    assert safe_next(request, DEFAULT) == "/reports/2024/?district=breckland"


def test_it_reads_a_posted_next():
    request = RequestFactory().post("/reports/rebuild/", {"next": "/reports/2024/"})
    assert safe_next(request, DEFAULT) == "/reports/2024/"


def test_it_refuses_a_posted_next_off_site():
    request = RequestFactory().post("/reports/rebuild/", {"next": "https://evil.example/"})
    assert safe_next(request, DEFAULT) == DEFAULT

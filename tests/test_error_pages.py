from __future__ import annotations

import pytest
from django.test import Client
from django.urls import path

from activeportal.urls import urlpatterns as portal_urls


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [*portal_urls, path("broken/", broken)]


@pytest.mark.urls("tests.test_error_pages")
@pytest.mark.django_db
def test_a_server_error_shows_the_portal_500_page_without_a_stack_trace():
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, something went wrong" in page
    assert "Traceback" not in page
    assert "RuntimeError" not in page

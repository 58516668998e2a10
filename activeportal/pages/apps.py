from __future__ import annotations

from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Statements a public-sector body must publish: accessibility and privacy."""

    name = "activeportal.pages"
    label = "pages"

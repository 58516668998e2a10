from __future__ import annotations

from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    """The public pages: money (funding) and impact (reports) side by side, and open data."""

    name = "transparency"

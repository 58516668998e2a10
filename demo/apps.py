from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and synthetic data builders and their commands; no other app imports this one."""

    name = "demo"
    verbose_name = "Demo data"

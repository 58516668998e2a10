from __future__ import annotations

from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "activeportal.health"
    label = "health"
    verbose_name = "Service health"

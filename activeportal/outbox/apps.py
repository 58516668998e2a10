from __future__ import annotations

from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "activeportal.outbox"
    label = "outbox"
    verbose_name = "Background work"

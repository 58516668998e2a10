from __future__ import annotations

from django.apps import AppConfig


class DistrictsConfig(AppConfig):
    name = "districts"

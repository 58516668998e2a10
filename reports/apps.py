from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        from activeportal.health.services import health_check_register
        from activeportal.lib.changes import data_changed
        from reports.services import builds_stuck_health, statistics_on_data_changed

        data_changed.connect(statistics_on_data_changed, dispatch_uid="reports-data-changed")
        health_check_register(builds_stuck_health)

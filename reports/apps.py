from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        from activeportal.lib.changes import data_changed
        from reports.services import statistics_on_data_changed

        data_changed.connect(statistics_on_data_changed, dispatch_uid="reports-data-changed")

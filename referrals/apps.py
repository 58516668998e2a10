from __future__ import annotations

from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import HistoryImportBatch

        # The audit trail records the import batch (who, when, state, counts) but not its parsed
        # rows: they hold names and NHS numbers, and are cleared once the batch is done.
        auditlog.unregister(HistoryImportBatch)
        auditlog.register(HistoryImportBatch, exclude_fields=["rows"])

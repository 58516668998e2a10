"""Erasing a person from the audit trail, the one change the append-only log accepts."""

from __future__ import annotations

from collections.abc import Iterable

import pgtrigger
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from activeportal.audit.masking import field_changed
from activeportal.audit.models import NO_UPDATE


def audit_entries_erase(*, model: type[models.Model], pks: Iterable[int]) -> int:
    """Replace the values of ``model``'s masked fields in the audit entries of ``pks``; return
    how many entries changed.

    New entries never hold them (``masking``), but entries written before the fields were
    masked do. Who did what and when stays, as do the values of non-identifying fields.
    """
    masked = (
        set(auditlog.get_model_fields(model)["mask_fields"]) if auditlog.contains(model) else set()
    )
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=list(pks)
    ).exclude(changes=None)
    erased = 0
    with transaction.atomic(), pgtrigger.ignore(NO_UPDATE):
        for entry in entries.only("pk", "changes"):
            changes = _withheld(entry.changes, masked)
            if changes != entry.changes:
                LogEntry.objects.filter(pk=entry.pk).update(changes=changes, changes_text="")
                erased += 1
    return erased


def _withheld(changes: dict, masked: set[str]) -> dict:
    return {
        field: [field_changed(str(value)) for value in values] if field in masked else values
        for field, values in changes.items()
    }

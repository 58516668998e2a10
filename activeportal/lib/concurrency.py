"""Optimistic concurrency: refuse a save made from a form opened before someone else's save."""

from __future__ import annotations

from django.db import models, transaction


class StaleEditError(Exception):
    """The record changed after the form was opened; the edit was not applied."""


def save_if_unchanged(instance: models.Model, *, expected_version: int) -> None:
    """Save ``instance`` only if its row still has ``expected_version``; bump the version.

    The model needs a ``version`` integer field. The row is locked while the version is
    compared, so two saves of the same version cannot both succeed; the loser gets
    ``StaleEditError`` and nothing of theirs is written.
    """
    model = type(instance)
    with transaction.atomic():
        current = (
            model._default_manager.select_for_update()
            .filter(pk=instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is None or current != expected_version:
            raise StaleEditError(
                f"This {model._meta.verbose_name} was changed by someone else after you opened "
                "it. Your changes have not been saved: reload it to see the latest version, "
                "then make your changes again."
            )
        instance.version = expected_version + 1
        instance.save()

from __future__ import annotations

from django.db.models import QuerySet

from .models import District


def district_list_for_officer(*, user) -> QuerySet[District]:
    """The districts the user is locality officer for."""
    return District.objects.filter(assignments__officer=user).order_by("name")

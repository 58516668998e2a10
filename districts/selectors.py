"""Who may see and change what in the districts app, and the district figures.

Staff (officer, hub, manager, admin) read every district's records; referrers see none.
An officer changes only their own districts' records and only their own work log entries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from activeportal.accounts.models import User
from activeportal.accounts.roles import ADMIN, HUB, MANAGER, OFFICER, has_role
from activeportal.lib.fy import fy_bounds

from .models import (
    ActionItem,
    CaseStudy,
    District,
    FrameworkForAction,
    Partner,
    Priority,
    PriorityArea,
    Testimonial,
    WorkLogEntry,
)

STAFF_ROLES = (OFFICER, HUB, MANAGER)


def is_staff_reader(user: User) -> bool:
    """True for the roles that may read the districts app (admins included)."""
    return has_role(user, *STAFF_ROLES)


def _is_admin(user: User) -> bool:
    return user.is_authenticated and ADMIN in user.role_names


def district_list_for_officer(*, user: User) -> QuerySet[District]:
    """The districts the user is locality officer for."""
    return District.objects.filter(assignments__officer=user).order_by("name")


def district_list_for_user(*, user: User) -> QuerySet[District]:
    """Every district a staff user may read (all of them); none for anyone else."""
    if not is_staff_reader(user):
        return District.objects.none()
    return District.objects.all()


def district_ids_editable_by(*, user: User) -> set[int]:
    """Ids of the districts whose records the user may change: an officer's own; all for admins."""
    if _is_admin(user):
        return set(District.objects.values_list("id", flat=True))
    if not has_role(user, OFFICER):
        return set()
    return set(district_list_for_officer(user=user).values_list("id", flat=True))


def district_editable_list(*, user: User) -> QuerySet[District]:
    """The districts the user may change records of."""
    return District.objects.filter(id__in=district_ids_editable_by(user=user))


def worklog_list_for_user(*, user: User) -> QuerySet[WorkLogEntry]:
    """Work log entries the user may read: every entry for staff, none for anyone else."""
    if not is_staff_reader(user):
        return WorkLogEntry.objects.none()
    return WorkLogEntry.objects.select_related("officer", "district").prefetch_related(
        Prefetch("partners", queryset=Partner.objects.only("id", "name"))
    )


def worklog_editable_by(*, user: User) -> QuerySet[WorkLogEntry]:
    """Entries the user may change: their own, in districts they still look after."""
    entries = worklog_list_for_user(user=user)
    if _is_admin(user):
        return entries
    return entries.filter(officer=user, district_id__in=district_ids_editable_by(user=user))


def partner_list_for_user(*, user: User) -> QuerySet[Partner]:
    """The partner directory: every partner for staff, none for anyone else."""
    if not is_staff_reader(user):
        return Partner.objects.none()
    return Partner.objects.prefetch_related(
        Prefetch("districts", queryset=District.objects.only("id", "name", "slug"))
    )


def partner_editable_by(*, user: User) -> QuerySet[Partner]:
    """Partners the user may edit: those working in at least one of the user's districts."""
    if _is_admin(user):
        return partner_list_for_user(user=user)
    ids = district_ids_editable_by(user=user)
    return partner_list_for_user(user=user).filter(districts__id__in=ids).distinct()


def partner_choices_for_district(*, district: District) -> QuerySet[Partner]:
    """Partners that work in ``district``: the ones a log entry there may name."""
    return Partner.objects.filter(districts=district).order_by("name")


def framework_list_for_user(*, user: User) -> QuerySet[FrameworkForAction]:
    """Frameworks for Action the user may read."""
    if not is_staff_reader(user):
        return FrameworkForAction.objects.none()
    return FrameworkForAction.objects.select_related("district")


def framework_with_plan(*, user: User, pk: int) -> FrameworkForAction | None:
    """One framework with its priorities and their action items, in order (or None)."""
    return (
        framework_list_for_user(user=user)
        .prefetch_related(
            Prefetch(
                "priorities",
                queryset=Priority.objects.order_by("position", "id").prefetch_related(
                    Prefetch("actions", queryset=ActionItem.objects.order_by("due_date", "id"))
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )


def framework_current_for_district(*, district: District, on: date) -> FrameworkForAction | None:
    """The framework covering ``on``, else the latest one, else None."""
    frameworks = list(district.frameworks.order_by("-start_year"))
    for framework in frameworks:
        if framework.starts_on <= on <= framework.ends_on:
            return framework
    return frameworks[0] if frameworks else None


def priority_editable_by(*, user: User) -> QuerySet[Priority]:
    """Priorities in frameworks of the user's districts."""
    return Priority.objects.select_related("framework__district").filter(
        framework__district_id__in=district_ids_editable_by(user=user)
    )


def action_editable_by(*, user: User) -> QuerySet[ActionItem]:
    """Action items in frameworks of the user's districts."""
    return ActionItem.objects.select_related("priority__framework__district").filter(
        priority__framework__district_id__in=district_ids_editable_by(user=user)
    )


def case_study_list_for_user(*, user: User) -> QuerySet[CaseStudy]:
    """Case studies the user may read (all for staff)."""
    if not is_staff_reader(user):
        return CaseStudy.objects.none()
    return CaseStudy.objects.select_related("district")


def testimonial_list_for_user(*, user: User) -> QuerySet[Testimonial]:
    """Testimonials the user may read (all for staff)."""
    if not is_staff_reader(user):
        return Testimonial.objects.none()
    return Testimonial.objects.select_related("district")


def case_study_editable_by(*, user: User) -> QuerySet[CaseStudy]:
    """Case studies of the user's districts."""
    return case_study_list_for_user(user=user).filter(
        district_id__in=district_ids_editable_by(user=user)
    )


def testimonial_editable_by(*, user: User) -> QuerySet[Testimonial]:
    """Testimonials of the user's districts."""
    return testimonial_list_for_user(user=user).filter(
        district_id__in=district_ids_editable_by(user=user)
    )


@dataclass
class DistrictFigures:
    """One district's work in one financial year, and its framework's progress."""

    district: District
    hours: Decimal = Decimal(0)
    entries: int = 0
    people_reached: int = 0
    funding_secured: Decimal = Decimal(0)
    by_priority_area: list[tuple[str, int]] = field(default_factory=list)
    framework: FrameworkForAction | None = None
    actions_by_status: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def actions_total(self) -> int:
        return sum(count for _, _, count in self.actions_by_status)


def district_figures(
    *, districts: list[District], financial_year: int, today: date
) -> list[DistrictFigures]:
    """Hours, entries by priority area, funding and people for each district in the year,
    with the current framework's action items counted per status. A fixed number of queries."""
    start, end = fy_bounds(financial_year)
    ids = [d.id for d in districts]
    rows = (
        WorkLogEntry.objects.filter(district_id__in=ids, date__range=(start, end))
        .values("district_id", "priority_area")
        .annotate(
            n=Count("id"),
            hours=Sum("hours"),
            people=Sum("people_reached"),
            funding=Sum("funding_secured"),
        )
    )
    figures = {d.id: DistrictFigures(district=d) for d in districts}
    per_area: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        f = figures[row["district_id"]]
        f.entries += row["n"]
        f.hours += row["hours"] or 0
        f.people_reached += row["people"] or 0
        f.funding_secured += row["funding"] or 0
        per_area[row["district_id"]][row["priority_area"]] = row["n"]
    frameworks = FrameworkForAction.objects.filter(district_id__in=ids).order_by("-start_year")
    for framework in frameworks:
        f = figures[framework.district_id]
        covers = framework.starts_on <= today <= framework.ends_on
        if f.framework is None or (covers and not _covers(f.framework, today)):
            f.framework = framework
    chosen = [f.framework.id for f in figures.values() if f.framework]
    status_counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        ActionItem.objects.filter(priority__framework_id__in=chosen)
        .values("priority__framework_id", "status")
        .annotate(n=Count("id"))
    ):
        status_counts[row["priority__framework_id"]][row["status"]] = row["n"]
    for f in figures.values():
        areas = per_area[f.district.id]
        f.by_priority_area = [(label, areas.get(value, 0)) for value, label in PriorityArea.choices]
        if f.framework:
            counts = status_counts[f.framework.id]
            f.actions_by_status = [
                (value, label, counts.get(value, 0)) for value, label in ActionItem.Status.choices
            ]
    return [figures[d.id] for d in districts]


def _covers(framework: FrameworkForAction, today: date) -> bool:
    return framework.starts_on <= today <= framework.ends_on


def worklog_years(*, district_ids: Iterable[int]) -> list[int]:
    """Financial years (start years) with work logged in these districts, newest first."""
    dates = WorkLogEntry.objects.filter(district_id__in=district_ids).dates("date", "month")
    years = {d.year if d.month >= 4 else d.year - 1 for d in dates}
    return sorted(years, reverse=True)


def partner_search(queryset: QuerySet[Partner], *, text: str) -> QuerySet[Partner]:
    """Partners whose name or contact matches ``text``."""
    if not text:
        return queryset
    return queryset.filter(
        Q(name__icontains=text) | Q(contact_name__icontains=text) | Q(contact_email__icontains=text)
    )

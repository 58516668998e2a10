"""Writes in the districts app. Each checks who is acting, validates and saves atomically."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max

from activeportal.accounts.models import User
from activeportal.lib.concurrency import StaleEditError, save_if_unchanged
from activeportal.lib.errors import DomainError, full_clean_or_raise

from .models import (
    ActionItem,
    CaseStudy,
    District,
    FrameworkForAction,
    Partner,
    Priority,
    Testimonial,
    WorkLogEntry,
)
from .selectors import district_ids_editable_by, worklog_editable_by


class DistrictsError(DomainError):
    """A change that cannot be made; ``field`` names the form field it belongs beside."""


def _require_district(user, district: District) -> None:
    if district.id not in district_ids_editable_by(user=user):
        raise DistrictsError(
            f"You are not the locality officer for {district}: choose one of your districts.",
            field="district",
        )


def _check_partners(partners: Iterable[Partner], district: District) -> list[Partner]:
    partners = list(partners)
    ids_in_district = set(district.partners.values_list("id", flat=True))
    strangers = [p.name for p in partners if p.id not in ids_in_district]
    if strangers:
        raise DistrictsError(
            f"{', '.join(strangers)} {'does' if len(strangers) == 1 else 'do'} not work in "
            f"{district}: choose partners of the entry's district, or add the district to "
            "the partner first.",
            field="partners",
        )
    return partners


# Work log ----------------------------------------------------------------------------------

WORKLOG_FIELDS = (
    "district",
    "date",
    "kind",
    "priority_area",
    "summary",
    "hours",
    "people_reached",
    "funding_secured",
)


def _require_own_entry(user, entry: WorkLogEntry) -> None:
    if not worklog_editable_by(user=user).filter(pk=entry.pk).exists():
        raise DistrictsError("You may change only your own work log entries in your districts.")


@transaction.atomic
def worklog_entry_create(*, officer: User, data: dict[str, Any]) -> WorkLogEntry:
    """Log a piece of the officer's own work in one of their districts."""
    entry = WorkLogEntry(officer=officer, **{name: data[name] for name in WORKLOG_FIELDS})
    _require_district(officer, entry.district)
    partners = _check_partners(data.get("partners") or [], entry.district)
    full_clean_or_raise(entry, DistrictsError)
    entry.save()
    entry.partners.set(partners)
    return entry


@transaction.atomic
def worklog_entry_update(*, entry: WorkLogEntry, user: User, data: dict[str, Any]) -> WorkLogEntry:
    """Change one of the user's own entries; the district must still be one of theirs."""
    _require_own_entry(user, entry)
    for name in WORKLOG_FIELDS:
        setattr(entry, name, data[name])
    _require_district(user, entry.district)
    partners = _check_partners(data.get("partners") or [], entry.district)
    full_clean_or_raise(entry, DistrictsError)
    entry.save()
    entry.partners.set(partners)
    return entry


@transaction.atomic
def worklog_entry_delete(*, entry: WorkLogEntry, user: User) -> None:
    """Delete one of the user's own entries."""
    _require_own_entry(user, entry)
    entry.delete()


# Partners ----------------------------------------------------------------------------------

PARTNER_FIELDS = ("name", "type", "contact_name", "contact_email", "contact_phone")


@transaction.atomic
def partner_create(*, user: User, data: dict[str, Any]) -> Partner:
    """Add a partner working in some of the user's districts."""
    districts = list(data["districts"])
    if not districts:
        raise DistrictsError(
            "Choose at least one district the partner works in.", field="districts"
        )
    for district in districts:
        _require_district(user, district)
    partner = Partner(**{name: data[name] for name in PARTNER_FIELDS})
    full_clean_or_raise(partner, DistrictsError)
    partner.save()
    partner.districts.set(districts)
    return partner


@transaction.atomic
def partner_update(*, partner: Partner, user: User, data: dict[str, Any]) -> Partner:
    """Change a partner; the user's choice of districts replaces only their own districts,
    so an officer never removes a partner from someone else's district."""
    mine = district_ids_editable_by(user=user)
    chosen = {d.id for d in data["districts"]}
    if not chosen <= mine:
        raise DistrictsError(
            "Choose only districts you are locality officer for.", field="districts"
        )
    others = {d.id for d in partner.districts.all()} - mine
    if not chosen | others:
        raise DistrictsError(
            "Choose at least one district the partner works in.", field="districts"
        )
    for name in PARTNER_FIELDS:
        setattr(partner, name, data[name])
    full_clean_or_raise(partner, DistrictsError)
    partner.save()
    partner.districts.set(chosen | others)
    return partner


# Frameworks for Action ---------------------------------------------------------------------


@transaction.atomic
def framework_create(
    *, user: User, district: District, start_year: int, end_year: int, vision: str = ""
) -> FrameworkForAction:
    """Start a Framework for Action for one of the user's districts."""
    _require_district(user, district)
    if FrameworkForAction.objects.filter(district=district, start_year=start_year).exists():
        raise DistrictsError(
            f"{district} already has a framework starting in {start_year}.", field="start_year"
        )
    framework = FrameworkForAction(
        district=district, start_year=start_year, end_year=end_year, vision=vision
    )
    full_clean_or_raise(framework, DistrictsError)
    framework.save()
    return framework


@transaction.atomic
def framework_update(
    *, framework: FrameworkForAction, user: User, vision: str
) -> FrameworkForAction:
    """Change the framework's vision."""
    _require_district(user, framework.district)
    framework.vision = vision
    full_clean_or_raise(framework, DistrictsError)
    framework.save()
    return framework


@transaction.atomic
def priority_create(
    *, framework: FrameworkForAction, user: User, title: str, evidence: str = ""
) -> Priority:
    """Add a priority at the end of the framework's list."""
    _require_district(user, framework.district)
    last = framework.priorities.aggregate(m=Max("position"))["m"] or 0
    priority = Priority(framework=framework, position=last + 1, title=title, evidence=evidence)
    full_clean_or_raise(priority, DistrictsError)
    priority.save()
    return priority


@transaction.atomic
def priority_update(*, priority: Priority, user: User, title: str, evidence: str) -> Priority:
    """Change a priority's title and evidence."""
    _require_district(user, priority.framework.district)
    priority.title, priority.evidence = title, evidence
    full_clean_or_raise(priority, DistrictsError)
    priority.save()
    return priority


@transaction.atomic
def priority_move(*, priority: Priority, user: User, up: bool) -> None:
    """Move a priority one place up or down, renumbering the list 1, 2, 3…"""
    _require_district(user, priority.framework.district)
    ordered = list(
        Priority.objects.select_for_update()
        .filter(framework_id=priority.framework_id)
        .order_by("position", "id")
    )
    index = next(i for i, p in enumerate(ordered) if p.id == priority.id)
    other = index - 1 if up else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


@transaction.atomic
def priority_delete(*, priority: Priority, user: User) -> None:
    """Delete a priority and its action items."""
    _require_district(user, priority.framework.district)
    priority.delete()


ACTION_FIELDS = ("description", "owner", "due_date", "status")


@transaction.atomic
def action_create(*, priority: Priority, user: User, data: dict[str, Any]) -> ActionItem:
    """Add an action item to a priority."""
    _require_district(user, priority.framework.district)
    action = ActionItem(priority=priority, **{name: data[name] for name in ACTION_FIELDS})
    full_clean_or_raise(action, DistrictsError)
    action.save()
    return action


def action_update(
    *, action: ActionItem, user: User, data: dict[str, Any], opened_version: int
) -> ActionItem:
    """Change an action item, unless someone saved it after ``opened_version`` was read."""
    _require_district(user, action.priority.framework.district)
    for name in ACTION_FIELDS:
        setattr(action, name, data[name])
    full_clean_or_raise(action, DistrictsError, exclude=["version"])
    try:
        save_if_unchanged(action, expected_version=opened_version)
    except StaleEditError as exc:
        raise DistrictsError(str(exc)) from None
    return action


# Case studies and testimonials -------------------------------------------------------------


@transaction.atomic
def story_save(*, story: CaseStudy | Testimonial, user: User) -> CaseStudy | Testimonial:
    """Save a case study or testimonial of one of the user's districts.

    It may be published only with consent to publish recorded."""
    _require_district(user, story.district)
    if story.pk is None:
        story.created_by = user
    full_clean_or_raise(story, DistrictsError)
    story.save()
    return story

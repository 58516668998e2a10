from __future__ import annotations

from django import template

register = template.Library()

# Each status also shows its name in words; colours keep WCAG AA contrast with their text.
STATUS_CLASSES = {
    "not_started": "text-bg-light border",
    "on_track": "text-bg-success",
    "at_risk": "text-bg-warning",
    "off_track": "text-bg-danger",
    "done": "text-bg-dark",
}


@register.filter
def status_class(status: str) -> str:
    """{{ action.status|status_class }} -> the badge classes for an action item's status."""
    return STATUS_CLASSES.get(status, "text-bg-light border")

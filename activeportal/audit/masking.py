"""What the audit trail keeps of an identifiable field: that it changed, never its value.

auditlog's own mask keeps half of each value (the last five digits of an NHS number), which is
still an identifier, so every masked field (AUDITLOG_INCLUDE_TRACKING_MODELS, passwords too)
goes through ``field_changed`` instead.
"""

from __future__ import annotations

CHANGED = "changed"
# How auditlog writes an empty value: None, an empty string, or an empty JSON object or list.
BLANKS = {"", "None", "{}", "[]", "null"}


def field_changed(value: str) -> str:
    """ "changed" in place of a value; a blank stays blank, so a reader sees it was filled in or
    emptied without seeing what it held."""
    return "" if value.strip() in BLANKS else CHANGED

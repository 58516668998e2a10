"""auditlog's table, kept append-only by PostgreSQL triggers (no-ops on SQLite).

auditlog is a third-party app, so the triggers hang on a proxy of its model: the table is the
same, and the migration that installs them is this app's own.
"""

from __future__ import annotations

import pgtrigger
from auditlog.models import LogEntry

# Deleting a user sets the actor of their entries to NULL (``actor_email`` still names them):
# that is the one change allowed; the retention erasure's is allowed only under
# ``audit_entries_erase``, which ignores this trigger for its own statements.
ONLY_ACTOR_CLEARED = (
    "(to_jsonb(OLD) - 'actor_id') IS NOT DISTINCT FROM (to_jsonb(NEW) - 'actor_id')"
    " AND NEW.actor_id IS NULL"
)
NO_UPDATE = "audit.AppendOnlyLogEntry:audit_log_no_update"


class AppendOnlyLogEntry(LogEntry):
    """The audit log, as the triggers refusing UPDATE and DELETE see it."""

    class Meta:
        proxy = True
        triggers = [
            pgtrigger.Protect(name="audit_log_no_delete", operation=pgtrigger.Delete),
            pgtrigger.Protect(
                name="audit_log_no_update",
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition(f"NOT ({ONLY_ACTOR_CLEARED})"),
            ),
        ]

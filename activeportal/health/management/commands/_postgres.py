"""How the backup commands reach the configured PostgreSQL database with its own tools."""

from __future__ import annotations

import os
import shutil

from django.core.management.base import CommandError
from django.db import connections


def postgres_target() -> tuple[list[str], dict[str, str], str]:
    """(connection arguments for pg_dump/pg_restore, their environment, the database name)."""
    db = connections["default"].settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError(
            "Backups with pg_dump need PostgreSQL (DATABASE_URL=postgres://…). The SQLite "
            "database of `make run` is one file: copy it while the portal is stopped."
        )
    args = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432)]
    if db["USER"]:
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db["PASSWORD"]:
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env, db["NAME"]


def tool(name: str) -> str:
    """The full path of a PostgreSQL client tool (pg_dump, pg_restore)."""
    path = shutil.which(name)
    if path is None:
        raise CommandError(f"{name} is not installed: install PostgreSQL's client tools.")
    return path

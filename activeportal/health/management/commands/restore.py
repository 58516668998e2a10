"""``make restore``: a ``make backup`` file into the configured database."""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ._postgres import postgres_target, tool


class Command(BaseCommand):
    help = (
        "Restore a backup (make backup) into the PostgreSQL database of DATABASE_URL. Into an "
        "empty database as it is; over one with tables only with --yes (it replaces them)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="a file written by make backup")
        parser.add_argument(
            "--yes", action="store_true", help="replace what the database holds now"
        )

    def handle(self, *args, **options) -> None:
        connect, env, name = postgres_target()
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no backup file {path}.")
        tables = connection.introspection.table_names()
        connection.close()
        if tables and not options["yes"]:
            raise CommandError(
                f"The database {name} already holds {len(tables)} tables: restoring replaces "
                "them all. Restore into an empty database, or run again with --yes "
                "(make restore BACKUP=… CONFIRM=yes)."
            )
        done = subprocess.run(  # noqa: S603 (arguments from the settings, no shell)
            [tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
             *(["--clean", "--if-exists"] if tables else []),
             f"--dbname={name}", *connect, str(path)],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode:
            raise CommandError(f"pg_restore failed: {done.stderr.strip()}")
        self.stdout.write(f"Restored {path} into {name}.")

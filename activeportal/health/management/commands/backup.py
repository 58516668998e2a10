"""``make backup``: the whole database in pg_dump's custom format, for ``make restore``."""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ._postgres import postgres_target, tool


class Command(BaseCommand):
    help = "Dump the PostgreSQL database to a file (pg_dump --format=custom)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--to", help="the file to write (default backups/activeportal-<UTC time>.dump)"
        )

    def handle(self, *args, **options) -> None:
        connect, env, name = postgres_target()
        path = Path(options["to"] or f"backups/activeportal-{timezone.now():%Y%m%dT%H%M%SZ}.dump")
        path.parent.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(  # noqa: S603 (arguments from the settings, no shell)
            [tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
             f"--file={path}", *connect, name],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode:
            raise CommandError(f"pg_dump failed: {done.stderr.strip()}")
        self.stdout.write(f"Backed up {name} to {path} ({path.stat().st_size:,} bytes).")

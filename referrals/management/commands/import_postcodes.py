"""Import the postcode look-up from an ONS/MHCLG CSV file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from referrals.history.services import ImportRejected, postcode_import


class Command(BaseCommand):
    help = (
        "Import the postcode look-up (postcode, LSOA code, IMD decile, local authority district "
        "code) from an ONS/MHCLG CSV file. Streamed, all or nothing, and safe to run again: "
        "known postcodes are updated, never doubled."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help="CSV file; headings such as pcds, lsoa21cd, IMD decile, ladcd"
        )
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args: Any, file: str, batch_size: int, **options: Any) -> None:
        try:
            with open(file, encoding="utf-8-sig", newline="") as lines:
                result = postcode_import(lines=lines, batch_size=batch_size)
        except FileNotFoundError as error:
            raise CommandError(f"{file}: no such file") from error
        except ImportRejected as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{file}: nothing was imported ({len(error.problems)} problem(s) above)."
            ) from error
        self.stdout.write(
            f"Imported {result.total:,} postcodes: {result.created:,} new, "
            f"{result.updated:,} updated."
        )

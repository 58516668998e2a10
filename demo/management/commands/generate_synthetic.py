from __future__ import annotations

import resource
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from demo.synthetic import BATCH_SIZE, SyntheticError, parse_years, synthetic_generate


class Command(BaseCommand):
    help = (
        "Append N synthetic referrals (references SYN-YY-NNNNNNN), with one status change each "
        "(the current status only), the follow-ups of those who became active, a synthetic "
        "postcode look-up and Active NoW allocations per district and year: for load tests. "
        "COPY on PostgreSQL, bulk_create elsewhere, no audit-log entries. The same seed, N, "
        "years, --as-of and batch size give the same data; each run appends, nothing is deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--referrals", type=int, required=True, help="how many (at least 1)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--years",
            default="2023-24:2026-27",
            help="financial years FIRST:LAST (default 2023-24:2026-27)",
        )
        parser.add_argument(
            "--as-of",
            default=None,
            help="the day the data describes, YYYY-MM-DD (default today): statuses and "
            "completed follow-ups are as they would be then",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, referrals, seed, years, as_of, batch_size, **options):
        try:
            first, last = parse_years(years)
            day = date.fromisoformat(as_of) if as_of else None
        except SyntheticError as error:
            raise CommandError(str(error)) from error
        except ValueError as error:
            raise CommandError(f"--as-of '{as_of}' is not a date such as 2026-12-01") from error
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            seconds = time.monotonic() - started
            self.stdout.write(
                f"referrals {done:,} / {total:,} ({done * 100 // total}%) {seconds:.0f} s"
            )

        try:
            result = synthetic_generate(
                referrals=referrals,
                seed=seed,
                first_year=first,
                last_year=last,
                as_of=day,
                batch_size=batch_size,
                progress=progress if options["verbosity"] else None,
            )
        except SyntheticError as error:
            raise CommandError(str(error)) from error
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"Wrote {result.referrals:,} referrals ({result.first_reference} to "
            f"{result.last_reference}), {result.status_changes:,} status changes, "
            f"{result.follow_ups:,} follow-ups ({result.follow_ups_completed:,} completed), "
            f"{result.allocations} allocations, {result.postcodes_created:,} new postcodes "
            f"in {time.monotonic() - started:.0f} s; peak memory {peak:,.0f} MB."
        )

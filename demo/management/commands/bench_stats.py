from __future__ import annotations

from django.core.management.base import BaseCommand

from demo.bench import bench


class Command(BaseCommand):
    help = (
        "Time a full rebuild of every impact snapshot (as the Celery task runs it) against the "
        "floor: the same figures by hand-written SQL on PostgreSQL. Prints both medians, their "
        "ratio and the rebuild's peak memory, and any figure on which the two disagree; and one "
        "year's refresh (the debounced task after a change) for the year with most referrals."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=3, help="runs of each (default 3)")

    def handle(self, *args, repeat: int, **options):
        bench(repeat=max(1, repeat), write=self.stdout.write)

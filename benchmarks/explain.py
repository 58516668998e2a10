"""EXPLAIN ANALYZE every query the load-tested pages run, and flag scans of whole tables.

    DATABASE_URL=postgres://... python benchmarks/explain.py [--verbose] [--cold]

Each page is fetched in-process (Django's test client, signed in as the demo user of its
role), once to warm the cache (charts, the impact pages' data-changed check; not with --cold)
and once more while its queries are captured; every SELECT is then run again under
``EXPLAIN (ANALYZE, BUFFERS)``. Prints per page the queries' times and the plans' key lines,
and exits 1 when a plan reads referrals_referral (or its follow-ups) by sequential scan.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIG_TABLES = ("referrals_referral", "referrals_followup", "referrals_statuschange")
KEY_LINE = re.compile(r"(Scan|Sort|Limit|Aggregate|Nested Loop|Hash Join|Execution Time)")


def pages() -> list[tuple[str, str]]:
    """(demo user, path) of every page the load test opens."""
    from referrals.models import Referral, Status
    from reports.selectors import snapshot_years

    years = snapshot_years()
    year = years[0] if years else 2024
    queue = (
        Referral.objects.filter(status=Status.SUBMITTED)
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    own = (
        Referral.objects.filter(referrer__email="referrer@example.org")
        .order_by("-submitted_at")
        .values_list("pk", flat=True)
        .first()
    )
    return [
        ("referrer@example.org", "/referrals/new/"),
        ("referrer@example.org", "/referrals/"),
        ("referrer@example.org", "/referrals/?pathway=falls"),
        ("referrer@example.org", "/referrals/?status=submitted"),
        ("referrer@example.org", "/referrals/?submitted_from=2025-01-01&submitted_to=2025-03-31"),
        ("referrer@example.org", "/referrals/?page=2"),
        ("referrer@example.org", f"/referrals/{own}/"),
        ("referrer@example.org", f"/referrals/{own}/submitted/"),
        ("hub@example.org", "/referrals/triage/"),
        ("hub@example.org", "/referrals/triage/?page=40"),
        ("hub@example.org", "/referrals/triage/?status=contacted"),
        ("hub@example.org", "/referrals/triage/?pathway=smi"),
        ("hub@example.org", "/referrals/triage/?district=3&pathway=falls"),
        ("hub@example.org", "/referrals/triage/?waiting_days=30&status=triaged"),
        ("hub@example.org", "/referrals/triage/?duplicates=on"),
        ("hub@example.org", f"/referrals/hub/{queue}/"),
        ("hub@example.org", "/referrals/hub/follow-ups/"),
        ("admin@example.org", "/referrals/"),
        ("admin@example.org", "/referrals/?pathway=general&page=3"),
        ("manager@example.org", "/funding/"),
        ("manager@example.org", f"/reports/{year}/"),
        ("manager@example.org", f"/reports/{year}/report/"),
    ]


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "activeportal.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from activeportal.accounts.models import User

    verbose = "--verbose" in argv
    cold = "--cold" in argv
    bad = []
    for email, path in pages():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(email=email))
        if not cold:
            client.get(path)  # what the page runs once its cache is warm
        with CaptureQueriesContext(connection) as captured:
            status = client.get(path).status_code
        print(f"\n== {path} ({email.split('@')[0]}): HTTP {status}, {len(captured)} queries")
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or "django_session" in sql:
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = [row[0] for row in cursor.fetchall()]
            total = next((line for line in plan if "Execution Time" in line), "")
            seq = [
                line.strip()
                for line in plan
                if "Seq Scan" in line and any(table in line for table in BIG_TABLES)
            ]
            if not any(table in sql for table in BIG_TABLES) and not verbose:
                continue
            print(f"  {sql[:150]}{'…' if len(sql) > 150 else ''}")
            lines = plan if verbose else [line for line in plan if KEY_LINE.search(line)][:8]
            for line in lines:
                print(f"      {line.rstrip()}")
            if seq:
                bad.append((path, seq, total))
    print()
    for path, seq, total in bad:
        print(f"SEQUENTIAL SCAN on {path}: {'; '.join(seq)} ({total.strip()})")
    print("no sequential scan of a large table" if not bad else f"{len(bad)} plan(s) to fix")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""EXPLAIN ANALYZE every query the load-tested pages run, and flag scans of whole tables.

    DATABASE_URL=postgres://... python benchmarks/explain.py [--verbose] [--cold]

Each page is fetched in-process (Django's test client, signed in as the demo user of its
role), once to warm the cache (charts, the impact pages' data-changed check; not with --cold)
and once more while its queries are captured; every SELECT is then run again under
``EXPLAIN (ANALYZE, BUFFERS)``. The queries are the pages' own (the views' querysets as they
run), never SQL written here. Prints per page the queries' times, the plans' key lines and the
indexes read, and exits 1 when a plan reads referrals_referral (or its follow-ups) by
sequential scan, when a worklist page does not read the index it is built on
(EXPECTED_INDEXES), or when one of its queries takes longer than EXPLAIN_SLOW_MS (default 50)
to run: an index read in the wrong order (a month of every organisation's status changes for
one referrer's recent updates) is as slow as a scan.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIG_TABLES = ("referrals_referral", "referrals_followup", "referrals_statuschange")
KEY_LINE = re.compile(r"(Scan|Sort|Limit|Aggregate|Nested Loop|Hash Join|Execution Time)")
INDEX = re.compile(
    r"(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)"
)
# The worklist's pages and an index each must read (referrals/models.py, migration 0008): any
# one of the names listed.
WORKLIST_DEFAULT = "/referrals/triage/"
EXPECTED_INDEXES = {
    # New referrals first (status, submitted_at), then the rest by next step due.
    WORKLIST_DEFAULT: {
        "referral_waiting_due_idx",
        "referral_open_queue_idx",
        "referrals_r_status_a682bf_idx",  # Index(fields=["status", "submitted_at"])
    },
    "/referrals/triage/?caseload=mine": {"referral_caseload_due_idx"},
    "search by NHS number": {"referrals_referral_nhs_number"},  # a prefix: Django's name
    "search by surname": {"referral_last_name_trgm_idx"},
}
SLOW_MS = float(os.environ.get("EXPLAIN_SLOW_MS", "50"))
SURNAME = "Smith"  # common in the synthetic data (demo.synthetic.COMMON_SURNAMES)


def pages() -> list[tuple[str, str]]:
    """(demo user, path) of every page the load test opens."""
    from referrals.models import WAITING_STATUSES, Referral, Status
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
        Referral.objects.filter(organisation__members__email="referrer@example.org")
        .order_by("-submitted_at")
        .values_list("pk", flat=True)
        .first()
    )
    waiting_nhs_number = (
        Referral.objects.filter(status__in=WAITING_STATUSES)
        .exclude(nhs_number="")
        .order_by("next_step_due_on", "pk")
        .values_list("nhs_number", flat=True)
        .first()
    )
    return [
        ("hub@example.org", WORKLIST_DEFAULT),
        ("hub@example.org", f"/referrals/triage/?q={waiting_nhs_number}"),
        ("hub@example.org", f"/referrals/triage/?q={SURNAME}"),
        ("hub@example.org", "/referrals/triage/?caseload=mine"),
        ("referrer@example.org", "/referrals/new/"),
        ("referrer@example.org", "/referrals/"),
        ("referrer@example.org", "/referrals/?pathway=falls"),
        ("referrer@example.org", "/referrals/?status=submitted"),
        ("referrer@example.org", "/referrals/?submitted_from=2025-01-01&submitted_to=2025-03-31"),
        ("referrer@example.org", "/referrals/?page=2"),
        ("referrer@example.org", f"/referrals/{own}/"),
        ("referrer@example.org", f"/referrals/{own}/submitted/"),
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
    os.environ.setdefault("DATABASE_PARALLEL_WORKERS", "0")  # as the web tier (wsgi.py)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from activeportal.accounts.models import User

    verbose = "--verbose" in argv
    cold = "--cold" in argv
    bad, missing, slow = [], [], []
    for email, path in pages():
        used: set[str] = set()
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
            ms = float(re.search(r"([\d.]+) ms", total).group(1)) if total else 0.0
            if ms > SLOW_MS:
                slow.append((path, sql[:120], ms))
            used.update(INDEX.findall("\n".join(plan)))
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
        print(f"  indexes read: {', '.join(sorted(used)) or 'none'}")
        expected = EXPECTED_INDEXES.get(_kind(path))
        if expected and not any(name.startswith(e) for name in used for e in expected):
            missing.append((path, expected))
    print()
    for path, expected in missing:
        print(f"INDEX NOT READ on {path}: expected one of {', '.join(sorted(expected))}")
    for path, seq, total in bad:
        print(f"SEQUENTIAL SCAN on {path}: {'; '.join(seq)} ({total.strip()})")
    for path, sql, ms in slow:
        print(f"SLOW QUERY on {path}: {ms:.1f} ms (over {SLOW_MS:g} ms): {sql}…")
    print("no sequential scan of a large table" if not bad else f"{len(bad)} plan(s) to fix")
    print("every worklist page reads its index" if not missing else f"{len(missing)} without")
    print(f"no query over {SLOW_MS:g} ms" if not slow else f"{len(slow)} slow queries")
    return 1 if bad or missing or slow else 0


def _kind(path: str) -> str:
    """The EXPECTED_INDEXES key of ``path``: searches by what they search for."""
    if path.startswith("/referrals/triage/?q="):
        term = path.removeprefix("/referrals/triage/?q=")
        return "search by NHS number" if term.isdigit() else "search by surname"
    return path


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

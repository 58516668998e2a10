"""Print a load test's figures per page and check that no referral was lost or doubled.

    python benchmarks/summary.py RESULTS.json --after-id N

RESULTS.json is what the locustfile writes (BENCH_OUTPUT); N is the highest referral id before
the run. The referrals created since must be exactly the successful submissions, each with its
own reference and form token. Exits 1 when they are not, or when any request failed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def table(results: dict) -> str:
    lines = [
        "| page | requests | failures | p50 ms | p95 ms | p99 ms | req/s |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for row in results["pages"]:
        if not row["requests"]:
            continue
        lines.append(
            f"| {row['name']} | {row['requests']} | {row['failures']} | {row['p50']:.0f} | "
            f"{row['p95']:.0f} | {row['p99']:.0f} | {row['rps']:.1f} |"
        )
    return "\n".join(lines)


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "activeportal.settings")
    import django

    django.setup()


def highest_referral_id() -> int:
    from django.db.models import Max

    from referrals.models import Referral

    return Referral.objects.aggregate(top=Max("pk"))["top"] or 0


def referrals_since(after_id: int) -> dict[str, int]:
    from django.db.models import Count

    from referrals.models import Referral

    new = Referral.objects.filter(pk__gt=after_id)
    counted = new.aggregate(
        n=Count("pk"),
        references=Count("reference", distinct=True),
        tokens=Count("submission_token", distinct=True),
    )
    return {"new": counted["n"], "references": counted["references"], "tokens": counted["tokens"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="?", type=Path)
    parser.add_argument("--after-id", type=int, default=None)
    parser.add_argument(
        "--highest-id", action="store_true", help="print the highest referral id and stop"
    )
    args = parser.parse_args(argv)
    django_setup()
    if args.highest_id:
        print(highest_referral_id())
        return 0
    results = json.loads(args.results.read_text())
    print(
        f"{results.get('users')} users; warm-up (every user signing in) "
        f"{results.get('warm_up_seconds')} s, then measured {results.get('measured_seconds')} s"
    )
    print(table(results))
    sign_in = results.get("sign_in_during_warm_up")
    if sign_in:
        print(
            f"\nsign-in during the warm-up: {sign_in['requests']} requests, p50 "
            f"{sign_in['p50']:.0f} ms, p95 {sign_in['p95']:.0f} ms (PBKDF2 password hashing)"
        )
    total = results["total"]
    print(f"\nall requests: {total['requests']}, failures: {total['failures']}")
    ok = total["failures"] == 0
    if args.after_id is not None:
        submitted = results["submissions"]["ok"]
        found = referrals_since(args.after_id)
        print(
            f"referral submissions accepted: {submitted}; refused: "
            f"{results['submissions']['failed']}; new referrals in the database: {found['new']} "
            f"(distinct references {found['references']}, distinct form tokens {found['tokens']})"
        )
        same = submitted == found["new"] == found["references"] == found["tokens"]
        print("no referral lost or doubled" if same else "MISMATCH: referrals lost or doubled")
        ok = ok and same
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Print a load test's figures per page and check that no referral was lost or doubled.

    python benchmarks/summary.py RESULTS.json --after-id N [--target-ms 200]

RESULTS.json is what the locustfile writes (BENCH_OUTPUT); N is the highest referral id before
the run. The referrals created since must be exactly the successful submissions, each with its
own reference and form token. Exits 1 when they are not, or when any request failed.

A ramp's figures (``steps``) are printed step by step, then a table of each page's p95 per
step, and the highest load at which every page's p95 stayed under the target (that step and
every one below it), and whether the worklist's pages (WORKLIST_PAGES) answered within
WORKLIST_TARGET_MS at the first step.
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


# The worklist's pages, named as the locustfile names them, and their target at 50 users.
WORKLIST_PAGES = ["triage queue", "search by NHS number", "search by surname", "my caseload"]
WORKLIST_TARGET_MS = 100


def measured(step: dict) -> dict[str, dict]:
    return {row["name"]: row for row in step["pages"] if row["requests"]}


def p95_table(steps: list[dict]) -> str:
    """Each page's p95 (ms) per step of the ramp, a column per step."""
    names = sorted({name for step in steps for name in measured(step)})
    lines = [
        "| page | " + " | ".join(f"{s['users']} users" for s in steps) + " |",
        "|---|" + "--:|" * len(steps),
    ]
    for name in names:
        cells = [measured(s).get(name) for s in steps]
        lines.append(
            f"| {name} | " + " | ".join(f"{c['p95']:.0f}" if c else "–" for c in cells) + " |"
        )
    lines.append("| requests a second | " + " | ".join(f"{_rps(s):.1f}" for s in steps) + " |")
    return "\n".join(lines)


def _rps(step: dict) -> float:
    return sum(row["rps"] for row in step["pages"])


def highest_load_under(
    steps: list[dict], target_ms: float
) -> tuple[int | None, tuple[int, list[str]] | None]:
    """The most users at which every page's p95 was under ``target_ms``, at that step and every
    step below it; and the first step that missed, with the pages that did."""
    best = None
    for step in sorted(steps, key=lambda s: s["users"]):
        over = [n for n, row in measured(step).items() if row["p95"] >= target_ms]
        if over or step["total"]["failures"]:
            return best, (step["users"], sorted(over) or ["(failed requests)"])
        best = step["users"]
    return best, None


def ramp_report(results: dict, target_ms: float) -> list[str]:
    steps = results["steps"]
    lines = []
    for step in steps:
        lines.append(
            f"\n{step['users']} users: warm-up {step['warm_up_seconds']} s, then measured "
            f"{step['measured_seconds']} s"
        )
        lines.append(table(step))
    lines.append(f"\np95 (ms) per page and step:\n{p95_table(steps)}")
    best, over = highest_load_under(steps, target_ms)
    if best is None:
        lines.append(f"\nno step had every page's p95 under {target_ms:.0f} ms")
    else:
        lines.append(f"\nhighest load with every page's p95 under {target_ms:.0f} ms: {best} users")
    if over:
        users, names = over
        lines.append(f"at {users} users, p95 {target_ms:.0f} ms or more: {', '.join(names)}")
    first = measured(steps[0])
    worklist = [(n, first[n]["p95"]) for n in WORKLIST_PAGES if n in first]
    slow = [f"{n} {p:.0f} ms" for n, p in worklist if p >= WORKLIST_TARGET_MS]
    lines.append(
        f"worklist pages at {steps[0]['users']} users, p95 under {WORKLIST_TARGET_MS} ms: "
        + ("yes" if worklist and not slow else "no")
        + (f" ({'; '.join(slow)})" if slow else "")
        + ("" if len(worklist) == len(WORKLIST_PAGES) else " (some pages were not measured)")
    )
    return lines


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
    parser.add_argument("--target-ms", type=float, default=200, help="p95 target of the ramp")
    args = parser.parse_args(argv)
    django_setup()
    if args.highest_id:
        print(highest_referral_id())
        return 0
    results = json.loads(args.results.read_text())
    if results.get("steps"):
        print("\n".join(ramp_report(results, args.target_ms)))
    else:
        print(
            f"{results.get('users')} users; warm-up (every user signing in) "
            f"{results.get('warm_up_seconds')} s, then measured "
            f"{results.get('measured_seconds')} s"
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

"""The load test's summary: per-step p95s of a ramp and the highest load under the target."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SUMMARY = Path(__file__).resolve().parents[2] / "benchmarks" / "summary.py"
spec = importlib.util.spec_from_file_location("bench_summary", SUMMARY)
summary = importlib.util.module_from_spec(spec)
spec.loader.exec_module(summary)


def step(users: int, p95s: dict[str, float], failures: int = 0) -> dict:
    pages = [
        {"name": n, "requests": 10, "failures": 0, "p50": p / 2, "p95": p, "p99": p, "rps": 1.0}
        for n, p in p95s.items()
    ]
    return {
        "users": users,
        "pages": pages,
        "total": {"requests": 10 * len(pages), "failures": failures},
        "measured_seconds": 15,
        "warm_up_seconds": 4.0,
    }


FAST = {"triage queue": 40, "search by NHS number": 20, "search by surname": 60, "my caseload": 30}


def test_the_highest_load_is_the_last_step_before_any_page_misses_the_target():
    steps = [
        step(50, FAST),
        step(100, {**FAST, "triage queue": 150}),
        step(200, {**FAST, "search by surname": 250}),
        step(300, FAST),  # back under: the ramp has already failed at 200
    ]
    best, over = summary.highest_load_under(steps, 200)
    assert best == 100
    assert over == (200, ["search by surname"])


def test_no_step_under_the_target_is_said_so():
    assert summary.highest_load_under([step(50, {"triage queue": 200})], 200) == (
        None,
        (50, ["triage queue"]),
    )


def test_failed_requests_end_the_ramp_too():
    best, over = summary.highest_load_under([step(50, FAST), step(100, FAST, failures=2)], 200)
    assert best == 50 and over == (100, ["(failed requests)"])


def test_the_report_prints_a_p95_column_per_step_and_the_worklist_check(tmp_path, capsys):
    results = {"steps": [step(50, FAST), step(100, {**FAST, "my caseload": 320})]}
    lines = "\n".join(summary.ramp_report(results, 200))
    assert "| page | 50 users | 100 users |" in lines
    assert "| my caseload | 30 | 320 |" in lines
    assert "highest load with every page's p95 under 200 ms: 50 users" in lines
    assert "at 100 users, p95 200 ms or more: my caseload" in lines
    assert "worklist pages at 50 users, p95 under 100 ms: yes" in lines


@pytest.mark.django_db
def test_main_prints_the_ramp_and_exits_1_on_a_failed_request(tmp_path, capsys):
    results = {
        "steps": [step(50, FAST)],
        "total": {"requests": 40, "failures": 1},
    }
    path = tmp_path / "figures.json"
    path.write_text(json.dumps(results))
    assert summary.main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "50 users: warm-up 4.0 s, then measured 15 s" in out
    assert "all requests: 40, failures: 1" in out

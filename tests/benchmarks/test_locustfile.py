"""The load test's locustfile: it imports, defines a user per role, and its referrals are valid.

Locust patches the standard library (gevent) when imported, so the file is loaded in a child
process and reports what it defines as JSON; nothing connects to a server.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from nhs_number import calculate_checksum

from referrals.intake.forms import ReferralForm
from referrals.validators import normalise_nhs_number

LOCUSTFILE = Path(__file__).resolve().parents[2] / "benchmarks" / "locustfile.py"

_REPORT = """
import importlib.util, json, os, sys
spec = importlib.util.spec_from_file_location("locustfile", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
from locust import HttpUser
users = {
    name: {
        "weight": cls.weight,
        "tasks": sorted({t.__name__ for t in cls.tasks}),
        "email": getattr(cls, "email", ""),
    }
    for name, cls in vars(module).items()
    if isinstance(cls, type) and issubclass(cls, HttpUser) and not cls.abstract
}
numbers = [next(module.NHS_NUMBERS) for _ in range(300)]
forms = [module.referral_data("csrf", "8d5e9b7c-3f0a-4a7e-9c1d-2b6f4e8a0c13") for _ in range(20)]
page = "<dd>943 476 5919</dd> <dd>900 050 4910</dd> <td>9000504911</td> ref 123 456 7890"
found = module.nhs_numbers_in(page)
shape = {"steps": module.ramp_steps(), "abstract": module.RampShape.abstract}
print(json.dumps({"users": users, "numbers": numbers, "forms": forms, "found": found,
                  "shape": shape}))
"""


def load(**env: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _REPORT, str(LOCUSTFILE)],
        capture_output=True,
        text=True,
        check=True,
        env={"BENCH_NHS_BASE": "9999990", "PATH": "/usr/bin:/bin", **env},
        timeout=120,
    )
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def locustfile() -> dict:
    return load()


def test_it_defines_a_user_per_role_and_the_bare_view(locustfile):
    users = locustfile["users"]
    assert set(users) == {"ReferrerUser", "HubUser", "ManagerUser", "PingUser"}
    assert users["ReferrerUser"]["email"] == "referrer@example.org"
    assert users["HubUser"]["email"] == "hub@example.org"
    assert users["ManagerUser"]["email"] == "manager@example.org"
    assert "submit_referral" in users["ReferrerUser"]["tasks"]
    assert {
        "queue",
        "queue_page",
        "queue_filtered",
        "referral",
        "search_nhs_number",
        "search_surname",
        "my_caseload",
        "follow_ups",
    } <= set(users["HubUser"]["tasks"])
    assert {"funding_dashboard", "impact_dashboard", "impact_report"} == set(
        users["ManagerUser"]["tasks"]
    )
    assert users["PingUser"]["tasks"] == ["ping"]


def test_its_nhs_numbers_are_distinct_valid_test_numbers(locustfile, settings):
    settings.ALLOW_TEST_NHS_NUMBERS = True
    numbers = locustfile["numbers"]
    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        assert number.startswith("91")
        assert calculate_checksum(number[:9]) == int(number[9])
        assert normalise_nhs_number(number) == number
    # The serial wraps round after 91 999 999 9 instead of growing an eleventh digit.
    assert all(len(number) == 10 for number in numbers)


def test_its_referrals_pass_the_real_form(locustfile, settings):
    settings.ALLOW_TEST_NHS_NUMBERS = True
    for data in locustfile["forms"]:
        form = ReferralForm(data)
        assert form.is_valid(), form.errors
        assert form.red_flags_raised() == []


def test_it_finds_the_valid_nhs_numbers_a_page_shows(locustfile):
    # 900 050 4910 and 943 476 5919 pass the modulus-11 check; 900 050 4911 does not.
    assert locustfile["found"] == ["9000504910", "9434765919"]


def test_without_a_ramp_its_load_shape_stays_out_of_the_way(locustfile):
    assert locustfile["shape"] == {"steps": [], "abstract": True}


def test_a_ramp_gives_its_steps_in_order():
    shape = load(BENCH_RAMP="200, 50 100 400 300")["shape"]
    assert shape == {"steps": [50, 100, 200, 300, 400], "abstract": False}

"""Load test of ActivePortal: referrers, the hub, managers and a bare view, all at once.

Run it through ``make bench`` (benchmarks/run.sh), which starts gunicorn with production
settings and prints the figures; or by hand against a running portal::

    locust -f benchmarks/locustfile.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:8765

Every locust user signs in once, through the real sign-in form, as the demo user of its role.
A referral submission counts as a success only when the portal redirects to the confirmation
page; anything else (the form shown again with errors, a 500) is a failure in the stats.

Environment: BENCH_DURATION (seconds measured once every user has signed in; without it,
locust's own --run-time applies and nothing is reset), BENCH_RAMP (e.g. "50 100 200 300 400":
a ramp, see below), BENCH_PASSWORD (the demo password),
BENCH_WAIT_MIN / BENCH_WAIT_MAX (seconds between a user's tasks), BENCH_NHS_BASE (first
serial of the test NHS numbers; default: from the clock), BENCH_OUTPUT (a JSON file for the
figures, written when the run ends).

With BENCH_RAMP the run is a ramp: the users grow to each number in turn; once a step's new
users have all signed in the stats are reset, the step is measured for BENCH_DURATION seconds
and its figures kept, then the next step starts (the users already signed in stay). The figures
then hold one entry per step (``steps``).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

import gevent
from locust import HttpUser, LoadTestShape, between, events, task

PASSWORD = os.environ.get("BENCH_PASSWORD", "active-norfolk-demo")
WAIT = between(
    float(os.environ.get("BENCH_WAIT_MIN", "1")), float(os.environ.get("BENCH_WAIT_MAX", "3"))
)
# Demo postcodes' outward codes (Norfolk); inward codes are drawn at random, so some are in the
# demo look-up and some are not (the hub then sets the district), as in real use.
OUTWARD_CODES = ["NR1", "NR2", "NR3", "NR5", "NR14", "NR19", "NR30", "PE30", "IP24"]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
OPEN_STATUSES = ["submitted", "triaged", "contacted", "matched", "active"]
PATHWAYS = ["general", "falls", "smi"]
RED_FLAGS = [
    "unstable_angina",
    "uncontrolled_blood_pressure",
    "chest_pain_on_exertion",
    "uncontrolled_arrhythmia",
]

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_TOKEN = re.compile(r'<input[^>]*name="submission_token"[^>]*value="([0-9a-f-]{36})"')
_HUB_REFERRAL = re.compile(r'href="/referrals/hub/(\d+)/"')
_OWN_REFERRAL = re.compile(r'href="/referrals/(\d+)/"')
_DISTRICT_OPTION = re.compile(r'<option value="(\d+)"')
_SUBMITTED = re.compile(r"/referrals/(\d+)/submitted/$")
# An NHS number as the hub's pages show it (943 476 5919) or as digits; test numbers begin with 9.
_NHS_NUMBER = re.compile(r"\b(9\d{2}) ?(\d{3}) ?(\d{4})\b")
# Surnames common in the synthetic data (demo.synthetic.COMMON_SURNAMES) and the demo's flow.
COMMON_SURNAMES = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson"]


# --- test NHS numbers ------------------------------------------------------------------------


def nhs_check_digit(nine: str) -> int | None:
    """The modulus-11 check digit of nine digits, or None when there is none (remainder 10)."""
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def fresh_nhs_numbers(base: int):
    """Endless distinct valid NHS numbers beginning with 91 (9: never issued, test data).

    91 keeps them clear of the demo's (from 900 000 000) and generate_synthetic's (from 920 000
    000); the serial wraps round within the ten million numbers after 91.
    """
    for serial in itertools.count(base):
        nine = f"91{serial % 10**7:07d}"
        check = nhs_check_digit(nine)
        if check is not None and len(set(nine)) > 1:
            yield f"{nine}{check}"


NHS_NUMBERS = fresh_nhs_numbers(int(os.environ.get("BENCH_NHS_BASE") or time.time() % 10**7))


# --- warm-up, then a measured window ------------------------------------------------------------
#
# Signing in hashes the password (PBKDF2, on purpose slow): fifty sign-ins at once keep two
# cores busy for many seconds. The figures are taken once every user has signed in: the stats
# are reset then, and the run stops BENCH_DURATION seconds later. The sign-in figures of the
# warm-up are kept apart; referral submissions are counted over the whole run.

SUBMISSIONS = {"ok": 0, "failed": 0}
SIGN_INS = {"started": 0, "done": 0}
RUN = {"spawned": False, "warm_up_seconds": None, "measured_seconds": None, "sign_in": None}


@events.spawning_complete.add_listener
def _spawned(user_count, **kwargs) -> None:
    RUN["spawned"] = True


def _signed_in(environment, users: int) -> bool:
    """All ``users`` are running and every one that signs in (not the bare view's) has."""
    runner = environment.runner
    if runner.user_count < users:
        return False
    classes = {cls.__name__: cls for cls in runner.user_classes}
    signing = sum(
        n for name, n in runner.user_classes_count.items() if issubclass(classes[name], PortalUser)
    )
    return SIGN_INS["done"] >= signing and SIGN_INS["started"] == SIGN_INS["done"]


def ramp_steps() -> list[int]:
    """The users of each step of BENCH_RAMP ("50 100 200"), ascending; [] for no ramp."""
    text = os.environ.get("BENCH_RAMP", "").replace(",", " ")
    return sorted({int(n) for n in text.split() if int(n) > 0})


RAMP = {"target": 0, "steps": []}
SPAWN_RATE = float(os.environ.get("BENCH_SPAWN_RATE", "10"))
ON_START_SECONDS = 3


@events.test_start.add_listener
def _measure_after_warm_up(environment, **kwargs) -> None:
    if environment.runner is None or not os.environ.get("BENCH_DURATION"):
        return
    seconds = float(os.environ["BENCH_DURATION"].rstrip("s"))
    started = time.monotonic()

    def watch() -> None:
        while not (RUN["spawned"] and SIGN_INS["started"] == SIGN_INS["done"]):
            gevent.sleep(0.5)
        RUN["warm_up_seconds"] = round(time.monotonic() - started, 1)
        RUN["sign_in"] = _row(environment.stats.get("sign-in", "POST"))
        environment.stats.reset_all()
        gevent.sleep(seconds)
        RUN["measured_seconds"] = seconds
        environment.runner.quit()

    def ramp() -> None:
        for users in ramp_steps():
            RAMP["target"] = users
            step_started = time.monotonic()
            while not _signed_in(environment, users):
                gevent.sleep(0.5)
            gevent.sleep(ON_START_SECONDS)  # the new users' first pages (on_start)
            warm_up = round(time.monotonic() - step_started, 1)
            sign_in = _row(environment.stats.get("sign-in", "POST"))
            environment.stats.reset_all()
            gevent.sleep(seconds)
            step = figures(environment, users=users)
            step.update(measured_seconds=seconds, warm_up_seconds=warm_up, sign_in=sign_in)
            RAMP["steps"].append(step)
        environment.runner.quit()

    gevent.spawn(ramp if ramp_steps() else watch)


class RampShape(LoadTestShape):
    """The users of the current ramp step (BENCH_RAMP); the ramp's watcher moves the steps.
    Without BENCH_RAMP, locust's --users apply (abstract: not picked up)."""

    abstract = not ramp_steps()

    def tick(self):
        # Never None: the ramp's watcher ends the run (runner.quit), once, after the last step.
        return RAMP["target"] or ramp_steps()[0], SPAWN_RATE


# --- results -----------------------------------------------------------------------------------


def _row(entry) -> dict:
    return {
        "name": entry.name,
        "method": entry.method,
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "p50": entry.get_response_time_percentile(0.50),
        "p95": entry.get_response_time_percentile(0.95),
        "p99": entry.get_response_time_percentile(0.99),
        "rps": round(entry.total_rps, 2),
    }


def figures(environment, *, users: int | None = None) -> dict:
    """Per request name: count, failures, p50/p95/p99 (ms) and requests per second; with a
    ramp, one such entry per step under ``steps``."""
    entries = sorted(environment.stats.entries.values(), key=lambda e: e.name)
    total = environment.stats.total
    options = environment.parsed_options
    result = {
        "pages": [_row(entry) for entry in entries],
        "total": {"requests": total.num_requests, "failures": total.num_failures},
        "users": users or (options.num_users if options else None),
    }
    if users is not None:  # one step of a ramp
        return result
    result.update(
        submissions=dict(SUBMISSIONS),
        sign_ins=dict(SIGN_INS),
        warm_up_seconds=RUN["warm_up_seconds"],
        measured_seconds=RUN["measured_seconds"],
        sign_in_during_warm_up=RUN["sign_in"],
    )
    if RAMP["steps"]:
        result["steps"] = RAMP["steps"]
        result["total"] = {
            key: sum(step["total"][key] for step in RAMP["steps"])
            for key in ("requests", "failures")
        }
    return result


@events.quitting.add_listener
def _write_figures(environment, **kwargs) -> None:
    output = os.environ.get("BENCH_OUTPUT")
    if output:
        Path(output).write_text(json.dumps(figures(environment), indent=2))


# --- users -------------------------------------------------------------------------------------


class PortalUser(HttpUser):
    """A signed-in user of one role; subclasses give the e-mail address and the tasks."""

    abstract = True
    wait_time = WAIT
    email = ""

    def on_start(self) -> None:
        self.sign_in()

    def sign_in(self) -> None:
        SIGN_INS["started"] += 1
        try:
            self._sign_in()
        finally:
            SIGN_INS["done"] += 1

    def _sign_in(self) -> None:
        page = self.client.get("/accounts/login/", name="sign-in form")
        token = _csrf(page.text)
        with self.client.post(
            "/accounts/login/",
            data={"username": self.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
            allow_redirects=False,
            name="sign-in",
            catch_response=True,
        ) as response:
            if response.status_code == 302 and "/accounts/login/" not in response.headers.get(
                "Location", ""
            ):
                response.success()
            else:
                response.failure(f"sign-in refused for {self.email} ({response.status_code})")


class ReferrerUser(PortalUser):
    """A GP practice's referrer: fills in the referral form and checks the practice's list."""

    weight = 3
    email = "referrer@example.org"

    @task(3)
    def submit_referral(self) -> None:
        form = self.client.get("/referrals/new/", name="referral form")
        if form.status_code != 200:
            return
        token = _TOKEN.search(form.text)
        data = referral_data(_csrf(form.text), token.group(1) if token else "")
        with self.client.post(
            "/referrals/new/",
            data=data,
            allow_redirects=False,
            name="referral submit",
            catch_response=True,
        ) as response:
            if response.status_code == 302 and _SUBMITTED.search(
                response.headers.get("Location", "")
            ):
                SUBMISSIONS["ok"] += 1
                response.success()
                confirmation = response.headers["Location"]
            else:
                SUBMISSIONS["failed"] += 1
                response.failure(f"not accepted ({response.status_code})")
                return
        self.client.get(confirmation, name="referral confirmation")

    @task(2)
    def own_list(self) -> None:
        page = self.client.get("/referrals/", name="referrer list")
        ids = _OWN_REFERRAL.findall(page.text)
        if ids:
            self.client.get(f"/referrals/{random.choice(ids)}/", name="referrer detail")

    @task(1)
    def own_list_filtered(self) -> None:
        query = random.choice([f"pathway={random.choice(PATHWAYS)}", "status=submitted", "page=2"])
        self.client.get(f"/referrals/?{query}", name="referrer list (filter or page)")


class HubUser(PortalUser):
    """Single point of access staff: the worklist (default view, searches, My caseload), its
    pages and filters, the follow-ups due and referrals."""

    weight = 3
    email = "hub@example.org"
    referral_ids: list[str]
    district_ids: list[str]
    nhs_numbers: list[str]

    def on_start(self) -> None:
        super().on_start()
        page = self.client.get("/referrals/triage/", name="triage queue")
        self.referral_ids = _HUB_REFERRAL.findall(page.text)
        self.district_ids = _DISTRICT_OPTION.findall(page.text)
        self.nhs_numbers = []
        if self.referral_ids:  # the queue does not show NHS numbers; a referral's page does
            self.referral()

    @task(3)
    def queue(self) -> None:
        page = self.client.get("/referrals/triage/", name="triage queue")
        self.referral_ids = _HUB_REFERRAL.findall(page.text) or self.referral_ids

    @task(2)
    def search_nhs_number(self) -> None:
        if self.nhs_numbers:
            number = random.choice(self.nhs_numbers)
            self.client.get(f"/referrals/triage/?q={number}", name="search by NHS number")

    @task(2)
    def search_surname(self) -> None:
        surname = random.choice(COMMON_SURNAMES)
        self.client.get(f"/referrals/triage/?q={surname}", name="search by surname")

    @task(2)
    def my_caseload(self) -> None:
        self.client.get("/referrals/triage/?caseload=mine", name="my caseload")

    @task(1)
    def follow_ups(self) -> None:
        self.client.get("/referrals/hub/follow-ups/", name="follow-ups due")

    @task(1)
    def queue_page(self) -> None:
        self.client.get(
            f"/referrals/triage/?page={random.randint(2, 40)}", name="triage queue (page 2-40)"
        )

    @task(1)
    def queue_filtered(self) -> None:
        filters = [f"status={random.choice(OPEN_STATUSES)}", f"pathway={random.choice(PATHWAYS)}"]
        if self.district_ids:
            filters.append(f"district={random.choice(self.district_ids)}")
        filters.append(f"waiting_days={random.choice([5, 30])}")
        query = "&".join(random.sample(filters, k=random.randint(1, 2)))
        self.client.get(f"/referrals/triage/?{query}", name="triage queue (filtered)")

    @task(3)
    def referral(self) -> None:
        if self.referral_ids:
            pk = random.choice(self.referral_ids)
            page = self.client.get(f"/referrals/hub/{pk}/", name="hub referral detail")
            # NHS numbers of people in the queue, to search by (the last few seen).
            self.nhs_numbers = [*self.nhs_numbers, *nhs_numbers_in(page.text)][-20:]


def nhs_numbers_in(html: str) -> list[str]:
    """The (test) NHS numbers a page shows, as digits, that pass the modulus-11 check."""
    numbers = {"".join(parts) for parts in _NHS_NUMBER.findall(html)}
    return sorted(n for n in numbers if nhs_check_digit(n[:9]) == int(n[9]))


class ManagerUser(PortalUser):
    """A partnership manager: the funding dashboard, the impact dashboard and report."""

    weight = 2
    email = "manager@example.org"
    year = ""

    def on_start(self) -> None:
        super().on_start()
        response = self.client.get("/reports/", allow_redirects=False, name="impact index")
        found = re.search(r"/reports/(\d{4})/", response.headers.get("Location", ""))
        self.year = found.group(1) if found else ""

    @task(2)
    def funding_dashboard(self) -> None:
        self.client.get("/funding/", name="funding dashboard")

    @task(2)
    def impact_dashboard(self) -> None:
        if self.year:
            self.client.get(f"/reports/{self.year}/", name="impact dashboard")

    @task(1)
    def impact_report(self) -> None:
        if self.year:
            self.client.get(f"/reports/{self.year}/report/", name="impact report")


class PingUser(HttpUser):
    """The bare view (BENCHMARK_VIEWS=1): the framework's floor under the same load."""

    weight = 1
    wait_time = WAIT

    @task
    def ping(self) -> None:
        self.client.get("/bench/ping/", name="bare view (ping)")


def _csrf(html: str) -> str:
    found = _CSRF.search(html)
    return found.group(1) if found else ""


def referral_data(csrf: str, submission_token: str) -> dict[str, object]:
    """A valid referral on the general pathway with a fresh test NHS number."""
    born = f"{random.randint(1940, 2000)}-{random.randint(1, 12):02d}-{random.randint(1, 28):02d}"
    postcode = (
        f"{random.choice(OUTWARD_CODES)} {random.randint(1, 9)}"
        f"{random.choice(INWARD_LETTERS)}{random.choice(INWARD_LETTERS)}"
    )
    return {
        "csrfmiddlewaretoken": csrf,
        "submission_token": submission_token,
        "first_name": "Load",
        "last_name": f"Test {random.randint(1, 10**6)}",
        "date_of_birth": born,
        "nhs_number": next(NHS_NUMBERS),
        "postcode": postcode,
        "phone": f"07700 900{random.randint(0, 999):03d}",
        "email": "",
        "preferred_contact": "phone",
        "pathway": "general",
        "long_term_conditions": random.sample(["diabetes", "heart", "obesity", "stroke"], k=1),
        "has_disability": random.choice(["yes", "no", "unknown"]),
        "baseline_minutes": str(random.randint(0, 120)),
        "reason": "Load test: inactive, would like support to move more.",
        "consent": "on",
        **{f"red_flag_{code}": "no" for code in RED_FLAGS},
    }

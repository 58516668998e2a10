"""Synthetic Active NoW data at scale: ``manage.py generate_synthetic --referrals 1000000``.

For load tests and benchmarks, not for the demo. It writes, for the given financial years:

* the demo's referrer organisations (demo.referrals) and districts (demo.districts) if missing;
* a synthetic postcode look-up per district (LSOA codes ``E0198xxxx``, outside the real range
  and the demo's ``E0199xxxx``), with each district's deprivation profile from the demo;
* N referrals with references ``SYN-24-0000001`` (a programme prefix real referrals never use;
  its ReferenceSequence rows are kept up to date, so a second run continues the numbering);
* one StatusChange per referral (its current status only, not the whole history);
* for every referral waiting for the hub (submitted, triaged, contacted, matched) the day its
  next step is due (``next_step_due_on``, the rule of ``referrals.models.next_step_due`` in
  working days, England's bank holidays), and for about half of them a hub worker's caseload
  (``assigned_to``): HUB_WORKERS synthetic hub users ``hub-synthetic-N@example.org`` (created
  once, no usable password) and the demo's hub users when present, so the load test's hub user
  has a caseload;
* names drawn from common English surnames (Smith about 1 in 80) and a long tail, so a search
  by a common surname finds as many people as it would in a real county;
* the 6-week, 12-week, 6-month and 12-month follow-ups of every referral that became active,
  completed ones (always before ``as_of``) with minutes and sometimes life satisfaction;
* Active NoW allocations per district and year, about £60 a referral as in the demo.

The distributions (pathways, baseline levels, outcomes, transitions between levels, follow-up
returns) are the demo's (demo.referrals), drawn with numpy one batch at a time, so memory stays
bounded whatever N is. Rows are written with COPY on PostgreSQL and ``bulk_create`` elsewhere,
with explicit primary keys after the current maximum, in one transaction and without audit-log
entries. The same seed, N, years, ``as_of`` and batch size give the same rows. Each run appends:
nothing earlier is changed or deleted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import holidays
import numpy as np
import pandas as pd
from auditlog.context import disable_auditlog
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from activeportal.accounts import roles
from activeportal.accounts.models import User
from activeportal.lib.fy import FinancialYearError, fy_bounds, fy_parse
from demo import referrals as demo
from demo import synthetic_writers as writers
from demo.accounts import DEMO_USERS
from demo.districts import load_districts
from demo.funding import ACTIVE_NOW, STREAMS
from districts.models import District
from funding.models import Allocation, FundingStream
from referrals.models import (
    FOLLOW_UP_SCHEDULE,
    WAITING_STATUSES,
    ActivityLevel,
    FollowUp,
    LongTermCondition,
    Pathway,
    PostcodeLookup,
    ReferenceSequence,
    Referral,
    ReferrerOrganisation,
    Status,
    StatusChange,
)

PREFIX = "SYN"
REFERENCE_DIGITS = 7
LSOA_PREFIX = "E0198"
LSOAS_PER_DISTRICT = 40
POSTCODES_PER_LSOA = 15
BATCH_SIZE = 50_000
MAX_REFERRALS = 10_000_000
COST_PER_REFERRAL = Decimal(60)  # the demo: £450,000 for 7,542 referrals
UNKNOWN_POSTCODE_SHARE = 0.07
DISABILITY_SHARE = 0.3
FIRST_HOUR, LAST_HOUR = 8, 17  # referrals arrive in working hours, London time
WEEKEND_WEIGHT = 0.3
GROWTH = 0.5  # the last day of the span is 1.5 times as busy as the first
RECENT_DAYS = 21  # younger referrals not onto activity are still open
MATCHING_DAYS = 60  # younger referrals onto activity are matched or active
COMPLETED_AFTER_DAYS = 95
NOTE = "Synthetic referral (generated test data)."
HUB_WORKERS = 8
HUB_WORKER_EMAIL = "hub-synthetic-{n}@example.org"
ASSIGNED_SHARE = 0.5  # of the referrals waiting for the hub, on someone's caseload
# Common surnames with their rough share of people in England (Smith about 1.3%), then a long
# tail of made-up but plausible ones sharing the rest.
COMMON_SURNAMES = {
    "Smith": 1.26, "Jones": 0.75, "Williams": 0.55, "Taylor": 0.52, "Brown": 0.49,
    "Davies": 0.45, "Evans": 0.35, "Wilson": 0.33, "Thomas": 0.32, "Johnson": 0.30,
    "Roberts": 0.29, "Robinson": 0.26, "Thompson": 0.26, "Wright": 0.25, "Walker": 0.25,
    "White": 0.24, "Edwards": 0.23, "Hughes": 0.23, "Green": 0.22, "Hall": 0.22,
    "Lewis": 0.21, "Harris": 0.21, "Clarke": 0.21, "Patel": 0.20, "Jackson": 0.20,
    "Wood": 0.19, "Turner": 0.18, "Martin": 0.18, "Cooper": 0.18, "Hill": 0.18,
    "Ward": 0.17, "Morris": 0.17, "Moore": 0.17, "Clark": 0.17, "Lee": 0.16,
    "King": 0.16, "Baker": 0.16, "Harrison": 0.16, "Morgan": 0.15, "Allen": 0.15,
}  # fmt: skip
# fmt: off
_TAIL_STARTS = ["Ash", "Brook", "Fen", "Hol", "Mar", "Nor", "Ock", "Red", "Stan", "Thorn", "Wel",
                "Yar", "Bark", "Cros", "Dun", "Gil"]
_TAIL_ENDS = ["ford", "well", "ham", "ley", "ton", "wick", "by", "field", "more", "worth",
              "stead", "gate"]
FIRST_NAMES = [
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Grace", "Sophia", "Freya",
    "Margaret", "Susan", "Patricia", "Linda", "Jean", "Helen", "Sarah", "Karen", "Joan", "Ann",
    "Noah", "Oliver", "George", "Arthur", "Leo", "Harry", "Oscar", "Jack", "David", "John",
    "Peter", "Michael", "Robert", "Paul", "Stephen", "Mark", "Brian", "Keith", "Colin", "Ian",
]
# fmt: on
# What the person would like to do (Referral.preferences); often nothing is said.
PREFERENCES = np.array(
    [
        "",
        "",
        "",
        "Walking in a group; mornings only.",
        "Swimming, women-only sessions if possible.",
        "Something seated: cannot stand for long.",
        "Evenings or weekends (works days).",
        "Near a bus route; does not drive.",
    ],
    dtype=object,
)
LONDON = "Europe/London"

INA, FAI, ACT = ActivityLevel.INACTIVE, ActivityLevel.FAIRLY_ACTIVE, ActivityLevel.ACTIVE
LEVELS = [INA, FAI, ACT]  # indices 0, 1, 2; -1 is "not recorded"
STATUSES = list(Status)
PATHWAYS = [Pathway.GENERAL, Pathway.FALLS, Pathway.SMI]
TIMEPOINTS = list(FOLLOW_UP_SCHEDULE)
# Long-term conditions: none, or one or two of them (statistics only).
CONDITION_SETS = [[]] * 6 + [[c] for c in LongTermCondition] + [["diabetes", "hypertension"]]


class SyntheticError(ValueError):
    """A request the generator refuses, with a message a person can act on."""


@dataclass(frozen=True)
class Distributions:
    """The demo's published-figure shares, as probabilities."""

    pathways: np.ndarray
    baseline: np.ndarray  # inactive, fairly active, active, not recorded
    onto_activity: float
    follow_up_returned: float  # of those onto activity with a baseline
    transitions: np.ndarray  # 3x3: baseline level -> latest follow-up level

    @classmethod
    def from_demo(cls) -> Distributions:
        year, total = 2024, sum(demo.REFERRALS_PER_YEAR.values())
        falls = demo.FALLS_PER_YEAR[year] / demo.REFERRALS_PER_YEAR[year]
        smi = demo.SMI_PER_YEAR[year] / demo.REFERRALS_PER_YEAR[year]
        known = [demo.BASELINE_LEVELS[level] / total for level in LEVELS]
        with_follow_up = sum(demo.TRANSITIONS.values())
        matrix = np.array([[demo.TRANSITIONS[(b, a)] for a in LEVELS] for b in LEVELS], dtype=float)
        return cls(
            pathways=np.array([1 - falls - smi, falls, smi]),
            baseline=np.array([*known, 1 - sum(known)]),
            onto_activity=demo.REFERRED_ONTO_ACTIVITY / total,
            follow_up_returned=with_follow_up
            / (with_follow_up + sum(demo.BASELINE_ONTO_NO_FOLLOW_UP.values())),
            transitions=matrix / matrix.sum(axis=1, keepdims=True),
        )


@dataclass
class SyntheticResult:
    referrals: int = 0
    status_changes: int = 0
    follow_ups: int = 0
    follow_ups_completed: int = 0
    postcodes_created: int = 0
    allocations: int = 0
    first_reference: str = ""
    last_reference: str = ""
    by_year: dict[int, int] = field(default_factory=dict)


Progress = Callable[[int, int], None]


def parse_years(text: str) -> tuple[int, int]:
    """``"2023-24:2026-27"`` -> ``(2023, 2026)``; one year (``"2024-25"``) is allowed too."""
    parts = str(text).split(":")
    if len(parts) > 2:
        raise SyntheticError(f"'{text}' is not a range of financial years such as 2023-24:2026-27")
    try:
        first, last = fy_parse(parts[0]), fy_parse(parts[-1])
    except FinancialYearError as error:
        raise SyntheticError(f"{error} (give a range such as 2023-24:2026-27)") from error
    if first > last:
        raise SyntheticError(f"'{text}': the first year comes after the last")
    if first < 2000 or last > 2099:
        raise SyntheticError(f"'{text}': financial years from 2000-01 to 2099-00 only")
    return first, last


def synthetic_generate(
    *,
    referrals: int,
    seed: int,
    first_year: int,
    last_year: int,
    as_of: date | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> SyntheticResult:
    """Write ``referrals`` synthetic referrals and what goes with them; see the module docstring.

    ``as_of`` (default: today) is the day the data describes: statuses and completed follow-ups
    are as they would be then; referrals are submitted up to that day, never after it.
    """
    if not 1 <= referrals <= MAX_REFERRALS:
        raise SyntheticError(f"--referrals must be from 1 to {MAX_REFERRALS:,}; got {referrals:,}")
    if batch_size < 1:
        raise SyntheticError(f"the batch size must be at least 1; got {batch_size}")
    if first_year > last_year:
        raise SyntheticError("the first financial year comes after the last")
    as_of = as_of or timezone.localdate()
    postgres = connection.vendor == "postgresql"
    with disable_auditlog(), transaction.atomic():
        if postgres:
            writers.lock_tables()
        world = _World.load(seed=seed, as_of=as_of, first_year=first_year, last_year=last_year)
        result = SyntheticResult(postcodes_created=world.postcodes_created)
        writer = writers.PostgresWriter() if postgres else writers.OrmWriter()
        counts = np.zeros((len(world.district_ids), last_year - first_year + 1), dtype=np.int64)
        try:
            for start in range(0, referrals, batch_size):
                stop = min(start + batch_size, referrals)
                batch = world.batch(start, stop, total=referrals)
                writer.write(batch)
                np.add.at(counts, (batch.district_index, batch.fy - first_year), 1)
                result.status_changes += len(batch.referrals)
                result.follow_ups += len(batch.follow_ups)
                result.follow_ups_completed += int(batch.follow_ups["completed_on"].notna().sum())
                if not result.first_reference:
                    result.first_reference = batch.referrals["reference"].iloc[0]
                result.last_reference = batch.referrals["reference"].iloc[-1]
                if progress:
                    progress(stop, referrals)
        finally:
            writer.close()
        result.referrals = referrals
        world.save_sequences()
        result.by_year = {first_year + i: int(n) for i, n in enumerate(counts.sum(axis=0)) if n}
        result.allocations = _allocate(world, counts)
        if postgres:
            writers.reset_sequences()
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(writers.TABLES)}")
    return result


# ---------------------------------------------------------------------------------------------
# What the referrals refer to: districts, organisations, postcodes, ids and references.


@dataclass
class _Batch:
    referrals: pd.DataFrame
    status_changes: pd.DataFrame
    follow_ups: pd.DataFrame
    district_index: np.ndarray
    fy: np.ndarray


@dataclass
class _World:
    seed: int
    as_of: date
    first_year: int
    last_year: int
    rng: np.random.Generator
    dist: Distributions
    district_ids: np.ndarray
    outwards: list[list[str]]
    org_ids: np.ndarray
    org_weights: np.ndarray
    org_district: np.ndarray  # index into district_ids, -1 for none
    org_self: np.ndarray
    postcodes: np.ndarray  # postcode, sorted by district
    postcode_lsoa: np.ndarray
    postcode_decile: np.ndarray
    postcode_start: np.ndarray  # first postcode of each district
    postcode_count: np.ndarray
    postcodes_created: int
    first_day: np.datetime64
    day_weights: np.ndarray
    day_cum: np.ndarray | None  # referrals up to and including each day, once planned
    day_fy: np.ndarray
    fy_first: dict[int, int]  # the run's index of each year's first referral
    sequences: dict[int, int]  # last number used before this run, per year
    next_ids: dict[str, int]
    now: pd.Timestamp
    hub_ids: np.ndarray  # whose caseloads the waiting referrals are spread over
    holidays: np.ndarray  # England's bank holidays (datetime64[D]) over the span
    names_rng: np.random.Generator  # names and caseloads: apart, so nothing else moves

    @classmethod
    def load(cls, *, seed: int, as_of: date, first_year: int, last_year: int) -> _World:
        districts = {d.name: d for d in District.objects.filter(is_active=True).order_by("name")}
        if not districts:
            districts = load_districts()
        organisations = list(demo.load_referrer_organisations(districts).values())
        district_list = list(districts.values())
        index = {d.pk: i for i, d in enumerate(district_list)}
        rng = np.random.default_rng(seed)
        created = _ensure_postcodes(district_list, seed)
        rows = (
            PostcodeLookup.objects.filter(lsoa_code__startswith=LSOA_PREFIX)
            .order_by("postcode")
            .values_list("postcode", "lsoa_code", "imd_decile", "district_ons_code")
        )
        by_ons = {d.ons_code: i for i, d in enumerate(district_list)}
        table = sorted(
            (by_ons[ons], p, lsoa, decile) for p, lsoa, decile, ons in rows if ons in by_ons
        )
        owners = np.array([t[0] for t in table], dtype=np.int64)
        counts = np.bincount(owners, minlength=len(district_list))
        if (counts == 0).any():
            raise SyntheticError("a district has no synthetic postcodes")

        # Referrals are submitted up to as_of, never after: a year still running is partial.
        first_day = fy_bounds(first_year)[0]
        last_day = min(fy_bounds(last_year)[1], as_of)
        if last_day < first_day:
            raise SyntheticError(
                f"the first financial year starts after {as_of:%d %b %Y}, "
                "the day the data describes"
            )
        days = np.arange(np.datetime64(first_day), np.datetime64(last_day) + 1)
        weekday = (days.astype(np.int64) + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
        weights = np.where(weekday >= 5, WEEKEND_WEIGHT, 1.0)
        weights *= 1 + GROWTH * np.linspace(0, 1, len(days))
        day_fy = _fy_of(days)
        sequences = {
            s.financial_year: s.last_number
            for s in ReferenceSequence.objects.select_for_update().filter(prefix=PREFIX)
        }
        next_ids = {
            name: (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1
            for name, model in (
                ("referral", Referral),
                ("status_change", StatusChange),
                ("follow_up", FollowUp),
            )
        }
        return cls(
            seed=seed,
            as_of=as_of,
            first_year=first_year,
            last_year=last_year,
            rng=rng,
            dist=Distributions.from_demo(),
            district_ids=np.array([d.pk for d in district_list], dtype=np.int64),
            outwards=[_outward_codes(d, i) for i, d in enumerate(district_list)],
            org_ids=np.array([o.pk for o in organisations], dtype=np.int64),
            org_weights=_normalised(rng.lognormal(0, 1, len(organisations))),
            org_district=np.array(
                [index.get(o.district_id, -1) for o in organisations], dtype=np.int64
            ),
            org_self=np.array(
                [o.type == ReferrerOrganisation.Type.SELF_REFERRAL for o in organisations]
            ),
            postcodes=np.array([t[1] for t in table], dtype=object),
            postcode_lsoa=np.array([t[2] for t in table], dtype=object),
            postcode_decile=np.array([t[3] for t in table], dtype=np.int64),
            postcode_start=np.concatenate([[0], np.cumsum(counts)[:-1]]),
            postcode_count=counts,
            postcodes_created=created,
            first_day=days[0],
            day_weights=_normalised(weights),
            day_cum=None,
            day_fy=day_fy,
            fy_first={},
            sequences=sequences,
            next_ids=next_ids,
            now=pd.Timestamp(timezone.now()).floor("s"),
            hub_ids=_ensure_hub_workers(),
            holidays=_bank_holidays(first_day, last_day),
            names_rng=np.random.default_rng([seed, 2]),
        )

    def batch(self, start: int, stop: int, *, total: int) -> _Batch:
        if self.day_cum is None:
            self.day_cum = np.cumsum(self.rng.multinomial(total, self.day_weights))
            for year in range(self.first_year, self.last_year + 1):
                first_day = int(np.argmax(self.day_fy == year))
                self.fy_first[year] = int(self.day_cum[first_day - 1]) if first_day else 0
        return _make_batch(self, start, stop)

    def save_sequences(self) -> None:
        last = {}
        for year in range(self.first_year, self.last_year + 1):
            in_year = int(self.day_cum[self.day_fy == year][-1]) - self.fy_first[year]
            if in_year:
                last[year] = self.sequences.get(year, 0) + in_year
        for year, number in last.items():
            ReferenceSequence.objects.update_or_create(
                prefix=PREFIX, financial_year=year, defaults={"last_number": number}
            )


def _ensure_hub_workers() -> np.ndarray:
    """The synthetic hub users (created once) and the demo's hub users present, by id."""
    group = Group.objects.get(name=roles.HUB)
    for n in range(1, HUB_WORKERS + 1):
        user, created = User.objects.get_or_create(
            email=HUB_WORKER_EMAIL.format(n=n),
            defaults={"first_name": "Synthetic", "last_name": f"Hub worker {n}"},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.groups.add(group)
    emails = [HUB_WORKER_EMAIL.format(n=n) for n in range(1, HUB_WORKERS + 1)]
    emails += [email for email, role, _ in DEMO_USERS if role == roles.HUB]
    ids = User.objects.filter(email__in=emails).order_by("pk").values_list("pk", flat=True)
    return np.array(list(ids), dtype=np.int64)


def _bank_holidays(first: date, last: date) -> np.ndarray:
    """England's bank holidays from ``first`` to a year after ``last`` (targets run on)."""
    years = range(first.year, last.year + 2)
    days = holidays.country_holidays("GB", subdiv="ENG", years=years)
    return np.array(sorted(days), dtype="datetime64[D]")


def _normalised(weights: np.ndarray) -> np.ndarray:
    return weights / weights.sum()


def _fy_of(days: np.ndarray) -> np.ndarray:
    """Financial year (start year) of each day (datetime64[D])."""
    months = days.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    years, month = 1970 + months // 12, months % 12 + 1
    return np.where(month >= 4, years, years - 1)


def _outward_codes(district: District, index: int) -> list[str]:
    if district.name in demo.DISTRICT_AREAS:
        return demo.DISTRICT_AREAS[district.name][0]
    return [f"ZZ{index % 10}{letter}" for letter in "ABDEFGHJ"[: 1 + index // 10 % 8]]


def _ensure_postcodes(districts: list[District], seed: int) -> int:
    """Give each district its synthetic postcodes (once); return how many were created.

    Each district gets LSOAS_PER_DISTRICT LSOAs with deciles drawn from its demo profile (any
    decile for a district the demo does not know) and POSTCODES_PER_LSOA postcodes each; a
    postcode already in the look-up is never touched.
    """
    have = set(
        PostcodeLookup.objects.filter(lsoa_code__startswith=LSOA_PREFIX)
        .values_list("district_ons_code", flat=True)
        .distinct()
    )
    letters = demo.INWARD_LETTERS
    # A generator of its own, so the referrals are the same whether or not this writes.
    local = np.random.default_rng([seed, 1])
    taken = set(PostcodeLookup.objects.values_list("postcode", flat=True))
    rows = []
    for i, district in enumerate(districts):
        if district.ons_code in have:
            continue
        outwards = _outward_codes(district, i)
        profile = demo.DISTRICT_AREAS.get(district.name, (None, list(range(1, 11))))[1]
        for n in range(LSOAS_PER_DISTRICT):
            lsoa = f"{LSOA_PREFIX}{(district.pk % 100) * 100 + n:04d}"
            decile = int(local.choice(profile))
            made = 0
            while made < POSTCODES_PER_LSOA:
                outward = outwards[int(local.integers(len(outwards)))]
                inward = f"{local.integers(1, 10)}{local.choice(list(letters))}" + str(
                    local.choice(list(letters))
                )
                postcode = f"{outward} {inward}"
                if postcode in taken:
                    continue
                taken.add(postcode)
                rows.append(
                    PostcodeLookup(
                        postcode=postcode,
                        lsoa_code=lsoa,
                        imd_decile=decile,
                        district_ons_code=district.ons_code,
                    )
                )
                made += 1
    PostcodeLookup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# ---------------------------------------------------------------------------------------------
# One batch of referrals, their status change and their follow-ups, drawn with numpy.

_STATUS_STEPS = {str(s): len(path) - 1 for s, path in demo.STATUS_PATHS.items()}
_FROM_STATUS = {
    str(s): (str(path[-2]) if len(path) > 1 else "") for s, path in demo.STATUS_PATHS.items()
}
_NOTES = {str(s): demo.STATUS_NOTES.get(s, "") for s in STATUSES}
_CONDITIONS_JSON = np.array([json.dumps([str(c) for c in cs]) for cs in CONDITION_SETS], object)
_LETTERS = np.array(list(demo.INWARD_LETTERS), dtype=object)


def _make_batch(w: _World, start: int, stop: int) -> _Batch:
    rng, dist, n = w.rng, w.dist, stop - start
    g = np.arange(start, stop, dtype=np.int64)

    # When: days in proportion to the day weights, working hours, in order within the batch.
    day_index = np.searchsorted(w.day_cum, g, side="right")
    minute = _sorted_within(day_index, rng.integers(FIRST_HOUR * 60, (LAST_HOUR + 1) * 60, n))
    days = w.first_day + day_index
    fy = w.day_fy[day_index]
    local = pd.DatetimeIndex(days.astype("datetime64[m]") + minute.astype("timedelta64[m]"))
    submitted = pd.Series(local.tz_localize(LONDON).tz_convert("UTC"))
    age = (np.datetime64(w.as_of) - days).astype(np.int64)

    # Who refers, from where, and how deprived the area is.
    pathway = rng.choice(len(PATHWAYS), n, p=dist.pathways)
    org = rng.choice(len(w.org_ids), n, p=w.org_weights)
    district = w.org_district[org]
    district = np.where(district < 0, rng.integers(len(w.district_ids), size=n), district)
    pick = w.postcode_start[district] + (rng.random(n) * w.postcode_count[district]).astype(
        np.int64
    )
    unknown = rng.random(n) < UNKNOWN_POSTCODE_SHARE
    first_outward = np.array([o[0] for o in w.outwards], dtype=object)[district]
    made_up = (
        first_outward
        + " 0"
        + _LETTERS[rng.integers(len(_LETTERS), size=n)]
        + _LETTERS[rng.integers(len(_LETTERS), size=n)]
    )
    postcode = np.where(unknown, made_up, w.postcodes[pick])
    lsoa = np.where(unknown, "", w.postcode_lsoa[pick])
    decile = pd.array(w.postcode_decile[pick], dtype="Int64")
    decile[unknown] = pd.NA

    # Baseline, outcome and the level at the latest follow-up (the demo's shares).
    baseline = rng.choice(4, n, p=dist.baseline)
    baseline = np.where(baseline == 3, -1, baseline)
    onto = rng.random(n) < dist.onto_activity
    returned = onto & (baseline >= 0) & (rng.random(n) < dist.follow_up_returned)
    cumulative = dist.transitions.cumsum(axis=1)[np.clip(baseline, 0, 2)]
    after = np.minimum((rng.random(n)[:, None] >= cumulative).sum(axis=1), 2)

    S = Status
    early = np.array([S.SUBMITTED, S.TRIAGED, S.CONTACTED], dtype=object)
    exits = np.array(demo.EXIT_STATUSES, dtype=object)
    exit_p = _normalised(np.array(demo.EXIT_WEIGHTS, dtype=float))
    matching = np.array([S.MATCHED, S.ACTIVE], dtype=object)
    not_onto_status = np.where(
        age < RECENT_DAYS, early[rng.integers(3, size=n)], exits[rng.choice(4, n, p=exit_p)]
    )
    onto_status = np.where(
        age < MATCHING_DAYS,
        matching[rng.integers(2, size=n)],
        np.where(returned & (age < COMPLETED_AFTER_DAYS), S.ACTIVE, S.COMPLETED),
    )
    status = np.where(age <= 0, S.SUBMITTED, np.where(onto, onto_status, not_onto_status))
    status = pd.Series(status, dtype=object).map(str)
    became_active = status.isin([S.ACTIVE, S.COMPLETED]).to_numpy()

    # When the current status was reached: the demo's gaps between steps, never after as_of.
    steps = status.map(_STATUS_STEPS).to_numpy()
    gap_days = rng.integers(1, 6, (n, 5))
    gap_days[:, 4] = np.where(status == S.COMPLETED, rng.integers(12, 41, n), gap_days[:, 4])
    gap_hours = gap_days * 24 + rng.integers(0, 7, (n, 5))
    hours = (gap_hours * (np.arange(5) < steps[:, None])).sum(axis=1)
    as_of_start = pd.Timestamp(w.as_of).tz_localize(LONDON).tz_convert("UTC")
    changed = submitted + pd.to_timedelta(hours, unit="h")
    changed = changed.where((changed < as_of_start) | (hours == 0), as_of_start)
    changed = changed.where(changed >= submitted, submitted)

    ids = w.next_ids["referral"] + g
    numbers = (
        g
        + np.array(
            [
                w.sequences.get(y, 0) - w.fy_first[y] + 1
                for y in range(w.first_year, w.last_year + 1)
            ]
        )[fy - w.first_year]
    )
    low, high = _age_bounds(pathway)
    born = days - rng.integers(low * 365 + 30, high * 365 + 1)
    minutes = _minutes_for(rng, baseline)
    conditions = _CONDITIONS_JSON[rng.integers(len(_CONDITIONS_JSON), size=n)]
    disability = rng.random(n) < DISABILITY_SHARE
    first_names, last_names = _names(w.names_rng, n)
    assigned = _caseloads(w, status.isin([str(s) for s in WAITING_STATUSES]).to_numpy())

    referrals = pd.DataFrame(
        {
            "id": ids,
            "reference": PREFIX
            + "-"
            + pd.Series(fy % 100).astype(str).str.zfill(2)
            + "-"
            + pd.Series(numbers).astype(str).str.zfill(REFERENCE_DIGITS),
            "pathway": np.array([str(p) for p in PATHWAYS], dtype=object)[pathway],
            "source": np.where(
                w.org_self[org], Referral.Source.SELF.value, Referral.Source.FORM.value
            ),
            "organisation_id": w.org_ids[org],
            "submitted_at": submitted,
            "financial_year": fy,
            "first_name": first_names,
            "last_name": last_names,
            "date_of_birth": born,
            "nhs_number": _nhs_numbers(ids),
            "postcode": postcode,
            "phone": "07700 900" + pd.Series(ids % 1000).astype(str).str.zfill(3),
            "email": "",
            "preferred_contact": Referral.PreferredContact.PHONE.value,
            "reason": NOTE,
            "preferences": PREFERENCES[w.names_rng.integers(len(PREFERENCES), size=n)],
            "pathway_answers": "{}",
            "long_term_conditions": conditions,
            "has_disability": disability,
            "baseline_minutes": minutes,
            "consent": True,
            "district_id": w.district_ids[district],
            "lsoa_code": lsoa,
            "imd_decile": decile,
            "postcode_not_found": unknown,
            "status": status,
            "status_changed_at": changed,
            "next_step_due_on": _next_step_due_on(w, status, submitted, changed),
            "assigned_to_id": assigned,
            "version": 1,
            "created_at": w.now,
            "updated_at": w.now,
        }
    )
    status_changes = pd.DataFrame(
        {
            "id": w.next_ids["status_change"] + g,
            "referral_id": ids,
            "from_status": status.map(_FROM_STATUS),
            "to_status": status,
            "changed_at": changed,
            "note": status.map(_NOTES),
        }
    )
    follow_ups = _follow_ups(
        w,
        ids[became_active],
        days[became_active],
        returned[became_active],
        baseline[became_active],
        after[became_active],
        still_active=(status == S.ACTIVE).to_numpy()[became_active],
    )
    return _Batch(referrals, status_changes, follow_ups, district, fy)


def _local_days(moments: pd.Series) -> np.ndarray:
    return moments.dt.tz_convert(LONDON).dt.tz_localize(None).to_numpy().astype("datetime64[D]")


def _next_step_due_on(w: _World, status: pd.Series, submitted, changed) -> pd.Series:
    """referrals.models.next_step_due, vectorised: first contact counts from submission, a
    match from the contact, the start from the match, in working days (England); NaT when
    nothing is waiting."""
    S = Status
    since = np.where(
        status.isin([S.SUBMITTED, S.TRIAGED]).to_numpy(),
        _local_days(submitted),
        _local_days(changed),
    )
    days = status.map(
        {
            S.SUBMITTED: settings.HUB_TARGET_CONTACT_DAYS,
            S.TRIAGED: settings.HUB_TARGET_CONTACT_DAYS,
            S.CONTACTED: settings.HUB_TARGET_MATCH_DAYS,
            S.MATCHED: settings.HUB_TARGET_START_DAYS,
        }
    )
    waiting = days.notna().to_numpy()
    # Rolling back first: add_working_days does not count the start day, whatever day it is.
    due = np.busday_offset(
        since.astype("datetime64[D]"),
        days.fillna(0).to_numpy(dtype=np.int64),
        roll="backward",
        holidays=w.holidays,
    )
    return pd.Series(np.where(waiting, due, np.datetime64("NaT")))


def _caseloads(w: _World, waiting: np.ndarray) -> pd.arrays.IntegerArray:
    """About ASSIGNED_SHARE of the waiting referrals on a hub worker's caseload, evenly."""
    n = len(waiting)
    assigned = w.names_rng.random(n) < ASSIGNED_SHARE
    worker = w.names_rng.integers(len(w.hub_ids), size=n)
    values = pd.array(w.hub_ids[worker], dtype="Int64")
    values[~(waiting & assigned)] = pd.NA
    return values


def _names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """First names and surnames: common surnames at their share, the rest from the tail."""
    tail = [a + b for a in _TAIL_STARTS for b in _TAIL_ENDS]
    names = np.array([*COMMON_SURNAMES, *tail], dtype=object)
    common = np.array(list(COMMON_SURNAMES.values())) / 100
    weights = np.concatenate([common, np.full(len(tail), (1 - common.sum()) / len(tail))])
    last = names[rng.choice(len(names), n, p=weights / weights.sum())]
    first = np.array(FIRST_NAMES, dtype=object)[rng.integers(len(FIRST_NAMES), size=n)]
    return first, last


def _sorted_within(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` reordered so they ascend within each run of equal (sorted) ``groups``."""
    return values[np.lexsort((values, groups))]


def _age_bounds(pathway: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ranges = [demo.AGE_RANGES.get(p, demo.DEFAULT_AGE_RANGE) for p in PATHWAYS]
    low = np.array([r[0] for r in ranges])[pathway]
    high = np.array([r[1] for r in ranges])[pathway]
    return low, high


def _minutes_for(rng: np.random.Generator, level: np.ndarray) -> pd.arrays.IntegerArray:
    """Minutes a week for each level index (-1: not recorded), as the demo draws them."""
    n = len(level)
    inactive = np.array(demo.INACTIVE_MINUTES)[rng.integers(len(demo.INACTIVE_MINUTES), size=n)]
    fairly = _from_range(rng, demo.FAIRLY_ACTIVE_MINUTES, n)
    active = _from_range(rng, demo.ACTIVE_MINUTES, n)
    minutes = np.select([level == 0, level == 1, level == 2], [inactive, fairly, active], -1)
    values = pd.array(minutes, dtype="Int64")
    values[minutes < 0] = pd.NA
    return values


def _from_range(rng: np.random.Generator, spec: tuple[int, int, int], n: int) -> np.ndarray:
    start, stop, step = spec
    return start + step * rng.integers(len(range(start, stop, step)), size=n)


def _nhs_numbers(ids: np.ndarray) -> np.ndarray:
    """Test NHS numbers (beginning with 9, never issued) with a valid modulus-11 check digit.

    Ten numbers apart per id, from 920 000 000 0: clear of the demo's (from 900 000 000 0).
    """
    base = 920_000_000 + (ids % 7_999_999) * 10
    check = _check_digit(base)
    base = np.where(check == 10, base + 1, base)  # +1 changes the check digit: never 10 again
    check = _check_digit(base)
    return (pd.Series(base).astype(str) + pd.Series(check).astype(str)).to_numpy(dtype=object)


def _check_digit(nine: np.ndarray) -> np.ndarray:
    total = sum((nine // 10 ** (8 - i) % 10) * (10 - i) for i in range(9))
    check = 11 - total % 11
    return np.where(check == 11, 0, check)


def _due_dates(days: np.ndarray) -> np.ndarray:
    """Each follow-up's due day (a column per timepoint) by the portal's one schedule."""
    starts = pd.DatetimeIndex(days)
    columns = []
    for timepoint in TIMEPOINTS:
        after = FOLLOW_UP_SCHEDULE[timepoint]
        offset = pd.DateOffset(years=after.years, months=after.months, days=after.days)
        columns.append((starts + offset).to_numpy().astype("datetime64[D]"))
    return np.stack(columns, axis=1) if columns else np.empty((len(days), 0), "datetime64[D]")


def _follow_ups(w, referral_ids, days, returned, baseline, after, still_active) -> pd.DataFrame:
    """The four scheduled follow-ups of each referral that became active.

    Those who returned any get, like the demo, a latest one with the level of their transition
    (weights LAST_FOLLOW_UP_WEIGHTS among the timepoints completed before as_of) and some
    earlier ones; every other follow-up is open (not done), and awaited only while the referral
    is still active (as referrals.moves leaves them).
    """
    rng, m = w.rng, len(referral_ids)
    due = _due_dates(days)
    late = demo.FOLLOW_UP_LATE_DAYS
    feasible = (due + np.timedelta64(late, "D")) < np.datetime64(w.as_of)
    count = feasible.sum(axis=1)
    returned = returned & (count > 0)
    j = np.arange(len(TIMEPOINTS))[None, :]
    weights = np.array(demo.LAST_FOLLOW_UP_WEIGHTS, dtype=float)[None, :] * (j < count[:, None])
    cumulative = weights.cumsum(axis=1)
    u = rng.random(m) * cumulative[:, -1]
    last = (u[:, None] >= cumulative).sum(axis=1)[:, None]
    done = returned[:, None] & (
        (j == last) | ((j < last) & (rng.random(due.shape) >= demo.FOLLOW_UP_SKIPPED))
    )
    completed = due + rng.integers(0, late + 1, due.shape).astype("timedelta64[D]")
    level = np.where(
        j == last,
        after[:, None],
        np.where(rng.random(due.shape) < 0.5, baseline[:, None], after[:, None]),
    )
    level = np.where(done, level, -1).ravel()
    minutes = _minutes_for(rng, level)
    satisfaction = np.array([-1 if s is None else s for s in demo.LIFE_SATISFACTION])[
        rng.integers(len(demo.LIFE_SATISFACTION), size=level.size)
    ]
    satisfaction = pd.array(satisfaction, dtype="Int64")
    satisfaction[(level < 0) | (satisfaction.to_numpy(dtype=np.int64, na_value=-1) < 0)] = pd.NA
    done = done.ravel()
    ids = w.next_ids["follow_up"] + np.arange(level.size, dtype=np.int64)
    w.next_ids["follow_up"] += level.size
    return pd.DataFrame(
        {
            "id": ids,
            "referral_id": np.repeat(referral_ids, len(TIMEPOINTS)),
            "timepoint": np.tile(np.array([str(t) for t in TIMEPOINTS], dtype=object), m),
            "due_on": pd.Series(due.ravel()),
            "completed_on": pd.Series(np.where(done, completed.ravel(), np.datetime64("NaT"))),
            "minutes": minutes,
            "life_satisfaction": satisfaction,
            "awaited": done | np.repeat(still_active, len(TIMEPOINTS)),
        }
    )


# ---------------------------------------------------------------------------------------------
# Writing: COPY on PostgreSQL, bulk_create elsewhere.


def _allocate(w: _World, counts: np.ndarray) -> int:
    """Active NoW money per district and year with referrals: about £60 a referral."""
    stream = FundingStream.objects.filter(name=ACTIVE_NOW).first()
    if stream is None:
        _, funder, description = next(s for s in STREAMS if s[0] == ACTIVE_NOW)
        stream = FundingStream.objects.create(
            name=ACTIVE_NOW, funder=funder, description=description
        )
    names = dict(District.objects.filter(pk__in=w.district_ids).values_list("pk", "name"))
    current = _fy_of(np.array([np.datetime64(w.as_of)]))[0]
    rows = []
    for d, district_id in enumerate(w.district_ids):
        for y, count in enumerate(counts[d]):
            if not count:
                continue
            year = w.first_year + y
            amount = max(Decimal(100), (count * COST_PER_REFERRAL / 100).quantize(Decimal(1)) * 100)
            rows.append(
                Allocation(
                    stream=stream,
                    district_id=int(district_id),
                    financial_year=year,
                    amount=amount,
                    purpose=f"{ACTIVE_NOW} in {names[int(district_id)]} (synthetic)",
                    status=Allocation.Status.PAID if year < current else Allocation.Status.AWARDED,
                    award_date=date(year, 4, 15),
                )
            )
    Allocation.objects.bulk_create(rows)
    return len(rows)

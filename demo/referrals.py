"""Demo data for Active NoW: 202 referrer organisations, a synthetic Norfolk-style postcode table
and a referral history from the launch (January 2023) to March 2025 that reproduces the
partnership's published figures (../shared/data/norfolk-2024-25.md).

Everything here is synthetic: organisation names are fictional, postcodes and LSOA codes are
made up in the Norfolk style, people are "Demo Person 00001" with test NHS numbers (beginning
with 9, never issued) and drama-range phone numbers. A fixed random seed makes every run the same.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from activeportal.lib.fy import fy_of
from districts.models import District
from referrals.models import (
    FOLLOW_UP_SCHEDULE,
    ONTO_ACTIVITY_STATUSES,
    WAITING_STATUSES,
    ActivityLevel,
    FollowUp,
    Pathway,
    PostcodeLookup,
    ReferenceSequence,
    Referral,
    ReferrerOrganisation,
    Status,
    StatusChange,
)

DEMO_PRACTICE = "Demo Medical Practice (Norwich)"
SEED = 20250331
LONDON = ZoneInfo("Europe/London")
BATCH = 1000

# ---------------------------------------------------------------------------------------------
# The published figures the history reproduces.

LAUNCH = date(2023, 1, 1)
FALLS_FROM = date(2023, 10, 1)
SMI_FROM = date(2024, 1, 1)
END = date(2025, 3, 31)  # programme to date ends here; every follow-up is completed by then

# Referrals per financial year (start year): launch quarter, 2023-24, 2024-25.
REFERRALS_PER_YEAR = {2022: 310, 2023: 2538, 2024: 4694}  # 7,542 in all
FALLS_PER_YEAR = {2022: 0, 2023: 214, 2024: 607}
SMI_PER_YEAR = {2022: 0, 2023: 48, 2024: 322}
ORGANISATIONS = 202
DEPRIVED_SHARE_2024 = 0.44  # of 2024-25 referrals with a known IMD decile, deciles 1-4
UNKNOWN_DECILE_2024 = 281  # 2024-25 postcodes not in the look-up (the hub set the district)
REFERRED_ONTO_ACTIVITY = 4838

INA, FAI, ACT = ActivityLevel.INACTIVE, ActivityLevel.FAIRLY_ACTIVE, ActivityLevel.ACTIVE
# Programme-to-date transitions: baseline level -> level at the latest completed follow-up.
TRANSITIONS = {
    (INA, ACT): 741,
    (INA, FAI): 756,
    (INA, INA): 210,
    (FAI, ACT): 1333,
    (FAI, FAI): 135,
    (FAI, INA): 52,
    (ACT, ACT): 147,
    (ACT, FAI): 5,
    (ACT, INA): 0,
}
BASELINE_LEVELS = {INA: 2482, FAI: 2172, ACT: 217}  # the rest have no baseline recorded
# Baselines of referrals without a completed follow-up, split between those referred onto
# activity (the follow-up was not returned) and those who were not.
BASELINE_ONTO_NO_FOLLOW_UP = {INA: 300, FAI: 260, ACT: 30}

# ---------------------------------------------------------------------------------------------
# Organisations.

_GP_PLACES = [
    "Oakfield",
    "Riverside",
    "Meadowbank",
    "Willowbrook",
    "Elmstead",
    "Ashcroft",
    "Beechwood",
    "Brookside",
    "Hollybank",
    "Larkfield",
    "Marshgate",
    "Millbrook",
    "Northgate",
    "Orchard Lane",
    "Parkside",
    "Quayside",
    "Reedham Road",
    "Saltings",
    "Thornbury",
    "Upton Green",
    "Vicarage Lane",
    "Wherryman",
    "Yarebank",
    "Alderwood",
    "Birchgrove",
    "Cedar House",
    "Dunes Edge",
    "Fenview",
    "Glebe House",
    "Heathside",
    "Juniper",
    "Kestrel Way",
    "Linden",
    "Maltings",
    "Nightingale",
    "Old Mill",
    "Pinewood",
    "Rowan Tree",
    "Sandpiper",
    "Tannery Yard",
    "Wensum View",
    "Broadwater",
    "Castle Green",
    "Chapel Field",
    "Coastway",
    "Dovecote",
    "Eastgate",
    "Ferryside",
    "Granary",
    "Harbourside",
    "Lime Kiln",
    "Lowfield",
    "Magpie Lane",
    "Moorland",
    "Newmarket Road",
]
_GP_KINDS = ["Surgery", "Medical Centre", "Medical Practice", "Health Centre"]
_HOSPITALS = [
    "Yare Valley Community Hospital",
    "Wensum General Hospital",
    "Fenland Road Hospital",
    "Coastway Cottage Hospital",
    "Brecks Community Hospital",
    "Marshland Hospital",
    "Waveney Edge Hospital",
]
_MENTAL_HEALTH = [
    "Broadland Vale Mental Health Trust: Community Team North",
    "Broadland Vale Mental Health Trust: Community Team South",
    "Broadland Vale Mental Health Trust: Community Team East",
    "Broadland Vale Mental Health Trust: Community Team West",
    "Broadland Vale Mental Health Trust: Early Intervention Team",
    "Broadland Vale Mental Health Trust: Recovery Team",
]
_VCSE = [
    "Broads Carers Network",
    "Coastal Community Pantry",
    "Fenside Wellbeing Trust",
    "Heron Walking Friends",
    "Lantern Older People's Club",
    "Marram Grass Community Trust",
    "Meadow Men's Shed",
    "Millstream Disability Forum",
    "New Leaf Recovery Café",
    "Open Door Community Hub",
    "Otter Trust Befrienders",
    "Riverbend Family Centre",
    "Saltmarsh Housing Association",
    "Skylark Veterans' Support",
    "Stepping Stones Foodbank",
    "Thistle Community Café",
    "Waymarker Homeless Project",
    "Windmill Arts and Health",
    "Woodland Way Dementia Support",
]
_PCNS = [
    "Brecks and Fens",
    "Broadland North",
    "Broadland South",
    "Coastal Villages",
    "Norwich Central",
    "Norwich East",
    "Norwich West",
    "Yarmouth Seaside",
    "Yarmouth Riverside",
    "Lynn Town",
    "Lynn Rural",
    "Marshland",
    "North Coast",
    "Holt and District",
    "Wymondham and Villages",
    "Diss and Waveney",
    "Swaffham Rural",
    "Thetford Forest",
    "Dereham Market",
    "Loddon Valley",
    "Wroxham Broads",
    "Aylsham Market",
    "Acle and Marshes",
]


def _organisation_specs(district_names: list[str]) -> list[tuple[str, str, str]]:
    """(name, type, district name) for the 202 organisations, the two original demo ones first."""
    T = ReferrerOrganisation.Type
    cycle = [district_names[i % len(district_names)] for i in range(300)]
    specs = [
        (DEMO_PRACTICE, T.GP_PRACTICE, "Norwich"),
        ("Demo Community Health Team (Breckland)", T.COMMUNITY_HEALTH, "Breckland"),
    ]
    gp_names = [f"{place} {kind}" for kind in _GP_KINDS for place in _GP_PLACES]
    random.Random(SEED).shuffle(gp_names)
    specs += [(name, T.GP_PRACTICE, cycle[i]) for i, name in enumerate(sorted(gp_names[:105]))]
    community = [
        (f"{d} {team}", T.COMMUNITY_HEALTH, d)
        for d in district_names
        for team in ("Community Therapy Team", "Falls Prevention Service", "Community Nursing")
    ]
    specs += [spec for spec in community if spec[2] != "Breckland" or "Therapy" not in spec[0]]
    specs += [(name, T.MENTAL_HEALTH_TRUST, cycle[i]) for i, name in enumerate(_MENTAL_HEALTH)]
    specs += [(name, T.HOSPITAL, district_names[i]) for i, name in enumerate(_HOSPITALS)]
    specs += [
        (f"{name} Primary Care Network", T.SOCIAL_PRESCRIBING, cycle[i + 3])
        for i, name in enumerate(_PCNS)
    ]
    specs += [(f"{d} Social Prescribing Service", T.SOCIAL_PRESCRIBING, d) for d in district_names]
    specs += [(f"{d} Adult Social Care Team", T.SOCIAL_CARE, d) for d in district_names]
    specs += [
        (f"{area} Reablement Service", T.SOCIAL_CARE, cycle[i + 1])
        for i, area in enumerate(["Central", "Coastal", "Fens", "Brecks", "Waveney Valley"])
    ]
    specs += [(name, T.VCSE, cycle[i + 5]) for i, name in enumerate(_VCSE)]
    specs.append(("Self-referral (public form)", T.SELF_REFERRAL, ""))
    assert len(specs) == ORGANISATIONS, len(specs)
    assert len({name for name, _, _ in specs}) == ORGANISATIONS
    return specs


def load_referrer_organisations(districts: dict[str, District]) -> dict[str, ReferrerOrganisation]:
    """Create or update the 202 demo organisations (no ODS codes: they are fictional); by name."""
    specs = _organisation_specs(list(districts))
    existing = {
        o.name: o for o in ReferrerOrganisation.objects.filter(name__in=[s[0] for s in specs])
    }
    to_create, to_update = [], []
    for name, org_type, district_name in specs:
        district = districts.get(district_name)
        org = existing.get(name)
        if org is None:
            to_create.append(ReferrerOrganisation(name=name, type=org_type, district=district))
        elif org.type != org_type or org.district_id != (district.pk if district else None):
            org.type, org.district = org_type, district
            to_update.append(org)
    ReferrerOrganisation.objects.bulk_create(to_create)
    ReferrerOrganisation.objects.bulk_update(to_update, ["type", "district"])
    by_name = {
        o.name: o for o in ReferrerOrganisation.objects.filter(name__in=[s[0] for s in specs])
    }
    return {name: by_name[name] for name, _, _ in specs}


# ---------------------------------------------------------------------------------------------
# Postcodes: a small synthetic look-up in the Norfolk style.

# District -> (outward codes, IMD deciles of its synthetic LSOAs).
DISTRICT_AREAS = {
    "Breckland": (["IP24", "IP25", "IP26", "NR19", "NR20", "PE37"], [2, 3, 4, 5, 5, 6, 7, 8]),
    "Broadland": (["NR8", "NR10", "NR12", "NR13"], [4, 6, 7, 8, 8, 9, 9, 10]),
    "Great Yarmouth": (["NR29", "NR30", "NR31"], [1, 1, 1, 2, 2, 3, 4, 6]),
    "King's Lynn and West Norfolk": (
        ["PE30", "PE31", "PE32", "PE33", "PE34", "PE38"],
        [1, 2, 3, 4, 5, 6, 7, 8],
    ),
    "North Norfolk": (["NR11", "NR25", "NR26", "NR27", "NR28"], [3, 4, 5, 5, 6, 7, 8, 9]),
    "Norwich": (["NR1", "NR2", "NR3", "NR4", "NR5", "NR6", "NR7"], [1, 1, 2, 2, 3, 4, 6, 8]),
    "South Norfolk": (["NR14", "NR15", "NR16", "NR18", "IP21", "IP22"], [4, 5, 6, 7, 8, 9, 9, 10]),
}
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
POSTCODES_PER_LSOA = 6
# Each district's main town (latitude, longitude): its postcodes lie within a few miles of it.
DISTRICT_TOWNS = {
    "Breckland": ("Dereham", 52.681, 0.940),
    "Broadland": ("Aylsham", 52.794, 1.253),
    "Great Yarmouth": ("Great Yarmouth", 52.607, 1.729),
    "King's Lynn and West Norfolk": ("King's Lynn", 52.754, 0.398),
    "North Norfolk": ("Cromer", 52.931, 1.301),
    "Norwich": ("Norwich", 52.628, 1.293),
    "South Norfolk": ("Wymondham", 52.570, 1.116),
}
SPREAD_DEGREES = (0.05, 0.08)  # about 5 km either way, north-south and east-west


@dataclass
class _Postcode:
    postcode: str
    lsoa_code: str
    imd_decile: int
    district_ons_code: str
    latitude: float | None = None
    longitude: float | None = None


def place_of(postcode: str, district_name: str) -> tuple[float, float]:
    """A plausible (latitude, longitude) for a demo postcode: near its district's main town,
    the same every run (from a hash of the postcode, not the random generator)."""
    _, lat, lon = DISTRICT_TOWNS[district_name]
    digest = hashlib.sha256(postcode.encode()).digest()
    north, east = (digest[0] / 255 - 0.5) * 2, (digest[1] / 255 - 0.5) * 2
    return round(lat + north * SPREAD_DEGREES[0], 5), round(lon + east * SPREAD_DEGREES[1], 5)


def postcode_table(districts: dict[str, District]) -> list[_Postcode]:
    """The synthetic look-up: 8 LSOAs per district, 6 postcodes each (336 postcodes)."""
    rng = random.Random(SEED + 1)
    table, lsoa_number = [], 0
    for name, (outwards, deciles) in DISTRICT_AREAS.items():
        for decile in deciles:
            lsoa_number += 1
            lsoa = f"E0199{lsoa_number:04d}"  # outside the range of real LSOA codes
            outward = outwards[lsoa_number % len(outwards)]
            used = {p.postcode for p in table}
            while len([p for p in table if p.lsoa_code == lsoa]) < POSTCODES_PER_LSOA:
                inward = (
                    f"{rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
                )
                postcode = f"{outward} {inward}"
                if postcode not in used:
                    used.add(postcode)
                    lat, lon = place_of(postcode, name)
                    ons = districts[name].ons_code
                    table.append(_Postcode(postcode, lsoa, decile, ons, lat, lon))
    return table


def load_postcodes(districts: dict[str, District]) -> list[_Postcode]:
    """Upsert the synthetic look-up (by postcode), so a second run changes nothing."""
    table = postcode_table(districts)
    PostcodeLookup.objects.bulk_create(
        [PostcodeLookup(**p.__dict__) for p in table],
        update_conflicts=True,
        unique_fields=["postcode"],
        update_fields=["lsoa_code", "imd_decile", "district_ons_code", "latitude", "longitude"],
        batch_size=BATCH,
    )
    return table


# ---------------------------------------------------------------------------------------------
# The referral history.

_MONTH_WEIGHTS = {
    2022: [(2023, 1, 2), (2023, 2, 3), (2023, 3, 4)],
    2023: [
        (2023 if m >= 4 else 2024, m, 8 + i)
        for i, m in enumerate([4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3])
    ],
    2024: [
        (2024 if m >= 4 else 2025, m, 18 + i)
        for i, m in enumerate([4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3])
    ],
}
STATUS_PATHS = {
    Status.SUBMITTED: [Status.SUBMITTED],
    Status.TRIAGED: [Status.SUBMITTED, Status.TRIAGED],
    Status.CONTACTED: [Status.SUBMITTED, Status.TRIAGED, Status.CONTACTED],
    Status.MATCHED: [Status.SUBMITTED, Status.TRIAGED, Status.CONTACTED, Status.MATCHED],
    Status.ACTIVE: [
        Status.SUBMITTED,
        Status.TRIAGED,
        Status.CONTACTED,
        Status.MATCHED,
        Status.ACTIVE,
    ],
    Status.COMPLETED: [
        Status.SUBMITTED,
        Status.TRIAGED,
        Status.CONTACTED,
        Status.MATCHED,
        Status.ACTIVE,
        Status.COMPLETED,
    ],
    Status.INELIGIBLE: [Status.SUBMITTED, Status.INELIGIBLE],
    Status.UNABLE_TO_CONTACT: [Status.SUBMITTED, Status.TRIAGED, Status.UNABLE_TO_CONTACT],
    Status.DECLINED: [Status.SUBMITTED, Status.TRIAGED, Status.CONTACTED, Status.DECLINED],
    Status.WITHDRAWN: [Status.SUBMITTED, Status.TRIAGED, Status.CONTACTED, Status.WITHDRAWN],
}
STATUS_NOTES = {
    Status.INELIGIBLE: "Does not meet the pathway's criteria; referrer informed.",
    Status.UNABLE_TO_CONTACT: "Three attempts by phone and one letter, no answer.",
    Status.DECLINED: "Decided not to take part at this time.",
    Status.WITHDRAWN: "Withdrew before starting an activity.",
}


def _split(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` exactly (largest remainder)."""
    raw = [total * w / sum(weights) for w in weights]
    counts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)[
        : total - sum(counts)
    ]:
        counts[i] += 1
    return counts


# Minutes a week reported at each level: the inactive pick from a list, the others from a
# range(start, stop, step). Shared with the synthetic data at scale (demo.synthetic).
INACTIVE_MINUTES = [0, 0, 0, 10, 15, 20, 25]
FAIRLY_ACTIVE_MINUTES = (30, 150, 5)
ACTIVE_MINUTES = (150, 420, 10)
# ONS life satisfaction (0-10) at a follow-up; None: not asked.
LIFE_SATISFACTION = [None, 5, 6, 6, 7, 7, 7, 8, 8, 9]
# Age range (years) at referral by pathway.
AGE_RANGES = {Pathway.FALLS: (65, 94), Pathway.SMI: (18, 70)}
DEFAULT_AGE_RANGE = (18, 85)
# Closed without reaching activity, and how often each happens.
EXIT_STATUSES = [Status.INELIGIBLE, Status.DECLINED, Status.UNABLE_TO_CONTACT, Status.WITHDRAWN]
EXIT_WEIGHTS = [2, 4, 5, 2]
# How likely each timepoint is to be the latest one returned, and how often an earlier one is
# skipped; a follow-up is done up to FOLLOW_UP_LATE_DAYS after it is due.
LAST_FOLLOW_UP_WEIGHTS = [2, 5, 2, 1]
FOLLOW_UP_SKIPPED = 0.4
FOLLOW_UP_LATE_DAYS = 10


def _minutes(rng: random.Random, level: str | None) -> int | None:
    if level == INA:
        return rng.choice(INACTIVE_MINUTES)
    if level == FAI:
        return rng.randrange(*FAIRLY_ACTIVE_MINUTES)
    if level == ACT:
        return rng.randrange(*ACTIVE_MINUTES)
    return None


def _nhs_number(n: int) -> str:
    """The n-th test NHS number: 9 digits from 900000000 on plus the modulus-11 check digit."""
    base = 900_000_000 + n * 7
    while True:
        digits = f"{base:09d}"
        check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(digits)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return digits + str(check)
        base += 1


def demo_references() -> list[str]:
    """Every reference the demo history uses."""
    return [
        f"ANW-{year % 100:02d}-{n:06d}"
        for year, count in REFERRALS_PER_YEAR.items()
        for n in range(1, count + 1)
    ]


@dataclass
class _Planned:
    submitted_at: datetime
    organisation: ReferrerOrganisation
    pathway: str = Pathway.GENERAL
    baseline: str | None = None
    follow_up_level: str | None = None
    status: str = Status.SUBMITTED
    postcode: _Postcode | None = None
    unknown_postcode: str = ""
    unknown_district_ons: str = ""
    changes: list[tuple[str, datetime]] = field(default_factory=list)
    follow_ups: list[tuple[str, date, date, int]] = field(default_factory=list)

    @property
    def day(self) -> date:
        return self.submitted_at.astimezone(LONDON).date()


def _plan(
    organisations: list[ReferrerOrganisation],
    postcodes: list[_Postcode],
    districts_by_pk: dict[int, District],
) -> list[_Planned]:
    rng = random.Random(SEED)
    weights = [rng.lognormvariate(0, 1) for _ in organisations]

    # Dates and organisations, year by year; every organisation refers in 2024-25.
    planned: list[_Planned] = []
    for year, total in REFERRALS_PER_YEAR.items():
        months = _MONTH_WEIGHTS[year]
        year_rows: list[_Planned] = []
        for (y, m, _), count in zip(months, _split(total, [w for *_, w in months]), strict=True):
            days = (date(y + m // 12, m % 12 + 1, 1) - date(y, m, 1)).days
            for _ in range(count):
                moment = time(rng.randint(8, 17), rng.randrange(0, 60, 1))
                local = datetime.combine(date(y, m, rng.randint(1, days)), moment, LONDON)
                year_rows.append(_Planned(submitted_at=local, organisation=organisations[0]))
        if year == 2024:
            chosen = list(organisations) + rng.choices(
                organisations, weights=weights, k=total - len(organisations)
            )
            rng.shuffle(chosen)
        else:
            chosen = rng.choices(organisations, weights=weights, k=total)
        for row, org in zip(year_rows, chosen, strict=True):
            row.organisation = org
        # Pathways: falls from October 2023, SMI from January 2024, exact counts per year.
        falls_pool = [r for r in year_rows if r.day >= FALLS_FROM]
        falls = rng.sample(falls_pool, FALLS_PER_YEAR[year])
        for r in falls:
            r.pathway = Pathway.FALLS
        smi_pool = [r for r in year_rows if r.day >= SMI_FROM and r.pathway == Pathway.GENERAL]
        for r in rng.sample(smi_pool, SMI_PER_YEAR[year]):
            r.pathway = Pathway.SMI
        planned.extend(year_rows)
    planned.sort(key=lambda r: r.submitted_at)

    # Outcomes over the programme to date: follow-up transitions, then the rest.
    last_follow_up_start = END - timedelta(days=42 + 14)
    rng.shuffle(planned)
    eligible = [r for r in planned if r.day <= last_follow_up_start]
    others_pool = [r for r in planned if r.day > last_follow_up_start]
    with_follow_up: list[_Planned] = []
    cells = [cell for cell, count in TRANSITIONS.items() for _ in range(count)]
    for r, (baseline, after) in zip(eligible, cells, strict=False):
        r.baseline, r.follow_up_level = baseline, after
        with_follow_up.append(r)
    rest = eligible[len(cells) :] + others_pool
    rng.shuffle(rest)
    onto_count = REFERRED_ONTO_ACTIVITY - len(with_follow_up)
    onto, not_onto = rest[:onto_count], rest[onto_count:]
    levels_left = {
        lvl: BASELINE_LEVELS[lvl] - sum(1 for b, _ in cells if b == lvl) for lvl in (INA, FAI, ACT)
    }
    for group, split in (
        (onto, BASELINE_ONTO_NO_FOLLOW_UP),
        (
            not_onto,
            {lvl: levels_left[lvl] - BASELINE_ONTO_NO_FOLLOW_UP[lvl] for lvl in (INA, FAI, ACT)},
        ),
    ):
        baselines = [lvl for lvl, count in split.items() for _ in range(count)]
        baselines += [None] * (len(group) - len(baselines))
        rng.shuffle(baselines)
        for r, baseline in zip(group, baselines, strict=True):
            r.baseline = baseline

    # Statuses and their history.
    for r in with_follow_up:
        r.status = Status.COMPLETED if r.day + timedelta(days=95) <= END else Status.ACTIVE
    for r in onto:
        recent = r.day > END - timedelta(days=60)
        r.status = rng.choice([Status.MATCHED, Status.ACTIVE]) if recent else Status.COMPLETED
    for r in not_onto:
        if r.day > END - timedelta(days=21):
            r.status = rng.choice([Status.SUBMITTED, Status.TRIAGED, Status.CONTACTED])
        else:
            r.status = rng.choices(EXIT_STATUSES, weights=EXIT_WEIGHTS)[0]
    for r in planned:
        moment = r.submitted_at
        for step, status in enumerate(STATUS_PATHS[r.status]):
            if step:
                gap = (12, 40) if status == Status.COMPLETED else (1, 5)
                moment = moment + timedelta(days=rng.randint(*gap), hours=rng.randint(0, 6))
            r.changes.append((status, moment))

    # Follow-ups: the latest completed one carries the transition's level; all before April 2025.
    for r in with_follow_up:
        feasible = [
            tp
            for tp in FOLLOW_UP_SCHEDULE
            if FollowUp.due_after(r.day, tp) + timedelta(days=FOLLOW_UP_LATE_DAYS) <= END
        ]
        last = rng.choices(feasible, weights=LAST_FOLLOW_UP_WEIGHTS[: len(feasible)])[0]
        for tp in feasible[: feasible.index(last) + 1]:
            if tp != last and rng.random() < FOLLOW_UP_SKIPPED:
                continue
            due = FollowUp.due_after(r.day, tp)
            done = due + timedelta(days=rng.randint(0, FOLLOW_UP_LATE_DAYS))
            level = r.follow_up_level if tp == last else rng.choice([r.baseline, r.follow_up_level])
            r.follow_ups.append((tp, due, done, _minutes(rng, level)))

    # Deprivation: exactly 44% of 2024-25's known deciles in deciles 1-4.
    by_district: dict[str, dict[bool, list[_Postcode]]] = {}
    for p in postcodes:
        by_district.setdefault(p.district_ons_code, {True: [], False: []})[
            p.imd_decile <= 4
        ].append(p)
    ons_codes = sorted(by_district)
    names_by_ons = {d.ons_code: d.name for d in districts_by_pk.values()}
    planned.sort(key=lambda r: r.submitted_at)
    for year in REFERRALS_PER_YEAR:
        rows = [r for r in planned if fy_of(r.day) == year]
        unknown = UNKNOWN_DECILE_2024 if year == 2024 else round(len(rows) * 0.07)
        known = len(rows) - unknown
        deprived = round(known * DEPRIVED_SHARE_2024) if year == 2024 else round(known * 0.46)
        flags = [True] * deprived + [False] * (known - deprived) + [None] * unknown
        rng.shuffle(flags)
        for r, flag in zip(rows, flags, strict=True):
            district = districts_by_pk.get(r.organisation.district_id)
            ons = district.ons_code if district else rng.choice(ons_codes)
            if flag is None:
                outward = DISTRICT_AREAS[names_by_ons[ons]][0][0]
                letters = rng.choice(INWARD_LETTERS) + rng.choice(INWARD_LETTERS)
                r.unknown_postcode, r.unknown_district_ons = f"{outward} 0{letters}", ons
            else:
                r.postcode = rng.choice(by_district[ons][flag])
    return planned


def load_referral_history(
    districts: dict[str, District], organisations: dict[str, ReferrerOrganisation]
) -> int:
    """Create the demo's referral history unless it is already there; return referrals created.

    Idempotent: the history is planned the same way every time (a fixed seed), and only the
    referrals whose demo reference is missing are written, so a second run writes nothing and
    a referral removed by hand comes back; no other referral is touched.
    """
    postcodes = load_postcodes(districts)
    references = demo_references()
    present = set(
        Referral.objects.filter(reference__in=references).values_list("reference", flat=True)
    )
    count = 0
    if len(present) < len(references):
        count = _write_history(organisations, postcodes, districts, skip=present)
    _fill_next_step_due(references)
    _advance_sequences()
    return count


def _fill_next_step_due(references: list[str]) -> None:
    """Give waiting demo referrals written before next_step_due_on existed their due day."""
    missing = Referral.objects.filter(
        reference__in=references, status__in=WAITING_STATUSES, next_step_due_on__isnull=True
    )
    rows = list(missing.only("pk", "status", "submitted_at", "status_changed_at"))
    for referral in rows:
        referral.next_step_due_on = referral.next_step_due()
    Referral.objects.bulk_update(rows, ["next_step_due_on"], batch_size=BATCH)


def _write_history(
    organisations: dict[str, ReferrerOrganisation],
    postcodes: list[_Postcode],
    districts: dict[str, District],
    *,
    skip: set[str],
) -> int:
    districts_by_pk = {d.pk: d for d in districts.values()}
    districts_by_ons = {d.ons_code: d for d in districts.values()}
    orgs = list(organisations.values())
    planned = _plan(orgs, postcodes, districts_by_pk)
    rng = random.Random(SEED + 2)
    sequence: dict[int, int] = {}
    referrals = []
    self_referral = ReferrerOrganisation.Type.SELF_REFERRAL
    for n, r in enumerate(planned, start=1):
        year = fy_of(r.day)
        sequence[year] = sequence.get(year, 0) + 1
        age = AGE_RANGES.get(r.pathway, DEFAULT_AGE_RANGE)
        birth = r.day - timedelta(days=rng.randint(age[0] * 365 + 30, age[1] * 365))
        if r.postcode:
            district = districts_by_ons[r.postcode.district_ons_code]
            postcode, lsoa, decile = (
                r.postcode.postcode,
                r.postcode.lsoa_code,
                r.postcode.imd_decile,
            )
        else:
            district = districts_by_ons[r.unknown_district_ons]
            postcode, lsoa, decile = r.unknown_postcode, "", None
        referrals.append(
            Referral(
                reference=f"ANW-{year % 100:02d}-{sequence[year]:06d}",
                pathway=r.pathway,
                source=(
                    Referral.Source.SELF
                    if r.organisation.type == self_referral
                    else Referral.Source.FORM
                ),
                organisation=r.organisation,
                submitted_at=r.submitted_at,
                financial_year=year,
                first_name="Demo",
                last_name=f"Person {n:05d}",
                date_of_birth=birth,
                nhs_number=_nhs_number(n),
                postcode=postcode,
                phone=f"07700 900{n % 1000:03d}",
                preferred_contact=Referral.PreferredContact.PHONE,
                has_disability=rng.random() < 0.3,
                baseline_minutes=_minutes(rng, r.baseline),
                consent=True,
                district=district,
                lsoa_code=lsoa,
                imd_decile=decile,
                postcode_not_found=r.postcode is None,
                status=r.status,
                status_changed_at=r.changes[-1][1],
            )
        )
    assert sum(1 for r in planned if r.status in ONTO_ACTIVITY_STATUSES) == REFERRED_ONTO_ACTIVITY
    wanted = [(x, r) for x, r in zip(referrals, planned, strict=True) if x.reference not in skip]
    for referral, _ in wanted:  # bulk_create skips save(), which sets it
        referral.next_step_due_on = referral.next_step_due()
    Referral.objects.bulk_create([x for x, _ in wanted], batch_size=BATCH)
    pks = dict(
        Referral.objects.filter(reference__in=[x.reference for x, _ in wanted]).values_list(
            "reference", "pk"
        )
    )
    changes, follow_ups = [], []
    for referral, r in wanted:
        pk = pks[referral.reference]
        previous = ""
        for status, moment in r.changes:
            changes.append(
                StatusChange(
                    referral_id=pk,
                    from_status=previous,
                    to_status=status,
                    changed_at=moment,
                    note=STATUS_NOTES.get(status, ""),
                )
            )
            previous = status
        for tp, due, done, minutes in r.follow_ups:
            follow_ups.append(
                FollowUp(
                    referral_id=pk,
                    timepoint=tp,
                    due_on=due,
                    completed_on=done,
                    minutes=minutes,
                    life_satisfaction=rng.choice(LIFE_SATISFACTION),
                )
            )
    StatusChange.objects.bulk_create(changes, batch_size=BATCH * 2)
    FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH * 2)
    # As referrals.moves leaves them: open follow-ups of a referral no longer active are not due.
    FollowUp.objects.filter(referral_id__in=pks.values(), completed_on__isnull=True).exclude(
        referral__status=Status.ACTIVE
    ).update(awaited=False)
    return len(wanted)


def _advance_sequences() -> None:
    """Move the reference sequences past the demo's numbers, so new referrals never clash."""
    for year, count in REFERRALS_PER_YEAR.items():
        seq, _ = ReferenceSequence.objects.get_or_create(prefix="ANW", financial_year=year)
        if seq.last_number < count:
            seq.last_number = count
            seq.save(update_fields=["last_number"])

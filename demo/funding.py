"""Demo funding: Active Norfolk's streams and allocations (../shared/data/norfolk-2024-25.md).

The 2024-25 allocations add up, district by district, to the published figures (£2,959,098 in
all); a smaller 2023-24 year gives the year-on-year view something to compare. The split of each district's total between the four streams is illustrative: the
published page gives only the totals. Active NoW also has its 2022-23 and 2023-24 money, so
the programme's investment to date is the published £450k.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from demo.districts import DISTRICT_COUNCILS
from districts.models import District, Partner
from funding.models import Allocation, FundingStream

HAF = "Big Norfolk Holiday Fun (HAF)"
OSF = "Opening School Facilities"
ACTIVE_NOW = "Active NoW"
HWP = "Health and Wellbeing Partnership grants"
PLACE = "Sport England Place Partnership"

STREAMS = [
    (
        HAF,
        "Department for Education",
        "Holiday activities and food for children on free school meals.",
    ),
    (
        OSF,
        "Sport England / Department for Education",
        "Opening school sport facilities to the community.",
    ),
    (
        ACTIVE_NOW,
        "Norfolk and Waveney Integrated Care System",
        "Physical activity referral: the single point of access and local activity.",
    ),
    (
        HWP,
        "Norfolk Health and Wellbeing Partnership",
        "Grants to local organisations for health and wellbeing through activity.",
    ),
    (
        PLACE,
        "Sport England",
        "Place Partnership expansion, first phase in King's Lynn and West Norfolk and Great Yarmouth.",
    ),
]

# Published 2024-25 investment into each district.
INVESTED_2024_25 = {
    "Breckland": 376_060,
    "Broadland": 199_765,
    "Great Yarmouth": 512_547,
    "King's Lynn and West Norfolk": 667_343,
    "North Norfolk": 371_053,
    "Norwich": 360_759,
    "South Norfolk": 471_571,
}
TOTAL_2024_25 = 2_959_098

# Active NoW money per district and year: £450,000 from launch to March 2025.
ACTIVE_NOW_BY_YEAR = {
    2022: {
        "Breckland": 8_000,
        "Broadland": 12_000,
        "Great Yarmouth": 8_000,
        "King's Lynn and West Norfolk": 8_000,
        "North Norfolk": 8_000,
        "Norwich": 8_000,
        "South Norfolk": 8_000,
    },
    2023: {
        "Breckland": 26_000,
        "Broadland": 26_000,
        "Great Yarmouth": 26_000,
        "King's Lynn and West Norfolk": 26_000,
        "North Norfolk": 25_000,
        "Norwich": 26_000,
        "South Norfolk": 25_000,
    },
    2024: {
        "Breckland": 30_000,
        "Broadland": 30_000,
        "Great Yarmouth": 35_000,
        "King's Lynn and West Norfolk": 35_000,
        "North Norfolk": 25_000,
        "Norwich": 30_000,
        "South Norfolk": 25_000,
    },
}


def split_2024_25(total: int, active_now: int) -> dict[str, int]:
    """Share a district's published total between the four streams, in whole pounds."""
    rest = total - active_now
    haf = rest * 50 // 100
    osf = rest * 20 // 100
    return {HAF: haf, OSF: osf, ACTIVE_NOW: active_now, HWP: rest - haf - osf}


# 2023-24, so the dashboard has a year to compare: the other streams at about nine tenths of
# their 2024-25 money (Active NoW's 2023-24 money is in ACTIVE_NOW_BY_YEAR).
SHARE_2023_24 = (9, 10)


def split_2023_24(total: int, active_now: int) -> dict[str, int]:
    """The illustrative 2023-24 money per stream for a district, in whole pounds."""
    numerator, denominator = SHARE_2023_24
    return {
        stream: amount * numerator // denominator
        for stream, amount in split_2024_25(total, active_now).items()
        if stream != ACTIVE_NOW
    }


def load_funding(districts: dict[str, District]) -> None:
    """Create or update the streams and the demo allocations (idempotent)."""
    streams = {}
    for name, funder, description in STREAMS:
        streams[name], _ = FundingStream.objects.update_or_create(
            name=name, defaults={"funder": funder, "description": description}
        )
    councils = {
        district: Partner.objects.get(name=council)
        for district, council in DISTRICT_COUNCILS.items()
    }
    for year, amounts in ACTIVE_NOW_BY_YEAR.items():
        for district_name, amount in amounts.items():
            if year == 2024:
                continue  # 2024-25 is written with the other streams below
            _allocate(streams[ACTIVE_NOW], districts[district_name], year, amount, None)
    for district_name, total in INVESTED_2024_25.items():
        parts = split_2024_25(total, ACTIVE_NOW_BY_YEAR[2024][district_name])
        for stream_name, amount in parts.items():
            recipient = councils.get(district_name) if stream_name == HWP else None
            _allocate(streams[stream_name], districts[district_name], 2024, amount, recipient)
        earlier = split_2023_24(total, ACTIVE_NOW_BY_YEAR[2024][district_name])
        for stream_name, amount in earlier.items():
            recipient = councils.get(district_name) if stream_name == HWP else None
            _allocate(streams[stream_name], districts[district_name], 2023, amount, recipient)


def _allocate(stream, district, year, amount, recipient) -> None:
    Allocation.objects.update_or_create(
        stream=stream,
        district=district,
        financial_year=year,
        purpose=f"{stream.name} in {district.name} (demo)",
        defaults={
            "amount": Decimal(amount),
            "recipient": recipient,
            "status": Allocation.Status.PAID,
            "award_date": date(year, 4, 15),
        },
    )

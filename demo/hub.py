"""Demo data for the hub: an activity directory for every district and pathway, and hub
histories (contact, match, follow-ups due) for whatever demo referrals exist. Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from demo.referrals import DISTRICT_TOWNS
from districts.models import District, Partner
from referrals.models import (
    FOLLOW_UP_SCHEDULE,
    ActivityOpportunity,
    ContactAttempt,
    FollowUp,
    Pathway,
    PostcodeLookup,
    Referral,
    ReferralMatch,
    Status,
)

# (activity, pathways, day and time, cost a session, accessibility notes, places)
DEMO_ACTIVITIES = [
    (
        "Walking for health group",
        {Pathway.GENERAL, Pathway.SMI},
        "Mondays 10:00–11:00",
        "0",
        "Flat route; benches every half mile.",
        25,
    ),
    (
        "Swim for health",
        {Pathway.GENERAL},
        "Wednesdays 13:00–14:00",
        "3.50",
        "Pool hoist and accessible changing room.",
        16,
    ),
    (
        "Strength and balance class",
        {Pathway.FALLS},
        "Tuesdays and Thursdays 11:00–12:00",
        "2.00",
        "Seated and standing options; hearing loop.",
        12,
    ),
    (
        "Chair-based exercise",
        {Pathway.FALLS, Pathway.GENERAL},
        "Fridays 10:30–11:15",
        "1.50",
        "Step-free venue.",
        15,
    ),
    (
        "Green gym (peer-supported)",
        {Pathway.SMI, Pathway.GENERAL},
        "Saturdays 10:00–12:00",
        "0",
        "Small group; a peer supporter meets newcomers.",
        10,
    ),
]
# Where each activity meets: a street of the district's main town (demo.referrals.DISTRICT_TOWNS).
VENUE_STREETS = ["Market Place", "Station Road", "Church Lane", "Victoria Street", "Mill Road"]
PATHWAY_FIELDS = ActivityOpportunity.PATHWAY_FIELDS
DEMO_LSOA_PREFIX = "E0199"  # the demo look-up's LSOAs (demo.referrals.postcode_table)


def load_hub_demo() -> dict[str, int]:
    """Create or update the demo directory; fill in hub histories; return counts."""
    opportunities = _load_directory()
    _load_histories(opportunities)
    return {
        "opportunities": ActivityOpportunity.objects.count(),
        "matches": ReferralMatch.objects.count(),
    }


def _load_directory() -> dict[tuple[int, str], ActivityOpportunity]:
    chosen: dict[tuple[int, str], ActivityOpportunity] = {}
    for district in District.objects.filter(is_active=True):
        provider, _ = Partner.objects.update_or_create(
            name=f"Demo Leisure Trust ({district.name})",
            defaults={"type": Partner.Type.PROVIDER},
        )
        provider.districts.add(district)
        places = _venue_postcodes(district)
        town = DISTRICT_TOWNS.get(district.name, (district.name,))[0]
        for n, (activity, pathways, when, cost, notes, capacity) in enumerate(DEMO_ACTIVITIES):
            place = places[n % len(places)] if places else None
            opportunity, _ = ActivityOpportunity.objects.update_or_create(
                provider=provider,
                activity=activity,
                district=district,
                defaults={
                    **{field: p in pathways for p, field in PATHWAY_FIELDS.items()},
                    "day_and_time": when,
                    "venue": f"{district.name} community centre",
                    "address": f"{n + 1} {VENUE_STREETS[n % len(VENUE_STREETS)]}, {town}",
                    "postcode": place.postcode if place else "",
                    "latitude": place.latitude if place else None,
                    "longitude": place.longitude if place else None,
                    "capacity": capacity,
                    "cost_per_session": Decimal(cost),
                    "accessibility_notes": notes,
                    "contact": "bookings@leisure.example.org",
                    "is_active": True,
                },
            )
            for pathway in pathways:
                chosen.setdefault((district.pk, pathway), opportunity)
    return chosen


def _venue_postcodes(district: District) -> list[PostcodeLookup]:
    """The district's demo postcodes with a place, in a fixed order (one per activity)."""
    return list(
        PostcodeLookup.objects.filter(
            district_ons_code=district.ons_code,
            lsoa_code__startswith=DEMO_LSOA_PREFIX,
            latitude__isnull=False,
        ).order_by("postcode")[: len(DEMO_ACTIVITIES)]
    )


def _load_histories(opportunities: dict[tuple[int, str], ActivityOpportunity]) -> None:
    """Give existing demo referrals the hub records their status implies, where missing."""
    reached = Referral.objects.filter(
        status__in=[Status.CONTACTED, Status.MATCHED, Status.ACTIVE, Status.COMPLETED],
        contact_attempts__isnull=True,
    ).only("pk", "submitted_at")
    ContactAttempt.objects.bulk_create(
        ContactAttempt(
            referral=r,
            made_at=r.submitted_at + dt.timedelta(days=2),
            outcome=ContactAttempt.Outcome.REACHED,
            note="Spoke to the person; keen to start.",
        )
        for r in reached.iterator()
    )
    unmatched = Referral.objects.filter(
        status__in=[Status.MATCHED, Status.ACTIVE, Status.COMPLETED],
        matches__isnull=True,
        district__isnull=False,
    ).only("pk", "district_id", "pathway", "submitted_at")
    ReferralMatch.objects.bulk_create(
        ReferralMatch(
            referral=r,
            opportunity=opportunities[(r.district_id, r.pathway)],
            matched_at=r.submitted_at + dt.timedelta(days=7),
        )
        for r in unmatched.iterator()
        if (r.district_id, r.pathway) in opportunities
    )
    # Active referrals without follow-ups get them, so the due list looks like a working day.
    waiting = Referral.objects.filter(status=Status.ACTIVE, follow_ups__isnull=True).only(
        "pk", "status_changed_at"
    )
    FollowUp.objects.bulk_create(
        FollowUp(
            referral=r,
            timepoint=timepoint,
            due_on=FollowUp.due_after(timezone.localdate(r.status_changed_at), timepoint),
        )
        for r in waiting.iterator()
        for timepoint in FOLLOW_UP_SCHEDULE
    )

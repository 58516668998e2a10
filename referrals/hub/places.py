"""Where a person and an activity are, how far apart, and how many places an activity has left.

Locations come from the postcode look-up (latitude and longitude as the ONS postcode directory
gives them): the person's from their postcode, an activity's stored on it when it is saved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from referrals.models import (
    ActivityOpportunity,
    PostcodeLookup,
    Referral,
    ReferralMatch,
    Status,
)
from referrals.validators import normalise_postcode

EARTH_RADIUS_MILES = 3958.8
# A person takes up a place from their match until they finish or leave.
HOLDING_STATUSES = (Status.MATCHED, Status.ACTIVE)


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


def location_of_postcode(postcode: str) -> Location | None:
    """Where ``postcode`` is, from the look-up; None when it is invalid, missing or not placed."""
    try:
        normalised = normalise_postcode(postcode)
    except ValidationError:
        return None
    row = (
        PostcodeLookup.objects.filter(
            postcode=normalised, latitude__isnull=False, longitude__isnull=False
        )
        .values("latitude", "longitude")
        .first()
    )
    return Location(row["latitude"], row["longitude"]) if row else None


def location_of_opportunity(opportunity: ActivityOpportunity) -> Location | None:
    """Where the activity is held (its own latitude and longitude), or None when not known."""
    if opportunity.latitude is None or opportunity.longitude is None:
        return None
    return Location(opportunity.latitude, opportunity.longitude)


def distance_miles(a: Location | None, b: Location | None) -> float | None:
    """The great-circle (haversine) distance from ``a`` to ``b`` in miles, to one decimal;
    None when either is not known."""
    if a is None or b is None:
        return None
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return round(2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h))), 1)


def with_places_taken(
    opportunities: QuerySet[ActivityOpportunity], *, excluding: Referral | None = None
) -> QuerySet[ActivityOpportunity]:
    """``opportunities`` annotated with ``places_taken``: the people whose latest match is the
    activity and who are matched or active (one subquery, so one query for the whole list).

    ``excluding`` leaves out one referral: its own place is not counted against a new match.
    """
    later = ReferralMatch.objects.filter(referral_id=OuterRef("referral_id")).filter(
        Q(matched_at__gt=OuterRef("matched_at"))
        | Q(matched_at=OuterRef("matched_at"), pk__gt=OuterRef("pk"))
    )
    holding = ReferralMatch.objects.filter(
        opportunity_id=OuterRef("pk"), referral__status__in=HOLDING_STATUSES
    ).exclude(Exists(later))
    if excluding is not None:
        holding = holding.exclude(referral_id=excluding.pk)
    counted = holding.order_by().values("opportunity_id").annotate(n=Count("pk")).values("n")
    return opportunities.annotate(
        places_taken=Coalesce(Subquery(counted, output_field=IntegerField()), 0)
    )


def places_left(opportunity: ActivityOpportunity) -> int | None:
    """Places still free on an activity annotated by ``with_places_taken``; None for no limit."""
    if opportunity.capacity is None:
        return None
    return max(0, opportunity.capacity - opportunity.places_taken)


def places_left_text(opportunity: ActivityOpportunity) -> str:
    """'4 of 12 places left', 'Full' or 'No limit'."""
    left = places_left(opportunity)
    if left is None:
        return "No limit"
    if left == 0:
        return "Full"
    noun = "place" if opportunity.capacity == 1 else "places"
    return f"{left} of {opportunity.capacity} {noun} left"


def distance_text(miles: float | None) -> str:
    """'2.3 miles', '1.0 mile' or 'Distance not known'."""
    if miles is None:
        return "Distance not known"
    return f"{miles:.1f} {'mile' if miles == 1 else 'miles'}"


@dataclass(frozen=True)
class Choice:
    """One activity as the match page offers it."""

    opportunity: ActivityOpportunity
    miles: float | None
    places_left: int | None

    @property
    def distance(self) -> str:
        return distance_text(self.miles)

    @property
    def places(self) -> str:
        return places_left_text(self.opportunity)

    @property
    def is_full(self) -> bool:
        return self.places_left == 0


def choices_for(
    *, referral: Referral, opportunities: QuerySet[ActivityOpportunity]
) -> list[Choice]:
    """The activities to offer ``referral``, nearest first (distance not known last), each
    with its distance from the person's postcode and its places left (two queries)."""
    home = location_of_postcode(referral.postcode) if referral.postcode else None
    rows = [
        Choice(
            opportunity=o,
            miles=distance_miles(home, location_of_opportunity(o)),
            places_left=places_left(o),
        )
        for o in with_places_taken(opportunities, excluding=referral)
    ]
    return sorted(rows, key=lambda c: (c.miles is None, c.miles or 0, c.opportunity.activity))


@transaction.atomic
def opportunity_save(*, opportunity: ActivityOpportunity) -> bool:
    """Save an activity, placed from its postcode; whether it was placed (False when it has no
    postcode or the look-up does not place it, so its distance will not be shown)."""
    location = location_of_postcode(opportunity.postcode) if opportunity.postcode else None
    opportunity.latitude = location.latitude if location else None
    opportunity.longitude = location.longitude if location else None
    opportunity.save()
    return location is not None

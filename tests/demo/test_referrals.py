"""The demo's referral history reproduces the published Active NoW figures exactly.

Each figure is computed here with plain ORM aggregates, independently of how the demo built it.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Max, OuterRef, Q, Subquery

from referrals.models import (
    FollowUp,
    PostcodeLookup,
    ReferenceSequence,
    Referral,
    ReferrerOrganisation,
    StatusChange,
)

LONDON = ZoneInfo("Europe/London")
FY_2024_START = datetime(2024, 4, 1, tzinfo=LONDON)
PROGRAMME_END = datetime(2025, 4, 1, tzinfo=LONDON)
ONTO = Q(status__in=["matched", "active", "completed"]) | Q(referred_onto_activity=True)


def level(minutes: int | None) -> str | None:
    if minutes is None:
        return None
    return "inactive" if minutes < 30 else "fairly_active" if minutes < 150 else "active"


def check_2024_25_matches_the_published_figures():
    year = Referral.objects.filter(submitted_at__gte=FY_2024_START, submitted_at__lt=PROGRAMME_END)
    assert year.count() == 4694
    assert year.filter(financial_year=2024).count() == 4694
    assert year.aggregate(n=Count("organisation", distinct=True))["n"] == 202
    assert ReferrerOrganisation.objects.count() == 202
    assert year.filter(pathway="falls").count() == 607

    known = year.filter(imd_decile__isnull=False)
    deprived = known.filter(imd_decile__lte=4).count()
    assert round(100 * deprived / known.count()) == 44


def check_pathways_start_when_they_were_launched():
    first = Referral.objects.values("pathway").annotate(first=Max("submitted_at"))
    assert {row["pathway"] for row in first} == {"general", "falls", "smi"}
    assert not Referral.objects.filter(submitted_at__lt=datetime(2023, 1, 1, tzinfo=LONDON))
    assert not Referral.objects.filter(
        pathway="smi", submitted_at__lt=datetime(2024, 1, 1, tzinfo=LONDON)
    ).exists()
    assert not Referral.objects.filter(
        pathway="falls", submitted_at__lt=datetime(2023, 10, 1, tzinfo=LONDON)
    ).exists()


def check_programme_to_date_matches_the_published_figures():
    to_date = Referral.objects.filter(submitted_at__lt=PROGRAMME_END)
    assert to_date.count() == 7542
    assert to_date.filter(ONTO).count() == 4838
    assert to_date.filter(baseline_minutes__lt=30).count() == 2482
    assert to_date.filter(baseline_minutes__gte=30, baseline_minutes__lt=150).count() == 2172
    assert to_date.filter(baseline_minutes__gte=150).count() == 217
    assert to_date.filter(baseline_minutes__isnull=True).count() == 7542 - 2482 - 2172 - 217


def check_programme_to_date_transitions_match_the_published_table():
    latest = FollowUp.objects.filter(referral=OuterRef("pk"), completed_on__isnull=False).order_by(
        "-completed_on", "-due_on"
    )
    rows = (
        Referral.objects.filter(
            submitted_at__lt=PROGRAMME_END, follow_ups__completed_on__isnull=False
        )
        .distinct()
        .annotate(after=Subquery(latest.values("minutes")[:1]))
        .values_list("baseline_minutes", "after")
    )
    table: dict[tuple[str, str], int] = {}
    for baseline, after in rows:
        key = (level(baseline), level(after))
        table[key] = table.get(key, 0) + 1
    assert table == {
        ("inactive", "active"): 741,
        ("inactive", "fairly_active"): 756,
        ("inactive", "inactive"): 210,
        ("fairly_active", "active"): 1333,
        ("fairly_active", "fairly_active"): 135,
        ("fairly_active", "inactive"): 52,
        ("active", "active"): 147,
        ("active", "fairly_active"): 5,
    }


def check_follow_ups_and_status_history_are_consistent():
    completed = FollowUp.objects.filter(completed_on__isnull=False)
    assert not completed.filter(completed_on__gte=date(2025, 4, 1)).exists()
    assert not completed.filter(completed_on__lte=F("referral__submitted_at__date")).exists()
    assert not completed.filter(minutes__isnull=True).exists()
    # People with a follow-up were referred onto activity.
    assert not Referral.objects.filter(follow_ups__isnull=False).exclude(ONTO).exists()

    # The last status change of each referral is its status, at status_changed_at.
    last = StatusChange.objects.filter(referral=OuterRef("pk")).order_by("-changed_at", "-pk")
    mismatched = (
        Referral.objects.annotate(
            last_to=Subquery(last.values("to_status")[:1]),
            last_at=Subquery(last.values("changed_at")[:1]),
        )
        .exclude(last_to=F("status"), last_at=F("status_changed_at"))
        .count()
    )
    assert mismatched == 0
    first = StatusChange.objects.filter(referral=OuterRef("pk")).order_by("changed_at", "pk")
    assert (
        Referral.objects.annotate(first_to=Subquery(first.values("to_status")[:1]))
        .exclude(first_to="submitted")
        .count()
        == 0
    )
    # Reached matched, active or completed through the whole chain.
    onto = Referral.objects.filter(status__in=["active", "completed"])
    assert onto.filter(status_changes__to_status="matched").distinct().count() == onto.count()


def check_referrals_agree_with_the_postcode_look_up():
    assert 300 <= PostcodeLookup.objects.count() <= 500
    assert PostcodeLookup.objects.values("district_ons_code").distinct().count() == 7
    lookup = {
        p.postcode: (p.imd_decile, p.district_ons_code, p.lsoa_code)
        for p in PostcodeLookup.objects.all()
    }
    for postcode, decile, ons, lsoa, not_found in Referral.objects.values_list(
        "postcode", "imd_decile", "district__ons_code", "lsoa_code", "postcode_not_found"
    ):
        if not_found:
            assert postcode not in lookup and decile is None
        else:
            assert lookup[postcode] == (decile, ons, lsoa)


def check_reference_sequences_continue_after_the_demo():
    assert ReferenceSequence.objects.get(prefix="ANW", financial_year=2024).last_number == 4694
    assert Referral.objects.filter(reference="ANW-24-004694").exists()
    assert not Referral.objects.filter(reference="ANW-24-004695").exists()


@pytest.mark.django_db
def test_the_demo_reproduces_the_published_figures(settings):
    # One load for every check: the history takes a few seconds to write.
    settings.DEBUG = True
    call_command("load_demo")
    check_2024_25_matches_the_published_figures()
    check_pathways_start_when_they_were_launched()
    check_programme_to_date_matches_the_published_figures()
    check_programme_to_date_transitions_match_the_published_table()
    check_follow_ups_and_status_history_are_consistent()
    check_referrals_agree_with_the_postcode_look_up()
    check_reference_sequences_continue_after_the_demo()


@pytest.mark.django_db
def test_loading_twice_changes_nothing(settings):
    settings.DEBUG = True
    models = [Referral, StatusChange, FollowUp, PostcodeLookup, ReferrerOrganisation]
    call_command("load_demo")
    first = {m.__name__: m.objects.count() for m in models}
    fingerprint = list(Referral.objects.order_by("reference").values_list("reference", "status"))
    call_command("load_demo")
    assert {m.__name__: m.objects.count() for m in models} == first
    assert list(Referral.objects.order_by("reference").values_list("reference", "status")) == (
        fingerprint
    )


@pytest.mark.django_db
def test_removed_demo_referrals_come_back_and_others_are_left_alone(settings):
    settings.DEBUG = True
    call_command("load_demo")
    total = {m: m.objects.count() for m in (Referral, StatusChange, FollowUp)}
    removed = [f"ANW-23-{n:06d}" for n in range(1, 21)]
    kept = Referral.objects.get(reference="ANW-23-000021")
    Referral.objects.filter(reference__in=removed).delete()
    kept.status = "withdrawn"
    kept.save()
    call_command("load_demo")
    assert {m: m.objects.count() for m in (Referral, StatusChange, FollowUp)} == total
    assert Referral.objects.filter(reference__in=removed).count() == 20
    kept.refresh_from_db()
    assert kept.status == "withdrawn"

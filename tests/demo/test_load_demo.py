from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from activeportal.accounts.models import User
from districts.models import District, OfficerAssignment, Partner
from funding.models import Allocation, FundingStream
from referrals.models import ReferrerOrganisation

PUBLISHED_2024_25 = {
    "E07000143": Decimal("376060"),
    "E07000144": Decimal("199765"),
    "E07000145": Decimal("512547"),
    "E07000146": Decimal("667343"),
    "E07000147": Decimal("371053"),
    "E07000148": Decimal("360759"),
    "E07000149": Decimal("471571"),
}
MODELS = [
    User,
    District,
    OfficerAssignment,
    Partner,
    FundingStream,
    Allocation,
    ReferrerOrganisation,
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_matches_the_published_figures(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first
    assert first["District"] == 7
    assert first["User"] == 6  # two hub workers

    total = Allocation.objects.filter(financial_year=2024).aggregate(total=Sum("amount"))["total"]
    assert total == Decimal("2959098")
    by_district = dict(
        Allocation.objects.filter(financial_year=2024)
        .values_list("district__ons_code")
        .annotate(total=Sum("amount"))
    )
    assert by_district == PUBLISHED_2024_25
    active_now = Allocation.objects.filter(stream__name="Active NoW").aggregate(t=Sum("amount"))[
        "t"
    ]
    assert active_now == Decimal("450000")

    out = capsys.readouterr().out
    assert "£2,959,098" in out
    assert "officer@example.org" in out
    assert "active-norfolk-demo" in out


@pytest.mark.django_db
def test_demo_users_hold_their_roles(settings):
    settings.DEBUG = True
    call_command("load_demo")
    roles = {u.email: sorted(u.role_names) for u in User.objects.all()}
    assert roles["officer@example.org"] == ["officer"]
    assert roles["admin@example.org"] == ["admin"]
    officer = User.objects.get(email="officer@example.org")
    assert sorted(officer.districts.values_list("name", flat=True)) == ["Breckland", "Norwich"]
    assert User.objects.get(email="referrer@example.org").organisation is not None


@pytest.mark.django_db
def test_load_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("load_demo")
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_load_demo_runs_with_debug_off_when_forced(settings):
    settings.DEBUG = False
    call_command("load_demo", "--force")
    assert District.objects.count() == 7

"""A district's social value as a reader of rounded figures meets it: every £ is worked out from
the counts as shown, so none gives an exact or hidden count back; exact readers and the
partnership page keep the exact figures."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from activeportal.lib.money import format_gbp
from activeportal.lib.suppression import Disclosure
from reports import tables
from reports.models import ImpactSnapshot
from reports.social_value import WELLBY, Parameters, social_value
from tests.reports.test_social_value import PUBLISHED

pytestmark = pytest.mark.django_db

# No count from 1 to 7 and none a multiple of 5: rounded, every one moves.
DISTRICT = {
    "inactive": {"active": 23, "fairly_active": 16, "inactive": 12},
    "fairly_active": {"active": 31, "fairly_active": 11, "inactive": 9},
    "active": {"active": 13, "fairly_active": 8, "inactive": 0},
}
ROUNDED = {
    "inactive": {"active": 25, "fairly_active": 15, "inactive": 10},
    "fairly_active": {"active": 30, "fairly_active": 10, "inactive": 10},
    "active": {"active": 15, "fairly_active": 10, "inactive": 0},
}
# value(after) − value(before) with the default model: £0, £1,200, £2,500
VALUE = {
    ("inactive", "active"): 2500,
    ("inactive", "fairly_active"): 1200,
    ("fairly_active", "active"): 1300,
    ("fairly_active", "inactive"): -1200,
    ("active", "fairly_active"): -1300,
}
INVESTED = Decimal("12345")
MONEY = re.compile(r"-?£[\d,]+(?:\.\d+)?")


def transitions(matrix, with_condition=0):
    return {
        "matrix": matrix,
        "people": sum(sum(row.values()) for row in matrix.values()),
        "inactive_to_active_with_condition": with_condition,
        "life_satisfaction": {"people": 0, "change": 0.0},
    }


def give(snapshot, matrix, *, with_condition=0, invested=INVESTED):
    """The snapshot with ``matrix`` as its programme-to-date changes and the social value built
    from them, as a rebuild would store them."""
    moves = transitions(matrix, with_condition)
    figures = dict(snapshot.figures)
    figures["to_date"] = {**figures["to_date"], "transitions": moves}
    figures["social_value"] = {
        **figures["social_value"],
        "to_date": social_value(transitions=moves, params=Parameters(), investment=invested),
    }
    ImpactSnapshot.objects.filter(pk=snapshot.pk).update(figures=figures, built_at=timezone.now())
    return figures["social_value"]["to_date"]


@pytest.fixture
def breckland_snapshot(built, breckland):
    return ImpactSnapshot.objects.get(year=2024, district=breckland)


@pytest.fixture
def partnership_snapshot(built):
    return ImpactSnapshot.objects.get(year=2024, district__isnull=True)


def amounts(page: str) -> set[str]:
    return set(MONEY.findall(page))


def test_no_pound_figure_on_a_district_page_gives_an_exact_count_back(
    client, manager, breckland_snapshot
):
    exact = give(breckland_snapshot, DISTRICT)
    client.force_login(manager)
    shown = amounts(client.get("/reports/2024/?district=breckland").content.decode())
    for (before, after), value in VALUE.items():
        assert format_gbp(DISTRICT[before][after] * value) not in shown, (before, after)
        assert format_gbp(ROUNDED[before][after] * value) in shown, (before, after)
    for key in ("gross_primary", "primary", "secondary", "gross_secondary", "total"):
        assert format_gbp(Decimal(exact[key])) not in shown, key
    # 67 people active at follow-up: the secondary value is that of the 65 shown
    assert format_gbp(67 * 200) not in shown
    assert format_gbp(Decimal("7956")) in shown  # 65 × £200 × 0.612


def test_the_arithmetic_shows_the_rounded_count(client, manager, breckland_snapshot):
    exact = give(breckland_snapshot, DISTRICT)
    client.force_login(manager)
    page = client.get("/reports/2024/?district=breckland").content.decode()
    assert "Secondary: 65 people × £200 × 0.612 = £7,956" in page
    assert "67 people" not in page
    # gross from the rounded lines: 25×2,500 + 15×1,200 + 30×1,300 − 10×1,200 − 10×1,300
    assert "Primary: £94,500 × 0.612 = £57,834" in page
    assert "Value per £1: £65,790 ÷ £12,345 = £5.33" in page
    assert f"£{exact['per_pound']}" not in page  # £5.41 from the exact counts
    assert "worked out from the numbers of people as shown on this page" in page


def test_the_download_holds_the_values_as_shown(client, manager, breckland_snapshot):
    give(breckland_snapshot, DISTRICT)
    client.force_login(manager)
    response = client.get("/reports/2024/download/social-value.csv?district=breckland")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    lines = {row[0]: row[1:] for row in rows[1:]}
    assert lines["inactive → active"] == ["25", "2500", "62500"]
    assert lines["fairly active → inactive"] == ["10", "-1200", "-12000"]
    assert lines["Gross primary value"][-1] == "94500"


def test_a_hidden_count_hides_every_value_that_rests_on_it(client, manager, breckland_snapshot):
    matrix = {**DISTRICT, "fairly_active": {"active": 31, "fairly_active": 11, "inactive": 3}}
    give(breckland_snapshot, matrix)
    client.force_login(manager)
    page = client.get("/reports/2024/?district=breckland").content.decode()
    row = re.search(r"fairly active → inactive</th>(.*?)</tr>", page).group(1)
    assert re.findall(r">([^<]*)</td>", row) == ["*", "-£1,200", "*"]
    assert "-£3,600" not in page
    # 11 is hidden in the transitions table so that the 3 cannot be found by subtraction:
    # the social value hides it too, or its row would undo that
    stayed = re.search(r"stayed fairly active</th>(.*?)</tr>", page).group(1)
    assert re.findall(r">([^<]*)</td>", stayed) == ["*", "£0", "£0"]
    assert "Primary: * × 0.612 = * (not shown: it rests on a number of people shown as *" in page
    assert "Value per £1: * ÷ £12,345 = * (not shown: it rests on a number of people" in page
    footer = re.search(r"Gross primary value</th>(.*?)</tr>", page).group(1)
    assert re.findall(r">([^<]*)</td>", footer)[-1] == "*"
    combined = re.search(r"Combined</th>(.*?)</tr>", page).group(1)
    assert re.findall(r">([^<]*)</td>", combined) == ["*", "*"]
    primary = re.search(r"Primary wellbeing value</th>(.*?)</tr>", page).group(1)
    assert re.findall(r">([^<]*)</td>", primary) == ["*", "*"]
    # the people active at follow-up are still shown (65), so the secondary value is too
    assert "Secondary: 65 people × £200 × 0.612 = £7,956" in page
    assert "rests on a number of people small enough to identify someone" in page
    card = re.search(r'display-6 mb-0">([^<]*)</p>\s*<p class="mb-0" id="card-sv"', page)
    assert card.group(1) == "*"


def test_a_hidden_part_of_inactive_to_active_hides_the_other_part():
    moves = transitions(DISTRICT, with_condition=3)
    sv = social_value(transitions=moves, params=Parameters(), investment=INVESTED)
    shown = tables.social_value_shown(sv, moves, Disclosure(exact=False))
    people = {line["label"]: line["people"] for line in shown["lines"]}
    assert people["inactive → active (disability or long-term condition)"] == "*"
    assert people["inactive → active"] == "*"  # else 25 − 20 would show the 3
    assert shown["primary"] == shown["per_pound"] == "*"


def test_a_split_shown_in_full_is_rounded_part_by_part():
    moves = transitions(DISTRICT, with_condition=11)
    sv = social_value(transitions=moves, params=Parameters(), investment=INVESTED)
    shown = tables.social_value_shown(sv, moves, Disclosure(exact=False))
    lines = {line["label"]: line for line in shown["lines"]}
    condition = lines["inactive → active (disability or long-term condition)"]
    assert (condition["people"], condition["gross"]) == (10, "50000.00")  # 11 → 10 × £5,000
    assert (lines["inactive → active"]["people"], lines["inactive → active"]["gross"]) == (
        10,
        "25000.00",
    )  # 12 → 10 × £2,500


def test_a_hidden_count_worth_nothing_a_person_hides_nothing():
    matrix = {**DISTRICT, "active": {"active": 4, "fairly_active": 8, "inactive": 0}}
    moves = transitions(matrix)
    sv = social_value(transitions=moves, params=Parameters(), investment=INVESTED)
    shown = tables.social_value_shown(sv, moves, Disclosure(exact=False))
    stayed = next(line for line in shown["lines"] if line["label"] == "stayed active")
    assert (stayed["people"], stayed["gross"]) == ("*", "0.00")


def test_the_wellby_method_hides_a_small_group_and_rounds_a_larger_one():
    params = Parameters(method=WELLBY)
    for rated, people, gross in (
        ({"people": 6, "change": 9.0}, "*", "*"),
        ({"people": 12, "change": 9.0}, 10, "117000.00"),
    ):
        moves = {**transitions(DISTRICT), "life_satisfaction": rated}
        sv = social_value(transitions=moves, params=params, investment=INVESTED)
        line = tables.social_value_shown(sv, moves, Disclosure(exact=False))["lines"][0]
        assert (line["people"], line["gross"]) == (people, gross)


def test_hub_and_admin_readers_keep_the_exact_figures(client, admin_user, breckland_snapshot):
    exact = give(breckland_snapshot, DISTRICT)
    client.force_login(admin_user)
    page = client.get("/reports/2024/?district=breckland").content.decode()
    assert "Secondary: 67 people × £200 × 0.612 = £8,201" in page
    assert format_gbp(23 * 2500) in amounts(page)
    assert f"£{exact['per_pound']}" in page
    assert "worked out from the numbers of people as shown" not in page


def test_the_partnership_page_keeps_the_published_figures(client, manager, partnership_snapshot):
    sv = give(partnership_snapshot, PUBLISHED, invested=Decimal("450000"))
    assert tables.social_value_shown(sv, transitions(PUBLISHED), Disclosure(exact=True)) is sv
    client.force_login(manager)
    page = client.get("/reports/2024/").content.decode()
    assert "Primary: £4,423,700 × 0.612 = £2,707,304" in page
    assert "Secondary: 2,221 people × £200 × 0.612 = £271,850" in page
    assert "Value per £1: £2,979,155 ÷ £450,000 = £6.62" in page
    assert "£6.02" in page and "£0.60" in page
    assert "£1,852,500" in page  # 741 × £2,500, as counted
    assert "worked out from the numbers of people as shown" not in page
    assert "Social value per £1 invested, programme to date" in page
    report = client.get("/reports/2024/report/").content.decode()
    assert "Value per £1: £2,979,155 ÷ £450,000 = £6.62" in report

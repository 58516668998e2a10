"""Social value on the published Active NoW transition table (programme to date, 2024-25)."""

from __future__ import annotations

from decimal import Decimal

from reports.social_value import WELLBY, Parameters, social_value

# ../shared/data/norfolk-2024-25.md: changes in activity level, people with a follow-up.
PUBLISHED = {
    "inactive": {"active": 741, "fairly_active": 756, "inactive": 210},
    "fairly_active": {"active": 1333, "fairly_active": 135, "inactive": 52},
    "active": {"active": 147, "fairly_active": 5, "inactive": 0},
}
INVESTED = Decimal("450000")


def transitions(with_condition=0, matrix=PUBLISHED, rated=None):
    return {
        "matrix": matrix,
        "people": sum(sum(row.values()) for row in matrix.values()),
        "inactive_to_active_with_condition": with_condition,
        "life_satisfaction": rated or {"people": 0, "change": 0.0},
    }


def test_the_default_model_on_the_published_table_and_450k_gives_6_62_per_pound():
    sv = social_value(transitions=transitions(), params=Parameters(), investment=INVESTED)
    # gross: 741×2,500 + 756×1,200 + 1,333×1,300 − 52×1,200 − 5×1,300 = £4,423,700
    assert sv["gross_primary"] == "4423700.00"
    # adjustments: (1 − 15%) × 80% × (1 − 10%) = 0.612
    assert Decimal(sv["adjustment"]) == Decimal("0.612")
    assert sv["primary"] == "2707304.40"
    # secondary: 741 + 1,333 + 147 people active at follow-up × £200 × 0.612
    assert sv["secondary_people"] == 2221
    assert sv["secondary"] == "271850.40"
    assert sv["per_pound_primary"] == "6.02"
    assert sv["per_pound_secondary"] == "0.60"
    assert sv["per_pound"] == "6.62"
    assert sv["arithmetic"][-1] == "Value per £1: £2,979,155 ÷ £450,000 = £6.62"


def test_if_every_inactive_to_active_person_had_a_condition_it_gives_9_14():
    sv = social_value(transitions=transitions(741), params=Parameters(), investment=INVESTED)
    assert sv["gross_primary"] == "6276200.00"
    assert sv["per_pound"] == "9.14"


def test_each_line_is_people_times_value_and_a_drop_counts_negative():
    sv = social_value(transitions=transitions(), params=Parameters(), investment=INVESTED)
    lines = {line["label"]: line for line in sv["lines"]}
    assert lines["fairly active → inactive"]["gross"] == "-62400.00"
    assert lines["inactive → active"]["value_per_person"] == "2500.00"
    assert lines["stayed active"]["gross"] == "0.00"
    total = sum(Decimal(line["gross"]) for line in sv["lines"])
    assert total == Decimal(sv["gross_primary"])


def test_the_wellby_method_values_the_measured_change():
    params = Parameters(
        method=WELLBY,
        deadweight_pct=Decimal(0),
        drop_off_pct=Decimal(0),
        attribution_pct=Decimal(100),
    )
    rated = {"people": 10, "change": 12.0}
    sv = social_value(transitions=transitions(rated=rated), params=params, investment=INVESTED)
    assert sv["gross_primary"] == "156000.00"  # 12 points × £13,000
    assert sv["method"] == WELLBY


def test_nothing_invested_gives_no_value_per_pound():
    sv = social_value(transitions=transitions(), params=Parameters(), investment=Decimal(0))
    assert sv["per_pound"] is None
    assert "nothing invested" in sv["arithmetic"][-1]

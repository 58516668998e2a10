"""Social value (DESIGN.md §4) as a pure function of the transitions and the money invested.

How the figure is reached, per-level method:

1. Each transition is valued per person as value(level after) − value(level before), with the
   model's annual wellbeing values (inactive £0, fairly active £1,200, active £2,500 by default).
   An inactive person with a disability or long-term condition who becomes active is valued at
   the model's higher figure instead (£5,000): the adjustment for participant characteristics.
2. Gross primary value = Σ people × value per person (a drop in level counts negative).
3. Secondary (system) value = people who became or stayed active × the saving per person.
4. Both are multiplied by the adjustments: (1 − deadweight) × attribution × (1 − drop-off).
5. Value per £1 = value ÷ the money invested (allocations of the model's investment streams up to
   the end of the year, withdrawn allocations excluded).

WELLBY method: the measured life-satisfaction change of the people who recorded it twice × the
value of one WELLBY replaces step 1–2; the rest is the same.

Money is Decimal in pounds; figures are returned as strings with two places for the JSON
snapshot, with the arithmetic written out so a reader can check it by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from activeportal.lib.money import format_gbp, to_pounds

from .statistics import LEVELS

PER_LEVEL = "per_level"
WELLBY = "wellby"
LEVEL_LABELS = {"inactive": "inactive", "fairly_active": "fairly active", "active": "active"}


@dataclass(frozen=True)
class Parameters:
    """The numbers of one social-value model version."""

    method: str = PER_LEVEL
    wellby_value: Decimal = Decimal("13000")
    value_inactive: Decimal = Decimal("0")
    value_fairly_active: Decimal = Decimal("1200")
    value_active: Decimal = Decimal("2500")
    value_inactive_to_active_condition: Decimal = Decimal("5000")
    secondary_per_person: Decimal = Decimal("200")
    deadweight_pct: Decimal = Decimal("15")
    attribution_pct: Decimal = Decimal("80")
    drop_off_pct: Decimal = Decimal("10")

    def level_value(self, level: str) -> Decimal:
        return {
            "inactive": self.value_inactive,
            "fairly_active": self.value_fairly_active,
            "active": self.value_active,
        }[level]

    @property
    def adjustment(self) -> Decimal:
        """(1 − deadweight) × attribution × (1 − drop-off), as a fraction."""
        keep = (100 - self.deadweight_pct) * self.attribution_pct * (100 - self.drop_off_pct)
        return keep / Decimal(1_000_000)


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def _per_pound(value: Decimal, investment: Decimal) -> str | None:
    if investment <= 0:
        return None
    return str((value / investment).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def primary_lines(transitions: dict[str, Any], params: Parameters) -> list[dict[str, Any]]:
    """One line per kind of change: people × value per person = gross £."""
    if params.method == WELLBY:
        rated = transitions["life_satisfaction"]
        change = Decimal(str(rated["change"]))
        return [
            {
                "label": "measured change in life satisfaction (points, all people rated twice)",
                "people": rated["people"],
                "units": str(change),
                "value_per_person": str(to_pounds(params.wellby_value)),
                "gross": str(to_pounds(change * params.wellby_value)),
            }
        ]
    matrix = transitions["matrix"]
    with_condition = transitions.get("inactive_to_active_with_condition", 0)
    lines = []
    for before in LEVELS:
        for after in LEVELS:
            people = matrix[before][after]
            value = params.level_value(after) - params.level_value(before)
            label = (
                f"stayed {LEVEL_LABELS[before]}"
                if before == after
                else f"{LEVEL_LABELS[before]} → {LEVEL_LABELS[after]}"
            )
            if before == "inactive" and after == "active" and with_condition:
                cond = params.value_inactive_to_active_condition
                lines.append(
                    _line(label + " (disability or long-term condition)", with_condition, cond)
                )
                people -= with_condition
            lines.append(_line(label, people, value))
    return lines


def _line(label: str, people: int, value: Decimal) -> dict[str, Any]:
    return {
        "label": label,
        "people": people,
        "value_per_person": str(to_pounds(value)),
        "gross": str(to_pounds(value * people) if people else to_pounds(0)),
    }


def social_value(
    *, transitions: dict[str, Any], params: Parameters, investment: Decimal
) -> dict[str, Any]:
    """Primary, secondary and combined social value, and value per £1, with the arithmetic."""
    lines = primary_lines(transitions, params)
    gross_primary = sum((Decimal(line["gross"]) for line in lines), Decimal(0))
    active_people = sum(transitions["matrix"][before]["active"] for before in LEVELS)
    gross_secondary = params.secondary_per_person * active_people
    factor = params.adjustment
    primary = to_pounds(gross_primary * factor)
    secondary = to_pounds(gross_secondary * factor)
    total = primary + secondary
    investment = to_pounds(investment)
    adjustments = (
        f"(1 − {_pct(params.deadweight_pct)} deadweight) × {_pct(params.attribution_pct)} "
        f"attribution × (1 − {_pct(params.drop_off_pct)} drop-off) = {factor.normalize():f}"
    )
    return {
        "method": params.method,
        "lines": lines,
        "gross_primary": str(to_pounds(gross_primary)),
        "secondary_people": active_people,
        "secondary_per_person": str(to_pounds(params.secondary_per_person)),
        "gross_secondary": str(to_pounds(gross_secondary)),
        "adjustment": str(factor),
        "adjustments_text": adjustments,
        "primary": str(primary),
        "secondary": str(secondary),
        "total": str(total),
        "investment": str(investment),
        "per_pound_primary": _per_pound(primary, investment),
        "per_pound_secondary": _per_pound(secondary, investment),
        "per_pound": _per_pound(total, investment),
        "arithmetic": [
            f"Primary: {format_gbp(gross_primary)} × {factor.normalize():f} "
            f"= {format_gbp(primary)}",
            f"Secondary: {active_people:,} people × {format_gbp(params.secondary_per_person)} "
            f"× {factor.normalize():f} = {format_gbp(secondary)}",
            f"Value per £1: {format_gbp(total)} ÷ {format_gbp(investment)}"
            + (f" = £{_per_pound(total, investment)}" if investment > 0 else " (nothing invested)"),
        ],
    }

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

A reader who sees rounded counts (below partnership level) is given the same figures worked out
again from the counts as shown to them (``social_value_as_shown``): a gross value from the exact
count would give that count back (gross ÷ value per person), and a value resting on a hidden
count is hidden (``*``) with every total reached from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from activeportal.lib.money import format_count, format_gbp, to_pounds
from activeportal.lib.suppression import SUPPRESSED, Published

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


def _per_pound(value: Decimal | str, investment: Decimal) -> str | None:
    if investment <= 0:
        return None
    if value == SUPPRESSED:
        return SUPPRESSED
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
    lines = []
    for cell in line_cells(transitions):
        before, after, label, people, condition = cell
        if condition:
            value = params.value_inactive_to_active_condition
        else:
            value = params.level_value(after) - params.level_value(before)
        lines.append(_line(label, people, value))
    return lines


def line_cells(transitions: dict[str, Any]) -> list[tuple[str, str, str, int, bool]]:
    """Each line of the per-level method as (level before, level after, label, people, whether
    it is the part of inactive → active with a disability or long-term condition), in the order
    the lines are shown: so the counts a reader sees can be matched to the lines."""
    matrix = transitions["matrix"]
    with_condition = transitions.get("inactive_to_active_with_condition", 0)
    cells = []
    for before in LEVELS:
        for after in LEVELS:
            people = matrix[before][after]
            label = (
                f"stayed {LEVEL_LABELS[before]}"
                if before == after
                else f"{LEVEL_LABELS[before]} → {LEVEL_LABELS[after]}"
            )
            if before == "inactive" and after == "active" and with_condition:
                condition_label = label + " (disability or long-term condition)"
                cells.append((before, after, condition_label, with_condition, True))
                people -= with_condition
            cells.append((before, after, label, people, False))
    return cells


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
    adjustments = (
        f"(1 − {_pct(params.deadweight_pct)} deadweight) × {_pct(params.attribution_pct)} "
        f"attribution × (1 − {_pct(params.drop_off_pct)} drop-off) = "
        f"{params.adjustment.normalize():f}"
    )
    return _summary(
        method=params.method,
        lines=lines,
        gross_primary=sum((Decimal(line["gross"]) for line in lines), Decimal(0)),
        secondary_people=sum(transitions["matrix"][before]["active"] for before in LEVELS),
        secondary_per_person=params.secondary_per_person,
        factor=params.adjustment,
        adjustments_text=adjustments,
        investment=to_pounds(investment),
    )


def social_value_as_shown(
    sv: dict[str, Any], *, people: list[Published], secondary_people: Published
) -> dict[str, Any]:
    """``sv`` worked out again from the counts a reader is shown (rounded, or ``*``), one per
    line, and the people active at follow-up as shown.

    Gross values, totals and value per £1 taken from exact counts would give those counts back
    (gross ÷ value per person), so a reader who sees rounded counts sees values computed from
    them; a value resting on a hidden count is hidden too (``*``). A line worth £0 a person
    rests on nobody's count, so it hides nothing.
    """
    lines = [_line_as_shown(line, shown) for line, shown in zip(sv["lines"], people, strict=True)]
    grosses = [line["gross"] for line in lines]
    gross_primary = (
        SUPPRESSED
        if SUPPRESSED in grosses
        else sum((Decimal(gross) for gross in grosses), Decimal(0))
    )
    return _summary(
        method=sv["method"],
        lines=lines,
        gross_primary=gross_primary,
        secondary_people=secondary_people,
        secondary_per_person=Decimal(sv["secondary_per_person"]),
        factor=Decimal(sv["adjustment"]),
        adjustments_text=sv["adjustments_text"],
        investment=Decimal(sv["investment"]),
    )


def _line_as_shown(line: dict[str, Any], people: Published) -> dict[str, Any]:
    value = Decimal(line["value_per_person"])
    if "units" in line:  # WELLBY: the measured change of the people counted
        if people == SUPPRESSED:
            return {**line, "people": people, "units": SUPPRESSED, "gross": SUPPRESSED}
        return {**line, "people": people}
    if people == SUPPRESSED:
        return {**line, "people": people, "gross": SUPPRESSED if value else str(to_pounds(0))}
    return {**line, "people": people, "gross": str(to_pounds(value * int(people)))}


def _times(amount: Decimal | str, by: Decimal | int | str) -> Decimal | str:
    """A product in pounds, hidden when either side is."""
    if SUPPRESSED in (amount, by):
        return SUPPRESSED
    return to_pounds(Decimal(amount) * Decimal(by))


def _summary(
    *,
    method: str,
    lines: list[dict[str, Any]],
    gross_primary: Decimal | str,
    secondary_people: Published,
    secondary_per_person: Decimal,
    factor: Decimal,
    adjustments_text: str,
    investment: Decimal,
) -> dict[str, Any]:
    """The totals, value per £1 and the arithmetic of the lines; ``*`` for a hidden figure and
    for every figure reached from it."""
    gross_secondary = _times(secondary_per_person, secondary_people)
    primary = _times(gross_primary, factor)
    secondary = _times(gross_secondary, factor)
    total = SUPPRESSED if SUPPRESSED in (primary, secondary) else primary + secondary
    per_pound = _per_pound(total, investment)
    return {
        "method": method,
        "lines": lines,
        "gross_primary": _text(gross_primary),
        "secondary_people": secondary_people,
        "secondary_per_person": str(to_pounds(secondary_per_person)),
        "gross_secondary": _text(gross_secondary),
        "adjustment": str(factor),
        "adjustments_text": adjustments_text,
        "primary": _text(primary),
        "secondary": _text(secondary),
        "total": _text(total),
        "investment": str(investment),
        "per_pound_primary": _per_pound(primary, investment),
        "per_pound_secondary": _per_pound(secondary, investment),
        "per_pound": per_pound,
        "arithmetic": [
            f"Primary: {_gbp(gross_primary)} × {factor.normalize():f} = {_gbp(primary)}"
            + _why(primary),
            f"Secondary: {format_count(secondary_people)} people × "
            f"{format_gbp(secondary_per_person)} × {factor.normalize():f} = {_gbp(secondary)}"
            + _why(secondary),
            f"Value per £1: {_gbp(total)} ÷ {format_gbp(investment)}"
            + (_per_pound_text(per_pound) if investment > 0 else " (nothing invested)")
            + _why(total),
        ],
    }


HIDDEN_WHY = " (not shown: it rests on a number of people shown as *, small enough to identify)"


def _why(value: Decimal | str) -> str:
    return HIDDEN_WHY if value == SUPPRESSED else ""


def _per_pound_text(per_pound: str | None) -> str:
    return " = *" if per_pound == SUPPRESSED else f" = £{per_pound}"


def _text(value: Decimal | str) -> str:
    return value if value == SUPPRESSED else str(to_pounds(value))


def _gbp(value: Decimal | str) -> str:
    return value if value == SUPPRESSED else format_gbp(value)

"""The tables of the impact pages, built from a snapshot's figures for one reader.

Every table on a page, in a chart's data table, in a download and on the public page comes from
here, with disclosure control applied once (activeportal.lib.suppression): below partnership
level counts are suppressed and rounded unless the reader sees exact numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.formats import date_format

from activeportal.lib.money import format_count, format_gbp
from activeportal.lib.suppression import SUPPRESSED, Disclosure, Published, rule_text
from referrals.models import Pathway

from .social_value import WELLBY, line_cells, social_value_as_shown
from .statistics import LEVELS, PATHWAYS

LEVEL_NAMES = {"inactive": "Inactive", "fairly_active": "Fairly active", "active": "Active"}
PATHWAY_NAMES = {str(p): p.label for p in Pathway}
INACTIVE_TO_ACTIVE = ("inactive", "active")  # the social value splits it by condition


@dataclass
class Table:
    """Cells hold numbers (or ``*``, or text such as a percentage); the page writes them as
    people do (``|count``) and the downloads keep them as numbers."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    note: str = ""
    footer: list[Any] | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    rounding_note: str = ""

    def download_rows(self) -> list[list[Any]]:
        return [*self.rows, *([self.footer] if self.footer else [])]


def total_label(disclosure: Disclosure, word: str = "Total") -> str:
    """The totals row's label: a rounded total says so, so nobody takes it for the count."""
    base = settings.SUPPRESSION_ROUNDING
    if disclosure.exact or base <= 1:
        return word
    return f"{word}, rounded to the nearest {base}"


def rounding_note(disclosure: Disclosure, exact: str = "") -> str:
    """Beside every rounded table: the rule in the settings' words, why the totals may differ
    from the sum of the rows and, where the partnership's figures are published, the exact
    ones (``exact``), so a reader comparing with the headline is not left guessing."""
    if disclosure.exact:
        return ""
    note = (
        f"Figures in this table are {rule_text()}, so that no one can be identified. "
        "Totals are the true totals rounded in the same way, so they may differ from the sum "
        "of the rows."
    )
    return f"{note} {exact}" if exact else note


def month_label(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return date_format(date(year, number, 1), "M Y")


def key_figures(figures: dict, disclosure: Disclosure) -> list[dict[str, Any]]:
    """The cards at the top of the dashboard: label, published value, a hint."""
    d = disclosure
    to_date = figures["to_date"]
    share = (
        d.share(figures["deprived"], figures["decile_known"])
        if not d.exact
        else figures["deprived_share"]
    )
    return [
        {"label": "Referrals", "value": d.count(figures["referrals"])},
        {"label": "Referring organisations", "value": d.count(figures["organisations"])},
        {
            "label": "In the two most deprived IMD quintiles",
            "value": share,
            "suffix": "%" if share not in (None, SUPPRESSED) else "",
        },
        {"label": "Falls referrals", "value": d.count(figures["pathways"]["falls"])},
        {"label": "Referred onto activity", "value": d.count(figures["onto_activity"])},
        {"label": "Referrals, programme to date", "value": d.count(to_date["referrals"])},
        {
            "label": "Referred onto activity, programme to date",
            "value": d.count(to_date["onto_activity"]),
        },
    ]


def months_table(figures: dict, disclosure: Disclosure) -> Table:
    months = figures["by_month"]["months"]
    cells = [[figures["by_month"]["rows"][p][i] for p in PATHWAYS] for i in range(len(months))]
    t = disclosure.table(cells)
    rows = [[month_label(m), *t.cells[i], t.row_totals[i]] for i, m in enumerate(months)]
    return Table(
        key="months",
        title="Referrals by month and pathway",
        headers=["Month", *(PATHWAY_NAMES[p] for p in PATHWAYS), "All pathways"],
        rows=rows,
        footer=[total_label(disclosure), *t.column_totals, t.grand_total],
        rounding_note=rounding_note(disclosure),
    )


def deciles_table(figures: dict, disclosure: Disclosure) -> Table:
    keys = [str(n) for n in range(1, 11)] + ["unknown"]
    t = disclosure.table([[figures["deciles"][k]] for k in keys])
    labels = ["1 (most deprived)", *(str(n) for n in range(2, 10)), "10 (least deprived)"]
    labels.append("Not known")
    return Table(
        key="deprivation",
        title="Deprivation profile: referrals by IMD decile",
        headers=["IMD decile", "Referrals"],
        rows=[[label, t.cells[i][0]] for i, label in enumerate(labels)],
        footer=[total_label(disclosure), t.grand_total],
        note="Deciles of the Index of Multiple Deprivation of the person's postcode; deciles "
        "1–4 are the two most deprived quintiles.",
        rounding_note=rounding_note(disclosure),
    )


def transitions_table(matrix: dict, disclosure: Disclosure, *, key: str, title: str) -> Table:
    cells = [[matrix[a][b] for b in LEVELS] for a in LEVELS]
    t = disclosure.table(cells)
    return Table(
        key=key,
        title=title,
        headers=["Level at referral", *(f"{LEVEL_NAMES[b]} at follow-up" for b in LEVELS), "All"],
        rows=[[LEVEL_NAMES[a], *t.cells[i], t.row_totals[i]] for i, a in enumerate(LEVELS)],
        footer=[total_label(disclosure, "All"), *t.column_totals, t.grand_total],
        note="People with at least one completed follow-up: level at referral against the "
        "level at the latest completed follow-up.",
        raw={"cells": t.cells},
        rounding_note=rounding_note(disclosure),
    )


def baseline_table(figures: dict, disclosure: Disclosure) -> Table:
    keys = [*LEVELS, "unknown"]
    cells = [
        [figures["baseline_levels"][k], figures["to_date"]["baseline_levels"][k]] for k in keys
    ]
    t = disclosure.table(cells)
    labels = [*(LEVEL_NAMES[k] for k in LEVELS), "Not known"]
    return Table(
        key="baseline",
        title="Activity level at referral",
        headers=["Level at referral", "This year", "Programme to date"],
        rows=[[label, *t.cells[i]] for i, label in enumerate(labels)],
        footer=[total_label(disclosure), *t.column_totals],
        rounding_note=rounding_note(disclosure),
    )


def breakdown_table(
    rows: list[dict],
    disclosure: Disclosure,
    *,
    key: str,
    title: str,
    first: str,
    names: dict,
    exact_totals: dict | None = None,
) -> Table:
    """Per district or pathway: referrals, organisations, onto activity, deprivation, follow-ups.

    ``exact_totals`` (the scope's figures, when they are published as counted) puts the exact
    referrals and referred onto activity into the rounding note beside the rounded totals.
    """
    cells = [[r["referrals"], r["onto_activity"]] for r in rows]
    t = disclosure.table(cells) if cells else None
    out = []
    for i, r in enumerate(rows):
        deprived = (
            r["deprived_share"]
            if disclosure.exact
            else disclosure.share(r["deprived"], r["decile_known"])
        )
        out.append(
            [
                names.get(r["key"], "Not known"),
                t.cells[i][0],
                disclosure.count(r["organisations"]),
                t.cells[i][1],
                "—" if deprived is None else (f"{deprived}%" if deprived != SUPPRESSED else "*"),
                disclosure.count(sum(sum(v.values()) for v in r["transitions"].values())),
            ]
        )
    return Table(
        key=key,
        title=title,
        headers=[
            first,
            "Referrals",
            "Organisations",
            "Referred onto activity",
            "Most deprived quintiles",
            "People followed up",
        ],
        rows=out,
        footer=[total_label(disclosure), t.column_totals[0], "", t.column_totals[1], "", ""]
        if t
        else None,
        rounding_note=rounding_note(disclosure, _exact_totals_text(exact_totals)),
    )


def _exact_totals_text(figures: dict | None) -> str:
    if figures is None:
        return ""
    return (
        f"The exact totals are {format_count(figures['referrals'])} referrals and "
        f"{format_count(figures['onto_activity'])} referred onto activity, as in the key figures."
    )


def social_value_shown(sv: dict, transitions: dict, disclosure: Disclosure) -> dict:
    """The social value as this reader may see it: as built for a reader of exact numbers;
    otherwise worked out again from the counts of the transitions table on the same page
    (rounded, small ones hidden, with its secondary suppression), since a value taken from exact
    counts gives them back (gross ÷ value per person)."""
    if disclosure.exact:
        return sv
    people, active = _social_value_people(sv, transitions, disclosure)
    return social_value_as_shown(sv, people=people, secondary_people=active)


def _social_value_people(
    sv: dict, transitions: dict, disclosure: Disclosure
) -> tuple[list[Published], Published]:
    """The people of each line and the people active at follow-up, as the transitions table
    shows them. The inactive → active cell, when split by disability or long-term condition, is
    suppressed as a row of two parts: one part hidden hides the other, as the cell is shown."""
    matrix = transitions["matrix"]
    table = disclosure.table([[matrix[a][b] for b in LEVELS] for a in LEVELS])
    active = table.column_totals[LEVELS.index("active")]
    if sv["method"] == WELLBY:
        return [disclosure.count(line["people"]) for line in sv["lines"]], active
    shown = {(a, b): table.cells[i][j] for i, a in enumerate(LEVELS) for j, b in enumerate(LEVELS)}
    cells = line_cells(transitions)
    split = [cell for cell in cells if cell[:2] == INACTIVE_TO_ACTIVE]
    parts = disclosure.table([[cell[3] for cell in split]]).cells[0]
    part_of = {cell[4]: parts[i] for i, cell in enumerate(split)}
    people = []
    for before, after, _label, _count, condition in cells:
        cell = shown[(before, after)]
        if len(split) > 1 and (before, after) == INACTIVE_TO_ACTIVE and cell != SUPPRESSED:
            cell = part_of[condition]
        people.append(cell)
    return people, active


def social_value_table(sv: dict, disclosure: Disclosure) -> Table:
    """The arithmetic, line by line: people × value per person = gross £, of the social value
    as the reader sees it (``social_value_shown``)."""
    rows = [
        [
            line["label"],
            line["people"],
            format_gbp(Decimal(line["value_per_person"])),
            _gbp(line["gross"]),
        ]
        for line in sv["lines"]
    ]
    return Table(
        key="social-value",
        title="Social value: primary wellbeing value, line by line",
        headers=["Change", "People", "Value per person", "Gross value"],
        rows=rows,
        footer=["Gross primary value", "", "", _gbp(sv["gross_primary"])],
        raw={"hidden": SUPPRESSED in (sv["primary"], sv["secondary"]), "shown": sv},
        rounding_note=_social_value_note(disclosure),
    )


def _gbp(value: str) -> str:
    return value if value == SUPPRESSED else format_gbp(Decimal(value))


def _social_value_note(disclosure: Disclosure) -> str:
    """Unlike a table of counts, the values here are not rounded totals: they are worked out
    from the people as shown, and the note says so."""
    if disclosure.exact:
        return ""
    return (
        f"Figures in this table are {rule_text()}, so that no one can be identified: the "
        "counts of people are, and every value is worked out from the people as shown, not from "
        "the exact counts, so it may differ slightly from the exact value. A value that rests on "
        "a number shown as * is shown as * too."
    )


def district_names(districts) -> dict:
    return {d.pk: d.name for d in districts}


def all_tables(figures: dict, *, exact_scope: Disclosure, below: Disclosure, names: dict) -> dict:
    """Every table of a snapshot, keyed for the page and the downloads."""
    d = exact_scope
    tables = [
        months_table(figures, d),
        deciles_table(figures, d),
        baseline_table(figures, d),
        transitions_table(
            figures["transitions"]["matrix"],
            d,
            key="transitions",
            title="Changes in activity level, this year",
        ),
        transitions_table(
            figures["to_date"]["transitions"]["matrix"],
            d,
            key="transitions-to-date",
            title="Changes in activity level, programme to date",
        ),
        breakdown_table(
            figures["by_district"],
            below,
            key="districts",
            title="By district",
            first="District",
            names=names,
            exact_totals=figures if d.exact else None,
        ),
        breakdown_table(
            figures["by_pathway"],
            d,
            key="pathways",
            title="By pathway",
            first="Pathway",
            names=PATHWAY_NAMES,
        ),
        social_value_table(
            social_value_shown(
                figures["social_value"]["to_date"], figures["to_date"]["transitions"], d
            ),
            d,
        ),
    ]
    return {t.key: t for t in tables}

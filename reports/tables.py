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

from django.utils.formats import date_format

from activeportal.lib.money import format_gbp
from activeportal.lib.suppression import SUPPRESSED, Disclosure
from referrals.models import Pathway

from .statistics import LEVELS, PATHWAYS

LEVEL_NAMES = {"inactive": "Inactive", "fairly_active": "Fairly active", "active": "Active"}
PATHWAY_NAMES = {str(p): p.label for p in Pathway}


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    note: str = ""
    footer: list[Any] | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    def download_rows(self) -> list[list[Any]]:
        return [*self.rows, *([self.footer] if self.footer else [])]


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
        footer=["Total", *t.column_totals, t.grand_total],
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
        footer=["Total", t.grand_total],
        note="Deciles of the Index of Multiple Deprivation of the person's postcode; deciles "
        "1–4 are the two most deprived quintiles.",
    )


def transitions_table(matrix: dict, disclosure: Disclosure, *, key: str, title: str) -> Table:
    cells = [[matrix[a][b] for b in LEVELS] for a in LEVELS]
    t = disclosure.table(cells)
    return Table(
        key=key,
        title=title,
        headers=["Level at referral", *(f"{LEVEL_NAMES[b]} at follow-up" for b in LEVELS), "All"],
        rows=[[LEVEL_NAMES[a], *t.cells[i], t.row_totals[i]] for i, a in enumerate(LEVELS)],
        footer=["All", *t.column_totals, t.grand_total],
        note="People with at least one completed follow-up: level at referral against the "
        "level at the latest completed follow-up.",
        raw={"cells": t.cells},
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
        footer=["Total", *t.column_totals],
    )


def breakdown_table(
    rows: list[dict], disclosure: Disclosure, *, key: str, title: str, first: str, names: dict
) -> Table:
    """Per district or pathway: referrals, organisations, onto activity, deprivation, follow-ups."""
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
        footer=["Total", t.column_totals[0], "", t.column_totals[1], "", ""] if t else None,
    )


def social_value_table(sv: dict, disclosure: Disclosure) -> Table:
    """The arithmetic, line by line: people × value per person = gross £."""
    lines = sv["lines"]
    people = [disclosure.count(line["people"]) for line in lines]
    hidden = SUPPRESSED in people
    rows = [
        [
            line["label"],
            people[i],
            format_gbp(Decimal(line["value_per_person"])),
            "*" if people[i] == SUPPRESSED else format_gbp(Decimal(line["gross"])),
        ]
        for i, line in enumerate(lines)
    ]
    return Table(
        key="social-value",
        title="Social value: primary wellbeing value, line by line",
        headers=["Change", "People", "Value per person", "Gross value"],
        rows=rows,
        footer=[
            "Gross primary value",
            "",
            "",
            "*" if hidden else format_gbp(Decimal(sv["gross_primary"])),
        ],
        raw={"hidden": hidden},
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
        ),
        breakdown_table(
            figures["by_pathway"],
            d,
            key="pathways",
            title="By pathway",
            first="Pathway",
            names=PATHWAY_NAMES,
        ),
        social_value_table(figures["social_value"]["to_date"], d),
    ]
    return {t.key: t for t in tables}

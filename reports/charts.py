"""Plotly charts of the impact pages, drawn from the same (disclosure-controlled) tables.

Rendered into the page with ``fig.to_html(full_html=False, include_plotlyjs=False)``; the page
loads plotly.js from the installed npm package (never a CDN). Suppressed cells are gaps.
Each chart's HTML is kept in the cache, keyed by its table (activeportal.lib.charts.remembered).
"""

from __future__ import annotations

import plotly.graph_objects as go

from activeportal.lib.charts import remembered
from activeportal.lib.suppression import SUPPRESSED

from .statistics import LEVELS
from .tables import LEVEL_NAMES, Table

CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}
COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738"]


def _number(value):
    return None if value in (SUPPRESSED, None, "") else value


def _html(fig: go.Figure, title: str) -> str:
    fig.update_layout(
        title={"text": title},
        margin={"l": 50, "r": 20, "t": 50, "b": 50},
        height=360,
        font={"family": "system-ui, sans-serif", "color": "#0b0c0c"},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    return fig.to_html(full_html=False, include_plotlyjs=False, config=CONFIG)


@remembered
def months_chart(table: Table) -> str:
    fig = go.Figure()
    for col, name in enumerate(table.headers[1:-1], start=1):
        fig.add_bar(
            x=[row[0] for row in table.rows],
            y=[_number(row[col]) for row in table.rows],
            name=name,
            marker_color=COLOURS[(col - 1) % len(COLOURS)],
        )
    fig.update_layout(barmode="stack", yaxis_title="Referrals")
    return _html(fig, table.title)


@remembered
def deciles_chart(table: Table) -> str:
    fig = go.Figure(
        go.Bar(
            x=[row[0] for row in table.rows],
            y=[_number(row[1]) for row in table.rows],
            marker_color=COLOURS[0],
        )
    )
    fig.update_layout(yaxis_title="Referrals", xaxis_title="IMD decile")
    return _html(fig, table.title)


@remembered
def sankey_chart(table: Table) -> str:
    """Level at referral (left) to level at the latest follow-up (right)."""
    names = [f"{LEVEL_NAMES[level]} at referral" for level in LEVELS]
    names += [f"{LEVEL_NAMES[level]} at follow-up" for level in LEVELS]
    source, target, value = [], [], []
    for i, row in enumerate(table.raw["cells"]):
        for j, people in enumerate(row):
            if _number(people):
                source.append(i)
                target.append(len(LEVELS) + j)
                value.append(people)
    fig = go.Figure(
        go.Sankey(
            node={"label": names, "color": COLOURS[:3] * 2, "pad": 20},
            link={"source": source, "target": target, "value": value},
        )
    )
    return _html(fig, table.title)


@remembered
def social_value_chart(sv: dict) -> str:
    fig = go.Figure(
        go.Bar(
            x=["Primary wellbeing value", "Secondary system value"],
            y=[float(sv["per_pound_primary"] or 0), float(sv["per_pound_secondary"] or 0)],
            marker_color=[COLOURS[0], COLOURS[2]],
        )
    )
    fig.update_layout(yaxis_title="£ of value per £1 invested")
    return _html(fig, "Social value per £1 invested, programme to date")

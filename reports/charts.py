"""Plotly charts of the impact pages, drawn from the same (disclosure-controlled) tables.

Written into the page by ``activeportal.lib.charts.chart_html`` (the figure as JSON, its text
escaped, drawn by static/js/charts.js with plotly.js from the installed npm package, never a
CDN). Suppressed cells are gaps.
Each chart's HTML is kept in the cache, keyed by its table (activeportal.lib.charts.remembered).
"""

from __future__ import annotations

import plotly.graph_objects as go

from activeportal.lib.charts import chart_html, remembered
from activeportal.lib.suppression import SUPPRESSED

from .statistics import LEVELS
from .tables import LEVEL_NAMES, Table

COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738"]
# Counts read as people write them, on the axis and on hover: 4,694.
COUNT_AXIS = {"tickformat": ",d", "hoverformat": ",d"}
COUNT_HOVER = "%{x}<br>%{fullData.name}: %{y:,d}<extra></extra>"


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
    return chart_html(fig, label=f"Chart: {title}. The same figures are in the table beside it.")


@remembered
def months_chart(table: Table) -> str:
    fig = go.Figure()
    for col, name in enumerate(table.headers[1:-1], start=1):
        fig.add_bar(
            x=[row[0] for row in table.rows],
            y=[_number(row[col]) for row in table.rows],
            name=name,
            marker_color=COLOURS[(col - 1) % len(COLOURS)],
            hovertemplate=COUNT_HOVER,
        )
    fig.update_layout(barmode="stack", yaxis={"title": "Referrals", **COUNT_AXIS})
    return _html(fig, table.title)


@remembered
def deciles_chart(table: Table) -> str:
    fig = go.Figure(
        go.Bar(
            x=[row[0] for row in table.rows],
            y=[_number(row[1]) for row in table.rows],
            marker_color=COLOURS[0],
            name="Referrals",
            hovertemplate=COUNT_HOVER,
        )
    )
    fig.update_layout(yaxis={"title": "Referrals", **COUNT_AXIS}, xaxis_title="IMD decile")
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
            valueformat=",d",
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
            hovertemplate="%{x}: £%{y:,.2f} per £1<extra></extra>",
        )
    )
    fig.update_layout(
        yaxis={"title": "£ of value per £1 invested", "tickprefix": "£", "tickformat": ",.2f"}
    )
    return _html(fig, "Social value per £1 invested, programme to date")

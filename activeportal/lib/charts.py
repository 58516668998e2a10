"""Plotly charts rendered with the page (plotly.js is served locally, never from a CDN).

Every chart sits beside a table holding the same figures, so the chart is a picture of the
table: screen-reader users and keyboard users read (and follow links in) the table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import wraps
from typing import TypeVar

import plotly.graph_objects as go
from django.core.cache import cache
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# A chart's HTML is kept this long (seconds) in the cache, keyed by everything it is drawn from.
CHART_CACHE_SECONDS = 60 * 60

Render = TypeVar("Render", bound=Callable[..., str])


def remembered(render: Render) -> Render:
    """Keep what ``render`` returns in the cache, keyed by its arguments.

    Building a Plotly figure costs tens of milliseconds of CPU (its validation and templates),
    more than the rest of a dashboard; the same arguments always draw the same chart, so each
    one is built once an hour per cache instead of on every page.
    """
    name = f"{render.__module__}.{render.__qualname__}"

    @wraps(render)
    def wrapped(*args, **kwargs) -> str:
        inputs = json.dumps([args, kwargs], default=_plain, sort_keys=True)
        key = f"chart:{name}:{hashlib.sha256(inputs.encode()).hexdigest()}"
        html = cache.get(key)
        if html is None:
            html = render(*args, **kwargs)
            cache.set(key, html, CHART_CACHE_SECONDS)
        return html

    return wrapped  # type: ignore[return-value]


def _plain(value):
    """What a chart's argument is drawn from, for its cache key: a dataclass's fields, a number
    or date as text. Anything else is refused rather than keyed by an address that a later,
    different object could reuse."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, Decimal | dt.date):
        return str(value)
    raise TypeError(f"a chart cannot be cached by a {type(value).__name__}")


# Colour-blind-safe palette (Okabe and Ito).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def bar_chart(
    *,
    categories: Sequence[str],
    series: dict[str, Sequence[Decimal | float | int]],
    y_title: str,
    stacked: bool = False,
    links: Sequence[str] | None = None,
    money: bool = True,
) -> go.Figure:
    """A vertical bar chart, one trace per series (stacked or grouped).

    ``links`` (one URL per category) go into each bar's custom data, so a click on a bar
    opens that category's page (static/js/charts.js).
    """
    fig = go.Figure()
    hover = "%{x}<br>%{fullData.name}: " + ("£%{y:,.0f}" if money else "%{y:,.2f}")
    for index, (name, values) in enumerate(series.items()):
        fig.add_trace(
            go.Bar(
                name=name,
                x=list(categories),
                y=[float(value) for value in values],
                customdata=list(links) if links else None,
                marker_color=PALETTE[index % len(PALETTE)],
                hovertemplate=hover + "<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="stack" if stacked else "group",
        template="plotly_white",
        margin={"l": 60, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        yaxis={"title": y_title, "tickprefix": "£" if money else "", "tickformat": ",.0f"},
        font={"family": "system-ui, sans-serif", "size": 13},
        height=420,
    )
    return fig


def chart_html(fig: go.Figure, *, chart_id: str, label: str) -> SafeString:
    """The figure as an HTML fragment: a labelled image whose table is beside it.

    The chart is drawn by the page's plotly.js (``vendor/plotly/plotly.min.js``), with no mode
    bar: its controls would be a second, unlabelled way to reach figures the table gives.
    """
    body = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=chart_id,
        config={"displayModeBar": False, "responsive": True},
    )
    # Plotly writes the figure's data as JSON with "</" escaped, so text from the database
    # cannot close the script element.
    body = mark_safe(body)  # noqa: S308
    return format_html('<div class="portal-chart" role="img" aria-label="{}">{}</div>', label, body)


@remembered
def bar_chart_html(*, chart_id: str, label: str, **bar) -> SafeString:
    """``chart_html(bar_chart(**bar), ...)``, built once for the same figures (see remembered)."""
    return chart_html(bar_chart(**bar), chart_id=chart_id, label=label)

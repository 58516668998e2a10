"""Plotly charts drawn in the page (plotly.js is served locally, never from a CDN).

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
from typing import Literal, TypeVar

import plotly.graph_objects as go
from django.core.cache import cache
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# A chart's HTML is kept this long (seconds) in the cache, keyed by everything it is drawn from
# and by the version of the HTML it is written as (so a deploy never serves an older form).
CHART_CACHE_SECONDS = 60 * 60
# 2: the figure as JSON, drawn by static/js/charts.js; 3: its text escaped, its height a data-
CHART_HTML_VERSION = 3

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
        key = f"chart:{CHART_HTML_VERSION}:{name}:{hashlib.sha256(inputs.encode()).hexdigest()}"
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

# What a chart's values are: whole pounds, pounds and pence (an amount per resident), or a count.
MONEY, PENCE, COUNT = "money", "pence", "count"
Values = Literal["money", "pence", "count"]

# Below this largest value, money ticks and hovers show pence: £0.25 would otherwise read "£0".
PENCE_BELOW = 10
# Up to this largest value, counts tick in ones: a tick at 2.5 people would read "3".
COUNT_IN_ONES_UP_TO = 10
CHART_HEIGHT = 420  # px
PLOTLY_HEIGHT = 450  # px, what plotly.js draws when a figure's layout gives no height


def colour_for(key: int) -> str:
    """The palette colour of something with a stable number (a funding stream's id), the same in
    every chart and every year, whatever else that chart shows."""
    return PALETTE[(key - 1) % len(PALETTE)]


def _axis_formats(values: Values, largest: float) -> tuple[dict, str]:
    """The y axis's tick settings and the hover's number format for the kind of values shown."""
    if values == COUNT:
        axis = {"tickformat": ",.0f", "rangemode": "tozero"}
        if largest <= COUNT_IN_ONES_UP_TO:
            axis["dtick"] = 1
        return axis, "%{y:,.0f}"
    pence = values == PENCE or largest < PENCE_BELOW
    number = ",.2f" if pence else ",.0f"
    tickformat = ",.2f" if largest < PENCE_BELOW else ",.0f"
    return {"tickprefix": "£", "tickformat": tickformat}, "£%{y:" + number + "}"


def bar_chart(
    *,
    categories: Sequence[str],
    series: dict[str, Sequence[Decimal | float | int | None]],
    y_title: str,
    stacked: bool = False,
    links: Sequence[str] | None = None,
    money: bool = True,
    values: Values | None = None,
    colours: dict[str, str] | None = None,
) -> go.Figure:
    """A vertical bar chart, one trace per series (stacked or grouped).

    ``values`` says what the bars measure (``MONEY``, ``PENCE`` or ``COUNT``), so the axis and
    the hover write them as the tables do (£2,959,098, £3.50, 4,694); left out, it is money, or a
    count when ``money=False``. ``colours`` fixes a series' colour by its name (a stream keeps
    its colour whichever streams a year has); other series take the palette in order. ``None``
    values are gaps. ``links`` (one URL per category) go into each bar's custom data, so a click
    on a bar opens that category's page (static/js/charts.js).
    """
    kind = values or (MONEY if money else COUNT)
    numbers = {
        name: [None if value is None else float(value) for value in points]
        for name, points in series.items()
    }
    largest = max(
        (abs(n) for points in numbers.values() for n in points if n is not None), default=0
    )
    axis, number = _axis_formats(kind, largest)
    hover = "%{x}<br>%{fullData.name}: " + number + "<extra></extra>"
    fig = go.Figure()
    for index, (name, points) in enumerate(numbers.items()):
        fig.add_trace(
            go.Bar(
                name=name,
                x=list(categories),
                y=points,
                customdata=list(links) if links else None,
                marker_color=(colours or {}).get(name, PALETTE[index % len(PALETTE)]),
                hovertemplate=hover,
            )
        )
    fig.update_layout(
        barmode="stack" if stacked else "group",
        template="plotly_white",
        margin={"l": 60, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        yaxis={"title": {"text": y_title}, **axis},
        font={"family": "system-ui, sans-serif", "size": 13},
        height=CHART_HEIGHT,
    )
    return fig


def plain_text(text: str) -> str:
    """``text`` as plotly.js is to show it: character for character, never as markup.

    plotly.js reads a subset of HTML in every text it draws (``<a href>``, ``<b>``, ``<br>``,
    entities), so a funding stream named ``<a href="...">`` would be a link in the legend and
    the hover. Escaped, plotly.js shows the characters themselves.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escaped(value):
    if isinstance(value, str):
        return plain_text(value)
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    return value


# Where a figure (as JSON) holds text plotly.js draws: a trace's name, its categories and labels
# (a bar's x, a Sankey's node labels), hover text; the layout's titles and annotations. Hover
# templates, formats and custom data (a bar's link) are the portal's own and stay as they are.
_TRACE_TEXT = ("name", "x", "y", "text", "hovertext", "labels")
_TRACE_PARTS = ("node", "link")


def _titled(part: dict) -> None:
    title = part.get("title")
    if isinstance(title, dict) and "text" in title:
        title["text"] = _escaped(title["text"])
    elif isinstance(title, str):
        part["title"] = plain_text(title)


def _escape_figure(figure: dict) -> dict:
    """The figure with all its text escaped (see plain_text), wherever a chart put it."""
    for trace in figure.get("data", []):
        for key in _TRACE_TEXT:
            if key in trace:
                trace[key] = _escaped(trace[key])
        for key in _TRACE_PARTS:
            if isinstance(trace.get(key), dict) and "label" in trace[key]:
                trace[key]["label"] = _escaped(trace[key]["label"])
    layout = figure.get("layout", {})
    _titled(layout)
    for key, part in layout.items():
        if isinstance(part, dict) and key.startswith(("xaxis", "yaxis", "legend")):
            _titled(part)
            if "ticktext" in part:
                part["ticktext"] = _escaped(part["ticktext"])
    for annotation in layout.get("annotations", []):
        if "text" in annotation:
            annotation["text"] = _escaped(annotation["text"])
    return figure


# What a script element's JSON must not contain as such: "</script>" or "<!--" in a figure's
# text (a stream's name, from the database) would end or change the element (as json_script).
_SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


def chart_html(fig: go.Figure, *, label: str, chart_id: str | None = None) -> SafeString:
    """The figure as an HTML fragment: a labelled image whose table is beside it.

    The figure goes into the page as JSON, not as a script that draws it: the
    Content-Security-Policy runs no inline script, and plotly.js can be loaded with ``defer``
    (the page's text and tables show before a 4 MB script has run); static/js/charts.js draws
    each chart once it has. Its text is escaped (see plain_text). No mode bar: its controls
    would be a second, unlabelled way to reach figures the table gives. Without ``chart_id``
    the chart's id comes from its figure, so the same figures give the same HTML (and cache
    entry).
    """
    plain = _escape_figure(json.loads(fig.to_json(validate=False)))
    figure = json.dumps(plain, separators=(",", ":")).translate(_SCRIPT_SAFE)
    chart_id = chart_id or "chart-" + hashlib.sha256(figure.encode()).hexdigest()[:12]
    # The area keeps the chart's height before it is drawn, so the page does not move then
    # (static/js/charts.js sets it: the policy refuses a style attribute).
    return format_html(
        '<div class="portal-chart" role="img" aria-label="{}">'
        '<div id="{}" class="portal-chart-area" data-figure="{}-figure" data-height="{}">'
        '</div><script type="application/json" id="{}-figure">{}</script></div>',
        label,
        chart_id,
        chart_id,
        fig.layout.height or PLOTLY_HEIGHT,
        chart_id,
        mark_safe(figure),  # noqa: S308 - JSON with <, > and & escaped, see _SCRIPT_SAFE
    )


@remembered
def bar_chart_html(*, chart_id: str, label: str, **bar) -> SafeString:
    """``chart_html(bar_chart(**bar), ...)``, built once for the same figures (see remembered)."""
    return chart_html(bar_chart(**bar), chart_id=chart_id, label=label)

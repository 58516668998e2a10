from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import plotly.offline
import pytest
from django.conf import settings
from django.core.cache import cache

from activeportal.lib import charts


def test_a_chart_is_built_once_for_the_same_figures(monkeypatch):
    cache.clear()
    built = []
    real = charts.bar_chart

    def counting(**bar):
        built.append(bar)
        return real(**bar)

    monkeypatch.setattr(charts, "bar_chart", counting)
    figures = {
        "categories": ["Breckland", "Norwich"],
        "series": {"£": [Decimal("10.00"), Decimal("20.50")]},
        "y_title": "£",
    }
    first = charts.bar_chart_html(chart_id="c", label="Money", **figures)
    again = charts.bar_chart_html(chart_id="c", label="Money", **figures)
    assert again == first
    assert 'aria-label="Money"' in first
    assert len(built) == 1
    changed = {**figures, "series": {"£": [Decimal("10.00"), Decimal("21.50")]}}
    other = charts.bar_chart_html(chart_id="c", label="Money", **changed)
    assert other != first
    assert len(built) == 2


def test_a_chart_of_an_unknown_kind_of_argument_is_refused_not_cached_by_address():
    class Opaque:
        pass

    with pytest.raises(TypeError, match="cannot be cached by a Opaque"):
        charts.bar_chart_html(chart_id="c", label="Money", categories=[Opaque()], series={})


def _figure(html: str) -> dict:
    """The figure a chart's HTML hands to static/js/charts.js."""
    data = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', html, re.S)
    assert data, "the chart carries no figure"
    return json.loads(data.group(1))


def test_money_hovers_and_ticks_in_whole_pounds_with_separators():
    fig = charts.bar_chart(
        categories=["Breckland"], series={"£": [Decimal("2959098")]}, y_title="£"
    )
    assert fig.data[0].hovertemplate == "%{x}<br>%{fullData.name}: £%{y:,.0f}<extra></extra>"
    assert fig.layout.yaxis.tickprefix == "£"
    assert fig.layout.yaxis.tickformat == ",.0f"


def test_counts_hover_as_people_write_them_with_no_decimals():
    fig = charts.bar_chart(
        categories=["Breckland"], series={"Referrals": [4694]}, y_title="Referrals", money=False
    )
    assert fig.data[0].hovertemplate == "%{x}<br>%{fullData.name}: %{y:,.0f}<extra></extra>"
    assert fig.layout.yaxis.tickformat == ",.0f"
    assert not fig.layout.yaxis.tickprefix
    assert "2f" not in fig.data[0].hovertemplate


def test_a_few_people_tick_in_whole_people():
    fig = charts.bar_chart(
        categories=["A", "B"], series={"People": [1, 3]}, y_title="People", values=charts.COUNT
    )
    assert fig.layout.yaxis.dtick == 1


def test_small_amounts_of_money_tick_and_hover_with_pence():
    """£0.12 and £0.40 per resident would tick as "£0 £0 £0 £0" in whole pounds."""
    fig = charts.bar_chart(
        categories=["Breckland", "Norwich"],
        series={"£ per resident": [Decimal("0.12"), Decimal("0.40")]},
        y_title="£ per resident",
    )
    assert fig.layout.yaxis.tickformat == ",.2f"
    assert fig.layout.yaxis.tickprefix == "£"
    assert "£%{y:,.2f}" in fig.data[0].hovertemplate


def test_pence_values_hover_with_pence_and_tick_in_pounds_when_large():
    fig = charts.bar_chart(
        categories=["Breckland", "Norwich"],
        series={"£ per resident": [Decimal("12.50"), Decimal("31.25")]},
        y_title="£ per resident",
        values=charts.PENCE,
    )
    assert fig.layout.yaxis.tickformat == ",.0f"
    assert "£%{y:,.2f}" in fig.data[0].hovertemplate


def test_a_missing_value_is_a_gap_not_zero():
    fig = charts.bar_chart(categories=["A", "B"], series={"£": [Decimal("5"), None]}, y_title="£")
    assert fig.data[0].y == (5.0, None)


def test_a_series_keeps_the_colour_it_is_given_whatever_else_is_drawn():
    haf = charts.colour_for(3)
    alone = charts.bar_chart(
        categories=["A"], series={"HAF": [1]}, y_title="£", colours={"HAF": haf}
    )
    with_others = charts.bar_chart(
        categories=["A"],
        series={"Active NoW": [1], "Opening School Facilities": [2], "HAF": [3]},
        y_title="£",
        colours={"HAF": haf},
    )
    assert alone.data[0].marker.color == haf
    assert with_others.data[2].marker.color == haf
    assert charts.colour_for(3) != charts.colour_for(4)


def test_a_chart_goes_into_the_page_as_data_not_as_a_script_that_runs():
    """plotly.js is deferred: a script calling Plotly where the chart stands would run first."""
    cache.clear()
    html = charts.bar_chart_html(
        chart_id="chart-streams",
        label="Money",
        categories=["Breckland"],
        series={"</script><script>alert(1)</script>": [1]},
        y_title="£",
    )
    assert "Plotly.newPlot" not in html
    assert "<script>alert" not in html
    assert 'id="chart-streams" class="portal-chart-area" data-figure="chart-streams-figure"' in html
    figure = _figure(html)
    assert figure["data"][0]["name"] == "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    assert figure["layout"]["height"] == charts.CHART_HEIGHT
    assert f'data-height="{charts.CHART_HEIGHT}"' in html


def test_a_chart_without_an_id_is_named_by_its_figure():
    fig = charts.bar_chart(categories=["A"], series={"£": [1]}, y_title="£")
    first = charts.chart_html(fig, label="Money")
    assert first == charts.chart_html(fig, label="Money")
    other = charts.bar_chart(categories=["A"], series={"£": [2]}, y_title="£")
    assert charts.chart_html(other, label="Money") != first


def test_the_served_plotly_js_is_the_version_python_plotly_writes_figures_for():
    """A figure written for one plotly.js can draw wrongly, or not at all, in another."""
    root = Path(settings.BASE_DIR)
    expected = plotly.offline.get_plotlyjs_version()
    package = json.loads((root / "package.json").read_text())
    lock = json.loads((root / "package-lock.json").read_text())
    assert package["dependencies"]["plotly.js-dist-min"] == expected
    assert lock["packages"]["node_modules/plotly.js-dist-min"]["version"] == expected
    served = root / "node_modules" / "plotly.js-dist-min"
    assert json.loads((served / "package.json").read_text())["version"] == expected
    assert f"v{expected}" in (served / "plotly.min.js").read_text()[:500]

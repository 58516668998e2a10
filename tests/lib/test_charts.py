from __future__ import annotations

from decimal import Decimal

import pytest
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

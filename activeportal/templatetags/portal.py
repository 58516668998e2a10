from __future__ import annotations

from django import template

from activeportal.lib.fy import fy_label
from activeportal.lib.money import format_gbp

register = template.Library()


@register.filter
def gbp(value):
    """{{ amount|gbp }} -> £12,345"""
    return format_gbp(value)


@register.filter
def gbp_pence(value):
    """{{ amount|gbp_pence }} -> £12,345.67"""
    return format_gbp(value, pence=True)


@register.filter
def fy(start_year):
    """{{ 2024|fy }} -> 2024-25"""
    return fy_label(int(start_year)) if start_year not in (None, "") else ""

from __future__ import annotations

from django import template

from activeportal.lib.dates import format_day
from activeportal.lib.fy import fy_label
from activeportal.lib.money import format_count, format_gbp
from activeportal.lib.people import format_nhs_number, format_phone

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
def count(value):
    """{{ figures.referrals|count }} -> 4,694 (text such as "<5" is shown as it is)."""
    return format_count(value)


@register.filter
def day(value):
    """{{ referral.submitted_at|day }} -> 12 Mar 2025 (as |date:"j M Y"; in the portal's zone)."""
    return format_day(value)


@register.filter
def fy(start_year):
    """{{ 2024|fy }} -> 2024-25"""
    return fy_label(int(start_year)) if start_year not in (None, "") else ""


@register.filter
def nhs_number(value):
    """{{ referral.nhs_number|nhs_number }} -> 943 476 5919 (as the NHS writes it)."""
    return format_nhs_number(value)


@register.filter
def phone(value):
    """{{ referral.phone|phone }} -> 01603 123456 or 07700 900123 (UK numbers, national form)."""
    return format_phone(value)

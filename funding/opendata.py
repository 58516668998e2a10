"""The year's grants in the 360Giving Data Standard, so the partnership publishes as UK funders do.

Field names follow the standard's CSV template and its JSON schema (``{"grants": [...]}``).
Recipients are organisations (partners); an allocation with no recipient partner is published
as money into the district's programmes, identified by the district's ONS code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

from django.conf import settings

from activeportal.lib.export import Kind
from activeportal.lib.fy import fy_bounds

from .models import Allocation

# The standard's CSV template, each field with the kind of its cells (Kind decides how the
# download writes them: the amount as a plain number, the date as a date).
CSV_COLUMNS = [
    ("Identifier", Kind.TEXT),
    ("Title", Kind.TEXT),
    ("Description", Kind.TEXT),
    ("Currency", Kind.TEXT),
    ("Amount Awarded", Kind.MONEY),
    ("Award Date", Kind.DATE),
    ("Recipient Org:Identifier", Kind.TEXT),
    ("Recipient Org:Name", Kind.TEXT),
    ("Funding Org:Identifier", Kind.TEXT),
    ("Funding Org:Name", Kind.TEXT),
    ("Grant Programme:Title", Kind.TEXT),
    ("Beneficiary Location:Name", Kind.TEXT),
    ("Beneficiary Location:Geographic Code", Kind.TEXT),
    ("Beneficiary Location:Geographic Code Type", Kind.TEXT),
    ("Last Modified", Kind.TEXT),
]
CSV_HEADERS = [header for header, _ in CSV_COLUMNS]
CSV_KINDS = [kind for _, kind in CSV_COLUMNS]


def grant(allocation: Allocation) -> dict:
    """One allocation as a 360Giving grant (JSON schema field names)."""
    prefix = settings.OPEN_DATA_PREFIX
    district = allocation.district
    if allocation.recipient_id:
        recipient = {
            "id": f"{prefix}-partner-{allocation.recipient_id}",
            "name": allocation.recipient.name,
        }
    else:
        recipient = {
            "id": f"{prefix}-district-{district.ons_code}",
            "name": f"{district.name} district programmes",
        }
    title = f"{allocation.stream.name}: {district.name}"
    return {
        "id": f"{prefix}-{allocation.pk}",
        "title": title,
        "description": allocation.purpose or title,
        "currency": "GBP",
        "amountAwarded": _number(allocation),
        "awardDate": _award_date(allocation).isoformat(),
        "recipientOrganization": [recipient],
        "fundingOrganization": [{"id": settings.FUNDING_ORG_ID, "name": settings.PARTNERSHIP_NAME}],
        "grantProgramme": [{"title": allocation.stream.name}],
        "beneficiaryLocation": [
            {"name": district.name, "geoCode": district.ons_code, "geoCodeType": "LAD"}
        ],
        "lastModified": allocation.updated_at.isoformat(timespec="seconds"),
    }


def grants_json(allocations: Iterable[Allocation]) -> str:
    """The 360Giving JSON package: ``{"grants": [...]}``."""
    return json.dumps({"grants": [grant(a) for a in allocations]}, indent=2, ensure_ascii=False)


def grants_csv_rows(allocations: Iterable[Allocation]) -> Iterable[list]:
    """Rows under CSV_HEADERS, of CSV_KINDS, for table_download."""
    for allocation in allocations:
        g = grant(allocation)
        recipient, funder = g["recipientOrganization"][0], g["fundingOrganization"][0]
        location = g["beneficiaryLocation"][0]
        yield [
            g["id"],
            g["title"],
            g["description"],
            g["currency"],
            allocation.amount,
            g["awardDate"],
            recipient["id"],
            recipient["name"],
            funder["id"],
            funder["name"],
            g["grantProgramme"][0]["title"],
            location["name"],
            location["geoCode"],
            location["geoCodeType"],
            g["lastModified"],
        ]


def _award_date(allocation: Allocation) -> date:
    # The standard requires an award date; one not recorded is the start of the financial year.
    return allocation.award_date or fy_bounds(allocation.financial_year)[0]


def _number(allocation: Allocation) -> int | float:
    # JSON numbers: a whole amount as an integer, otherwise pounds and pence (two places, exact
    # in a float's shortest representation).
    amount = allocation.amount
    return int(amount) if amount == amount.to_integral_value() else float(amount)

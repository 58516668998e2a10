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

from activeportal.lib.fy import fy_bounds

from .models import Allocation

CSV_HEADERS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Title",
    "Beneficiary Location:Name",
    "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Geographic Code Type",
    "Last Modified",
]


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
    """Rows under CSV_HEADERS, for table_download."""
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

from __future__ import annotations

import pytest

from districts.models import District, Partner
from funding.models import FundingStream
from tests.factories import FundingStreamFactory, PartnerFactory


@pytest.fixture
def streams(db: None) -> dict[str, FundingStream]:
    return {
        "haf": FundingStreamFactory(name="Big Norfolk Holiday Fun (HAF)"),
        "now": FundingStreamFactory(name="Active NoW"),
    }


@pytest.fixture
def council(db: None, breckland: District) -> Partner:
    partner = PartnerFactory(name="Breckland Council")
    partner.districts.add(breckland)
    return partner


def csv_file(*lines: str) -> bytes:
    """A CSV file's bytes from its lines, as a spreadsheet program saves it."""
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")

from __future__ import annotations

from decimal import Decimal

import pytest

from funding.models import Allocation
from tests.factories import AllocationFactory, DistrictFactory, FundingStreamFactory


@pytest.mark.django_db
def test_dashboard_totals_each_district_and_leaves_out_withdrawn(client, manager):
    stream = FundingStreamFactory(name="Active NoW")
    breckland = DistrictFactory(name="Breckland", ons_code="E07000143")
    AllocationFactory(stream=stream, district=breckland, amount=Decimal("1000.40"))
    AllocationFactory(stream=stream, district=breckland, amount=Decimal("2000"))
    AllocationFactory(
        stream=stream, district=breckland, amount=Decimal("500"), status=Allocation.Status.WITHDRAWN
    )
    client.force_login(manager)
    page = client.get("/funding/").content.decode()
    assert "2024-25" in page
    assert "£3,000" in page
    assert "£3,500" not in page


@pytest.mark.django_db
def test_dashboard_runs_a_fixed_number_of_queries(client, manager, django_assert_max_num_queries):
    stream = FundingStreamFactory()
    for _ in range(20):
        AllocationFactory(stream=stream, district=DistrictFactory())
    client.force_login(manager)
    with django_assert_max_num_queries(8):
        response = client.get("/funding/")
    assert response.status_code == 200
    assert len(response.context["rows"]) == 20

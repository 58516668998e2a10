from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from activeportal.lib.paging import BoundedPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups():
    Group.objects.bulk_create(Group(name=f"group {i:02d}") for i in range(12))
    return Group.objects.filter(name__startswith="group ").order_by("name")


def test_a_list_within_the_limit_is_counted_exactly(groups):
    paginator = BoundedPaginator(groups, 5, limit=20)
    assert paginator.count == 12
    assert paginator.exact
    assert paginator.num_pages == 3


def test_a_longer_list_is_counted_only_to_the_limit(groups, django_assert_num_queries):
    paginator = BoundedPaginator(groups, 5, limit=8)
    with django_assert_num_queries(1) as counted:
        assert paginator.count == 9
    assert "LIMIT 9" in counted.captured_queries[0]["sql"]
    assert not paginator.exact
    assert paginator.num_pages == 2
    page = paginator.get_page(2)
    assert [g.name for g in page] == [f"group {i:02d}" for i in range(5, 10)]


def test_a_known_count_is_not_counted_again(groups, django_assert_num_queries):
    paginator = BoundedPaginator(groups, 5, count=12)
    with django_assert_num_queries(0):
        assert paginator.count == 12
        assert paginator.num_pages == 3
    assert paginator.exact

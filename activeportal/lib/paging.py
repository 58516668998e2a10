"""Pagination of long lists without counting the whole table."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.functional import cached_property

# Rows a list counts at most; past this it says "more than 10,000" and "page 3 of 401 or more".
COUNT_LIMIT = 10_000


class BoundedPaginator(Paginator):
    """A paginator that counts at most ``limit`` rows, or takes a count known already.

    ``SELECT COUNT(*)`` over a million rows costs more than the page itself; counting the first
    ``limit + 1`` rows (``COUNT(*)`` over ``LIMIT limit + 1``) is bounded. When the list is
    longer, ``exact`` is False, ``count`` is ``limit + 1`` and the pages reach that far: filter
    to see older rows.
    """

    def __init__(
        self, object_list, per_page, *, limit: int | None = None, count: int | None = None
    ) -> None:
        super().__init__(object_list, per_page)
        self.limit = COUNT_LIMIT if limit is None else limit
        self.known_count = count

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        return self.object_list[: self.limit + 1].count()

    @property
    def exact(self) -> bool:
        return self.known_count is not None or self.count <= self.limit

    def page(self, number):
        """As Paginator.page, but a page of a list longer than the limit is always full."""
        if self.exact:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)


def page_of(
    request: HttpRequest,
    object_list,
    per_page: int,
    *,
    limit: int | None = None,
    count: int | None = None,
) -> Page:
    """The page of ``object_list`` that ``?page=`` asks for (the last if past the end).

    Render it with ``{% include "includes/pagination.html" %}``, which keeps the other query
    parameters (filters) in its links.
    """
    paginator = BoundedPaginator(object_list, per_page, limit=limit, count=count)
    return paginator.get_page(request.GET.get("page"))

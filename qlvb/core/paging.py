"""Pagination that never counts a huge list to the end."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import LimitOffsetPagination


class CappedPaginator(Paginator):
    """Counts at most `cap` rows: a list of a million documents costs what a list of a thousand
    does. Beyond the cap the page says "1000+" and the filters narrow it down."""

    cap = 1000
    object_list: QuerySet[Any]  # always a queryset: the rows are counted in SQL

    @cached_property
    def count(self) -> int:
        counted = self.object_list[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)

    capped = False


class ApiPagination(LimitOffsetPagination):
    """`?limit=&offset=` on every list of the REST API, with a ceiling: a limit above `max_limit`
    reads `max_limit` rows (a limit of 2⁶³ used to reach the database and fail there), and a
    negative or non-numeric limit or offset is the default, as DRF reads them."""

    max_limit = 500
    max_offset = 10**9  # past any list; keeps the SQL OFFSET inside every database's integer

    def get_offset(self, request: Any) -> int:
        return min(super().get_offset(request), self.max_offset)

"""Pagination that never counts a huge list to the end."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


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

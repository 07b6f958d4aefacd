"""Pagination that never counts a huge list to the end."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import Any, overload

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import LimitOffsetPagination


class CappedPaginator(Paginator):
    """Counts at most `cap` rows: a list of a million documents costs what a list of a thousand
    does. Beyond the cap the page says "1000+" and the filters narrow it down."""

    cap = 1000

    def __init__(self, object_list: Any, per_page: int, *args: Any, count_rows: Any = None, **kwargs: Any) -> None:
        # `count_rows`: the same rows without what is computed for shown rows only (annotations a
        # page asks of its 25 rows, a count would ask of all of them).
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_rows = count_rows

    @cached_property
    def count(self) -> int:
        # A queryset is counted in SQL; a NewestFirst (or a list) by its rows up to the cap.
        rows = self.object_list if self.count_rows is None else self.count_rows
        head = rows[: self.cap + 1]
        counted = head.count() if isinstance(head, QuerySet) else len(head)
        self.capped = counted > self.cap
        return min(counted, self.cap)

    capped = False


class NewestFirst(Sequence[tuple[Any, Any]]):
    """One list read from several branches (querysets of (id, time) pairs ordered by both, newest
    first), each from its own index, merged and without repeats: the paginator asks for rows
    [a:b], each branch reads at most b rows. An OR of the branches in one query reads every row
    of every branch to sort them; this reads a page's worth of each."""

    def __init__(self, branches: list[QuerySet[Any]]) -> None:
        self.branches = branches
        self._read: tuple[int, list[list[tuple[Any, Any]]]] = (0, [])

    def _heads(self, stop: int) -> list[list[tuple[Any, Any]]]:
        """The first `stop` rows of each branch, a query each; the paginator counts first (up to its
        cap), so the page after that reads nothing more."""
        read, rows = self._read
        if stop > read:
            self._read = read, rows = stop, [list(branch[:stop]) for branch in self.branches]
        return [branch[:stop] for branch in rows]

    @overload
    def __getitem__(self, rows: int) -> tuple[Any, Any]: ...

    @overload
    def __getitem__(self, rows: slice) -> list[tuple[Any, Any]]: ...

    def __getitem__(self, rows: int | slice) -> tuple[Any, Any] | list[tuple[Any, Any]]:
        if isinstance(rows, int):
            return self[rows:rows + 1][0]
        stop = rows.stop if rows.stop is not None else CappedPaginator.cap + 1
        merged = heapq.merge(*self._heads(stop), key=lambda row: (row[1], row[0]), reverse=True)
        seen: set[Any] = set()
        unique = []
        for row in merged:  # a row held by several branches comes once
            if row[0] not in seen:
                seen.add(row[0])
                unique.append(row)
        return unique[rows]

    def __len__(self) -> int:
        """How many rows, counted up to the paginator's cap and one (past it: cap + 1)."""
        return len(self[: CappedPaginator.cap + 1])


class ApiPagination(LimitOffsetPagination):
    """`?limit=&offset=` on every list of the REST API, with a ceiling: a limit above `max_limit`
    reads `max_limit` rows (a limit of 2⁶³ used to reach the database and fail there), and a
    negative or non-numeric limit or offset is the default, as DRF reads them."""

    max_limit = 500
    max_offset = 10**9  # past any list; keeps the SQL OFFSET inside every database's integer

    def get_offset(self, request: Any) -> int:
        return min(super().get_offset(request), self.max_offset)

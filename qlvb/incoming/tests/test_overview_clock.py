"""Counts that depend on today's date are right on the day after a deadline passes, without any
nightly job: the leader's card, the unit table and the rows of overdue tasks agree, whatever the
clock says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.incoming import selectors, services
from qlvb.incoming.services import Target


def _agrees(overview) -> int:
    assert overview.overdue == len(overview.overdue_rows) == sum(row["overdue"] for row in overview.by_unit)
    return overview.overdue


@pytest.fixture
def later(monkeypatch):
    """Move the clock forward by some days (no job runs in between)."""
    real_now = timezone.now

    def move(days: int) -> None:
        monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=days))
    return move


def test_overdue_counts_follow_the_clock(org, register_doc, later):
    deadline = timezone.localdate() + timedelta(days=2)
    for _ in range(3):
        services.route(by=Actor(org.head), document=register_doc(), main=Target(unit=org.unit),
                       coordinators=[Target(unit=org.office)], directive="Xử lý", deadline=deadline)
    assert _agrees(selectors.overview(org.head, agency_id=org.agency.pk)) == 0
    later(3)  # the day after the deadline has passed
    overview = selectors.overview(org.head, agency_id=org.agency.pk)
    assert _agrees(overview) == 6  # three main tasks and three coordinations
    assert selectors.counts(org.unit_head)["overdue"] == 3
    unit = selectors.overview(org.unit_head, agency_id=org.agency.pk, unit_ids=frozenset({org.unit.pk}))
    assert unit.overdue == len(unit.overdue_rows) == 3


"""The demo province's meetings: last Friday's briefing held, minutes approved, conclusions
published and turned into tasks (one done); next Friday's briefing invited; loaded once."""

from __future__ import annotations

import pytest

from qlvb.meetings import demo, selectors
from qlvb.meetings.models import Meeting
from qlvb.org.demo import load_demo

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_meetings(local_storage):
    load_demo()
    assert demo.load() == 2
    held, upcoming = Meeting.objects.order_by("starts_at")
    assert held.status == "closed" and held.conclusions_published and held.minutes.status == "approved"
    rows = selectors.conclusions(held)
    assert [bool(r.tasks) for r in rows] == [True, True, True, False]
    assert [r.done for r in rows] == [True, False, False, False]
    assert upcoming.series_id == held.series_id
    assert upcoming.status in ("invited", "draft")
    assert demo.load() == 0

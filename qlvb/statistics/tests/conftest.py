"""Statistics tests build real work through the owning apps' services (documents registered,
routed, completed; drafts reviewed and issued; tasks given and done) and read the figures back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.incoming import services as incoming
from qlvb.incoming.services import Target
from qlvb.incoming.tests.conftest import _media, field, register_doc, registers  # noqa: F401
from qlvb.itstaff.tests.conftest import department  # noqa: F401 - the Department (leave and IT kinds)
from qlvb.leave.tests.conftest import chief  # noqa: F401 - the head of the office


@pytest.fixture
def later(monkeypatch):
    """Move the clock forward by some days (no job runs in between)."""
    real_now = timezone.now

    def move(days: int) -> None:
        monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=days))
    return move


@pytest.fixture
def routed(org, register_doc):  # noqa: F811
    """A document registered, routed by the head to the unit (deadline in `days`), and passed by the
    unit head to the specialist as main handler."""
    def make(days: int = 5, **extra):
        document = register_doc(**extra)
        deadline = timezone.localdate() + timedelta(days=days)
        incoming.route(by=Actor(org.head), document=document, main=Target(unit=org.unit), directive="Xử lý",
                       deadline=deadline)
        unit_task = document.assignments.get(assignee_unit=org.unit)
        incoming.route(by=Actor(org.unit_head), document=document, main=Target(person=org.specialist),
                       parent=unit_task, directive="Đồng chí Mai xử lý", deadline=deadline)
        document.refresh_from_db()
        return document
    return make


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """After every statistics test that touched the database, while it still holds the test's
    work: the tallies kept change by change are exactly the rows added up (models.Tally)."""
    outcome = yield
    uses_db = item.get_closest_marker("django_db") or {"db", "transactional_db"} & set(item.fixturenames)
    if outcome.excinfo is None and uses_db:
        from qlvb.statistics import tallies

        assert tallies.kept() == tallies.recount(), "the tallies kept are not the rows added up"

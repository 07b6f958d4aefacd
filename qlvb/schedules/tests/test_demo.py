"""The demo province's schedules: this week's leaders' schedule published, next week's waiting for
the Giám đốc, the month's citizens' reception published, a unit's entry; loaded once."""

from __future__ import annotations

import pytest

from qlvb.org.demo import load_demo
from qlvb.schedules import demo
from qlvb.schedules.models import Entry, Period, Scope

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_schedules():
    load_demo()
    assert demo.load() == 11
    statuses = dict(Period.objects.filter(scope=Scope.AGENCY).order_by("starts").values_list("starts", "status"))
    assert list(statuses.values()) == [Period.Status.PUBLISHED, Period.Status.SUBMITTED]
    assert Period.objects.get(scope=Scope.RECEPTION).status == Period.Status.PUBLISHED
    assert Entry.objects.filter(scope=Scope.UNIT).count() == 1
    assert demo.load() == 0

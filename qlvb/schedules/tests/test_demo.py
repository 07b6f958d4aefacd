"""The demo province's schedules: this week's leaders' schedule published, next week's waiting for
the Giám đốc, the month's citizens' reception published, a unit's entry, an invitation reported
back; loaded once."""

from __future__ import annotations

import pytest

from qlvb.incoming import demo as incoming_demo
from qlvb.org.demo import load_demo
from qlvb.schedules import demo
from qlvb.schedules.models import Entry, Period, Scope

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_schedules():
    load_demo()
    incoming_demo.load()  # its invitation letter goes into the schedule
    assert demo.load() == 12
    invitation = Entry.objects.get(source_incoming__isnull=False)
    assert invitation.reports.count() == 1  # reported back (001 Đ16)
    statuses = dict(Period.objects.filter(scope=Scope.AGENCY).order_by("starts").values_list("starts", "status"))
    assert list(statuses.values()) == [Period.Status.PUBLISHED, Period.Status.SUBMITTED]
    assert Period.objects.get(scope=Scope.RECEPTION).status == Period.Status.PUBLISHED
    assert Entry.objects.filter(scope=Scope.UNIT).count() == 1
    assert demo.load() == 0

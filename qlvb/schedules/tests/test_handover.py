"""The schedules' part of a hand-over (core.handover): the entries to come he chairs or attends
take the successor; past and cancelled ones stay."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.schedules import services
from qlvb.schedules.models import Attendee, Entry, Scope


def _entry(org, days: int, **extra):  # noqa: ANN001, ANN202
    starts = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=days)
    return services.save_entry(by=Actor(org.unit_head), agency=org.agency, scope=Scope.UNIT, unit=org.unit,
                               title="Họp giao ban phòng", starts_at=starts, ends_at=starts + timedelta(hours=1),
                               **extra)


def test_entries_to_come_move_the_past_stays(org):
    coming = _entry(org, 3, people=[org.specialist, org.admin])
    chaired = _entry(org, 4, chair=org.specialist)
    past = _entry(org, -3, people=[org.specialist])
    assert services.hand_over(by=Actor(org.head), person=org.specialist, successor=org.admin,
                              agency_id=org.agency.pk) == 2
    assert list(Attendee.objects.filter(entry=coming).values_list("person", flat=True)) == [org.admin.pk]
    assert Entry.objects.get(pk=chaired.pk).chair == org.admin
    assert Attendee.objects.filter(entry=past, person=org.specialist).exists()
    assert Event.objects.filter(verb="schedules.entry_handed_over").count() == 2
    assert services.open_entries(org.specialist, org.agency.pk).count() == 0

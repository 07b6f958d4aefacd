"""Writes of the shared kernel: the working-day calendar."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qlvb.core import events, policy
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import CalendarDay


def _require(by: Actor, agency_id: int | None) -> None:
    allowed = (policy.is_installation_admin(by.person) if agency_id is None
               else policy.can_manage_agency(by.person, agency_id))
    if not allowed:
        raise NotAllowed()


@transaction.atomic
def save_calendar_day(*, by: Actor, agency_id: int | None, day: date, kind: str, name: str) -> CalendarDay:
    """Add or change a day off / make-up working day, for one agency or (agency None) for all."""
    _require(by, agency_id)
    if kind not in CalendarDay.Kind.values:
        raise ValidationError({"kind": _("Choose a day off or a make-up working day.")})
    if not name.strip():
        raise ValidationError({"name": _("Please say why, e.g. 'Nghỉ bù Tết'.")})
    # django-stubs wants an int for `agency_id` although the foreign key is nullable (None: all agencies).
    row, _created = CalendarDay.objects.update_or_create(  # type: ignore[misc]
        agency_id=agency_id, date=day, defaults={"kind": kind, "name": name.strip()[:200]}
    )
    events.record(verb="calendar.day_saved", actor=by, agency=agency_id, target=row,
                  data={"date": day, "kind": kind, "name": row.name})
    return row


@transaction.atomic
def remove_calendar_day(*, by: Actor, row: CalendarDay) -> None:
    _require(by, row.agency_id)
    events.record(verb="calendar.day_removed", actor=by, agency=row.agency_id, target=row,
                  data={"date": row.date, "kind": row.kind})
    row.delete()

"""Work programme writes (R21; 001 Đ10; 000 Đ10–Đ11). Each change is one transaction that also
records its event (the programme's timeline, the audit log, notifications and search follow the
events). Bad input raises ValidationError with a Vietnamese message and saves nothing; a person
without the right gets NotAllowed (a 404 at the edge).

An approved programme changes only by an adjustment with its reason (001 Đ10.1): an Adjustment
row and a "programme.adjusted" event, never a silent rewrite. Items become tasks through
qlvb.tasks.services.create_from (this app never writes the tasks' tables)."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.text import clean
from qlvb.org.models import Agency, Field, Person, Post, Unit
from qlvb.programmes import rules
from qlvb.programmes.models import Adjustment, Item, Programme, Review
from qlvb.tasks import rules as task_rules
from qlvb.tasks import selectors as task_selectors
from qlvb.tasks import services as task_services
from qlvb.tasks.models import Task
from qlvb.tasks.services import Owner

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def _person(by: Actor) -> Person:
    """Whose authority applies: the delegator while acting on his behalf."""
    if by.effective is None:
        raise NotAllowed()
    return by.effective


# --- Periods ----------------------------------------------------------------------------------

def period_bounds(period: str, year: int | None, number: int | None = None,
                  week_of: date | None = None) -> tuple[date, date]:
    """The first and last day of a year, a half (1–2), a quarter (1–4), a month (1–12) or the week
    (Monday to Sunday) of a day."""
    if period == Programme.Period.WEEK:
        if week_of is None:
            raise ValidationError({"week_of": _("Give a day of the week.")})
        monday = week_of - timedelta(days=week_of.weekday())
        return monday, monday + timedelta(days=6)
    if period not in Programme.Period.values:
        raise ValidationError({"period": _("Unknown period.")})
    if year is None or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give the year.")})
    limits = {Programme.Period.HALF: 2, Programme.Period.QUARTER: 4, Programme.Period.MONTH: 12}
    if period == Programme.Period.YEAR:
        return date(year, 1, 1), date(year, 12, 31)
    if number is None or not 1 <= number <= limits[Programme.Period(period)]:
        raise ValidationError({"number": _("Choose which %(period)s of the year.")
                               % {"period": Programme.Period(period).label.lower()}})
    months = {Programme.Period.HALF: 6, Programme.Period.QUARTER: 3, Programme.Period.MONTH: 1}[
        Programme.Period(period)]
    first = (number - 1) * months + 1
    last = first + months - 1
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def period_label(period: str, starts: date) -> str:
    """"Year 2027", "Quarter I 2027", "Week of 04/01/2027"… in the reader's language."""
    if period == Programme.Period.YEAR:
        return _("year %(year)s") % {"year": starts.year}
    if period == Programme.Period.HALF:
        return _("first six months of %(year)s") % {"year": starts.year} if starts.month == 1 else \
            _("last six months of %(year)s") % {"year": starts.year}
    if period == Programme.Period.QUARTER:
        return _("quarter %(number)s of %(year)s") % {"number": ROMAN[(starts.month - 1) // 3 + 1],
                                                      "year": starts.year}
    if period == Programme.Period.MONTH:
        return _("month %(month)s/%(year)s") % {"month": starts.month, "year": starts.year}
    return _("week from %(start)s to %(end)s") % {"start": starts.strftime("%d/%m/%Y"),
                                                  "end": (starts + timedelta(days=6)).strftime("%d/%m/%Y")}


# --- Creating ---------------------------------------------------------------------------------

def _unit_of(person: Person, agency: Agency) -> Unit | None:
    post = (Post.objects.filter(person=person, agency=agency, end_date__isnull=True)
            .select_related("unit").order_by("is_concurrent", "id").first())
    return post.unit if post else None


@transaction.atomic
def create(*, by: Actor, agency: Agency, scope: str, period: str, year: int | None = None,
           number: int | None = None, week_of: date | None = None, owner_unit: Unit | None = None,
           title: str = "") -> Programme:
    """A draft programme of the agency, of a unit (`owner_unit`) or of the person himself."""
    person = _person(by)
    if scope not in Programme.Scope.values:
        raise ValidationError({"scope": _("Choose whose programme it is.")})
    owner_person = None
    if scope == Programme.Scope.UNIT:
        if owner_unit is None:
            raise ValidationError({"owner_unit": _("Choose the unit.")})
        if owner_unit.agency_id != agency.pk or owner_unit.deleted_at is not None:
            raise ValidationError({"owner_unit": _("The unit must be of this agency.")})
    elif scope == Programme.Scope.PERSON:
        owner_person = person
        owner_unit = _unit_of(person, agency)
    else:
        owner_unit = None
    if not rules.may_create(person, agency.pk, scope, owner_unit.pk if owner_unit else None,
                            owner_person.pk if owner_person else None):
        raise NotAllowed()
    starts, ends = period_bounds(period, year, number, week_of)
    title = clean(title or "")
    if not title:
        whose = {Programme.Scope.AGENCY: agency.name, Programme.Scope.UNIT: owner_unit.name if owner_unit else "",
                 Programme.Scope.PERSON: person.full_name}[Programme.Scope(scope)]
        title = _("Work programme of %(whose)s, %(period)s") % {"whose": whose,
                                                               "period": period_label(period, starts)}
    programme = Programme.objects.create(
        agency=agency, scope=scope, owner_unit=owner_unit, owner_person=owner_person, period=period,
        starts=starts, ends=ends, title=title[:300], created_by=by.person or person)
    events.record(verb="programme.created", actor=by, agency=agency, target=programme, data={
        "scope": scope, "period": period, "starts": starts.isoformat(), "ends": ends.isoformat(),
        "owner_unit": owner_unit.pk if owner_unit else None, "owner_person": owner_person.pk if owner_person else None})
    return programme


# --- Items ------------------------------------------------------------------------------------

def _default_field(agency_id: int, unit: Unit) -> Field | None:
    """The field supervising the responsible unit (the first by name), if any."""
    return Field.objects.filter(agency_id=agency_id, units=unit).order_by("name").first()


def _clean_item(programme: Programme, values: dict[str, Any], *, proposal: bool = False) -> dict[str, Any]:
    """The item's values checked; ValidationError keyed by field otherwise."""
    agency_id = programme.agency_id
    errors: dict[str, str] = {}
    title = clean(values.get("title") or "")
    if not title:
        errors["title"] = _("Give the work to be done.")
    unit: Unit | None = values.get("responsible_unit")
    if unit is None:
        errors["responsible_unit"] = _("Choose the unit responsible for the work.")
    elif unit.agency_id != agency_id or unit.deleted_at is not None:
        errors["responsible_unit"] = _("The responsible unit must be of this agency.")
    coordinating = [u for u in values.get("coordinating_units") or [] if unit is None or u.pk != unit.pk]
    if any(u.agency_id != agency_id for u in coordinating):
        errors["coordinating_units"] = _("Coordinating units must be of this agency.")
    person: Person | None = values.get("responsible_person")
    if person is not None and not (person.is_active and (
            person.agency_id == agency_id
            or Post.objects.filter(person=person, agency_id=agency_id, end_date__isnull=True).exists())):
        errors["responsible_person"] = _("The responsible person must be of this agency.")
    starts: date | None = values.get("starts")
    due: date | None = values.get("due")
    if due is None:
        errors["due"] = _("Give the time of the work: its due date.")
    elif starts is not None and starts > due:
        errors["starts"] = _("The start cannot be after the due date.")
    elif not proposal and not (programme.starts <= (starts or due) and due <= programme.ends):
        errors["due"] = _("The time must be within the programme's period (%(start)s – %(end)s).") % {
            "start": programme.starts.strftime("%d/%m/%Y"), "end": programme.ends.strftime("%d/%m/%Y")}
    nature = values.get("nature") or Item.Nature.REGULAR
    if nature not in Item.Nature.values:
        errors["nature"] = _("Unknown nature of the work.")
    field: Field | None = values.get("field")
    if field is not None and field.agency_id != agency_id:
        errors["field"] = _("The field must be of this agency.")
    if errors:
        raise ValidationError(errors)
    assert unit is not None and due is not None
    return {"title": title[:500], "product": clean(values.get("product") or "")[:300], "responsible_unit": unit,
            "responsible_person": person, "coordinating_units": coordinating, "starts": starts, "due": due,
            "nature": nature, "field": field or _default_field(agency_id, unit)}


def _snapshot(item: Item) -> dict[str, Any]:
    return {"title": item.title, "product": item.product, "responsible_unit": item.responsible_unit_id,
            "responsible_person": item.responsible_person_id,
            "coordinating_units": sorted(u.pk for u in item.coordinating_units.all()),
            "starts": item.starts.isoformat() if item.starts else None, "due": item.due.isoformat(),
            "nature": item.nature, "field": item.field_id, "state": item.state}


def _check_writable(person: Person, programme: Programme, reason: str) -> str:
    """May the person change the programme now? The reason, required once it is approved."""
    if not rules.may_see(person, programme) or not rules.may_write(person, programme):
        raise NotAllowed()
    if programme.status == Programme.Status.SUBMITTED:
        raise ValidationError(_("The programme waits for approval: it cannot be changed until it is approved "
                                "or returned."))
    reason = clean(reason or "")
    if programme.is_approved and not reason:
        raise ValidationError({"reason": _("An approved programme is adjusted only with the reason for the "
                                           "adjustment.")})
    return reason


def _adjusted(by: Actor, programme: Programme, item: Item, change: str, reason: str,
              before: dict[str, Any] | None) -> None:
    """Record the adjustment of an approved programme: its row, a new version, its event."""
    person = by.person or _person(by)
    programme.version += 1
    programme.save(update_fields=["version"])
    after = _snapshot(item)
    changes = {"change": change, "before": before, "after": after}
    Adjustment.objects.create(programme=programme, item=item, version=programme.version, reason=reason,
                              changes=changes, by=person)
    units = {after["responsible_unit"], (before or {}).get("responsible_unit")}
    events.record(verb="programme.adjusted", actor=by, agency=programme.agency_id, target=programme, data={
        "item": item.pk, "change": change, "reason": reason, "version": programme.version, "before": before,
        "after": after, "responsible_units": sorted(u for u in units if u)})


@transaction.atomic
def add_item(*, by: Actor, programme: Programme, reason: str = "", **values: Any) -> Item:
    """An item added to a draft (or, with its reason, to an approved programme: an adjustment)."""
    person = _person(by)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    reason = _check_writable(person, programme, reason)
    data = _clean_item(programme, values)
    coordinating = data.pop("coordinating_units")
    order = (Item.objects.filter(programme=programme).order_by("-order").values_list("order", flat=True).first()
             or 0) + 1
    item = Item.objects.create(programme=programme, order=order,
                               added_in_version=programme.version + (1 if programme.is_approved else 0), **data)
    item.coordinating_units.set(coordinating)
    if programme.is_approved:
        _adjusted(by, programme, item, "added", reason, None)
    else:
        events.record(verb="programme.item_added", actor=by, agency=programme.agency_id, target=programme,
                      data={"item": item.pk, **_snapshot(item)})
    return item


@transaction.atomic
def update_item(*, by: Actor, item: Item, reason: str = "", **values: Any) -> Item:
    """An item changed in a draft, or adjusted with its reason in an approved programme."""
    person = _person(by)
    programme = Programme.objects.select_for_update().get(pk=item.programme_id)
    reason = _check_writable(person, programme, reason)
    if item.state != Item.State.ACTIVE:
        raise ValidationError(_("A withdrawn item cannot be changed."))
    data = _clean_item(programme, values, proposal=item.proposed_in_id is not None)
    coordinating = data.pop("coordinating_units")
    before = _snapshot(item)
    for key, value in data.items():
        setattr(item, key, value)
    item.save()
    item.coordinating_units.set(coordinating)
    after = _snapshot(item)
    if after == before:
        return item
    if programme.is_approved:
        _adjusted(by, programme, item, "updated", reason, before)
    else:
        events.record(verb="programme.item_updated", actor=by, agency=programme.agency_id, target=programme,
                      data={"item": item.pk, "before": before, "after": after})
    return item


@transaction.atomic
def withdraw_item(*, by: Actor, item: Item, reason: str = "") -> None:
    """A draft's item removed; an approved programme's item withdrawn with its reason (it stays,
    marked withdrawn, with its adjustment)."""
    person = _person(by)
    programme = Programme.objects.select_for_update().get(pk=item.programme_id)
    reason = _check_writable(person, programme, reason)
    if item.state != Item.State.ACTIVE:
        raise ValidationError(_("The item is already withdrawn."))
    before = _snapshot(item)
    if programme.is_approved:
        item.state = Item.State.WITHDRAWN
        item.save(update_fields=["state"])
        _adjusted(by, programme, item, "withdrawn", reason, before)
        return
    item_pk = item.pk
    item.delete()
    events.record(verb="programme.item_withdrawn", actor=by, agency=programme.agency_id, target=programme,
                  data={"item": item_pk, "before": before})


# --- Approval ---------------------------------------------------------------------------------

@transaction.atomic
def submit(*, by: Actor, programme: Programme) -> Programme:
    """The draft sent to the leader in charge for approval (rules.approver_for)."""
    person = _person(by)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if not rules.may_see(person, programme) or not rules.may_write(person, programme):
        raise NotAllowed()
    if programme.status != Programme.Status.DRAFT:
        raise ValidationError(_("Only a draft programme can be submitted."))
    if not Item.objects.filter(programme=programme, state=Item.State.ACTIVE, proposed_in__isnull=True).exists():
        raise ValidationError(_("Add the programme's work items before submitting it."))
    approver = rules.approver_for(programme)
    if approver is None:
        raise ValidationError(_("Nobody is in charge of approving this programme: ask the administrator to name "
                                "the leaders in charge of the fields."))
    programme.status = Programme.Status.SUBMITTED
    programme.approver = approver
    programme.submitted_by = by.person or person
    programme.submitted_at = timezone.now()
    programme.return_note = ""
    programme.save(update_fields=["status", "approver", "submitted_by", "submitted_at", "return_note"])
    events.record(verb="programme.submitted", actor=by, agency=programme.agency_id, target=programme,
                  data={"approver": approver.pk})
    return programme


def _decidable(person: Person, programme: Programme) -> Programme:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if not rules.may_see(person, programme) or not rules.may_approve(person, programme):
        raise NotAllowed()
    if programme.status != Programme.Status.SUBMITTED:
        raise ValidationError(_("The programme is not waiting for approval."))
    return programme


@transaction.atomic
def approve(*, by: Actor, programme: Programme, note: str = "") -> Programme:
    person = _person(by)
    programme = _decidable(person, programme)
    programme.status = Programme.Status.APPROVED
    programme.approved_by = person
    programme.approved_at = timezone.now()
    programme.save(update_fields=["status", "approved_by", "approved_at"])
    events.record(verb="programme.approved", actor=by, agency=programme.agency_id, target=programme,
                  data={"note": clean(note or ""), "submitted_by": programme.submitted_by_id,
                        "version": programme.version})
    return programme


@transaction.atomic
def send_back(*, by: Actor, programme: Programme, note: str) -> Programme:
    """Returned to its drafters with what to change (the note is required)."""
    person = _person(by)
    note = clean(note or "")
    if not note:
        raise ValidationError({"note": _("Say what is to be changed.")})
    programme = _decidable(person, programme)
    programme.status = Programme.Status.DRAFT
    programme.return_note = note
    programme.save(update_fields=["status", "return_note"])
    events.record(verb="programme.returned", actor=by, agency=programme.agency_id, target=programme,
                  data={"note": note, "submitted_by": programme.submitted_by_id})
    return programme


# --- Items become tasks -----------------------------------------------------------------------

@transaction.atomic
def make_tasks(*, by: Actor, programme: Programme, items: Sequence[Item]) -> list[Task]:
    """Tasks from the approved programme's items (one or several at once): the responsible person
    (or unit) owns each, the coordinating units coordinate, the item's due date is the deadline.
    An item that already has a task is left alone. The rights are the tasks' own (a leader, or
    the head of the responsible unit); any refusal undoes them all."""
    person = _person(by)
    programme = Programme.objects.select_related("agency").get(pk=programme.pk)
    if not rules.may_see(person, programme):
        raise NotAllowed()
    if not programme.is_approved:
        raise ValidationError(_("Tasks are made from an approved programme only."))
    chosen = [i for i in items if i.programme_id == programme.pk]
    if not chosen:
        raise ValidationError({"items": _("Choose the items to make tasks of.")})
    for item in chosen:
        if not task_rules.may_assign(person, programme.agency_id, owner_person=item.responsible_person,
                                     owner_unit_id=None if item.responsible_person else item.responsible_unit_id):
            raise NotAllowed()
    existing = task_selectors.from_sources(programme.agency_id, Task.Source.PROGRAMME, [str(i.pk) for i in chosen])
    made: list[Task] = []
    for item in chosen:
        live = [t for t in existing[str(item.pk)] if t.status != Task.Status.WITHDRAWN]
        if live or item.state != Item.State.ACTIVE or item.proposed_in_id is not None:
            continue
        owner = Owner(person=item.responsible_person) if item.responsible_person else Owner(unit=item.responsible_unit)
        try:
            task = task_services.create_from(
                by=by, agency=programme.agency, source=Task.Source.PROGRAMME, source_ref=str(item.pk),
                title=item.title, owner=owner, deadline=item.due,
                description=_("Product: %(product)s") % {"product": item.product} if item.product else "",
                coordinating_units=list(item.coordinating_units.all()))
        except ValidationError as error:
            messages = "; ".join(error.messages)
            raise ValidationError({"items": f"{item.title[:80]}: {messages}"}) from error
        made.append(task)
    if not made:
        raise ValidationError({"items": _("The chosen items already have their tasks.")})
    events.record(verb="programme.tasks_made", actor=by, agency=programme.agency_id, target=programme, data={
        "items": [int(t.source_ref) for t in made], "tasks": [t.pk for t in made]})
    return made


# --- Periodic review --------------------------------------------------------------------------

@transaction.atomic
def review(*, by: Actor, programme: Programme, starts: date | None, ends: date | None, assessment: str,
           proposals: Sequence[dict[str, Any]] = ()) -> Review:
    """A review (sơ kết, tổng kết) of the period: the assessment, the counts by status at that
    moment, and the work proposed for the next period (items marked proposed)."""
    from qlvb.programmes import selectors

    person = _person(by)
    programme = Programme.objects.select_related("agency").get(pk=programme.pk)
    if not rules.may_see(person, programme) or not (rules.may_write(person, programme)
                                                    or rules.is_leader(person, programme.agency_id)):
        raise NotAllowed()
    if not programme.is_approved:
        raise ValidationError(_("Only an approved programme is reviewed."))
    assessment = clean(assessment or "")
    errors: dict[str, str] = {}
    if not assessment:
        errors["assessment"] = _("Write the assessment of the period.")
    starts, ends = starts or programme.starts, ends or programme.ends
    if starts > ends:
        errors["ends"] = _("The end of the period cannot be before its start.")
    if errors:
        raise ValidationError(errors)
    cleaned = [_clean_item(programme, values, proposal=True) for values in proposals]
    counts = selectors.counts(selectors.item_rows(programme, start=starts, end=ends))
    record = Review.objects.create(programme=programme, starts=starts, ends=ends, assessment=assessment,
                                   counts=counts, by=by.person or person)
    order = (Item.objects.filter(programme=programme).order_by("-order").values_list("order", flat=True).first()
             or 0)
    proposed: list[int] = []
    for number, data in enumerate(cleaned, start=1):
        coordinating = data.pop("coordinating_units")
        item = Item.objects.create(programme=programme, order=order + number, proposed_in=record,
                                   added_in_version=programme.version, **data)
        item.coordinating_units.set(coordinating)
        proposed.append(item.pk)
    events.record(verb="programme.reviewed", actor=by, agency=programme.agency_id, target=programme, data={
        "review": record.pk, "starts": starts.isoformat(), "ends": ends.isoformat(), "counts": counts,
        "proposed": proposed})
    return record

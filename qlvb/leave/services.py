"""Leave and overtime writes. Each is one transaction with its event (notifications follow the
events, qlvb.notifications.routes). Bad input raises ValidationError with a Vietnamese message and
saves nothing; someone who may not act gets NotAllowed (a 404 at the edge)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import absences, events, workdays
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.text import clean
from qlvb.leave import rules, selectors
from qlvb.leave.models import ACTIVE, TAKEN, CarryOver, LeaveRequest, Overtime, Rules, ServiceStart
from qlvb.org.models import Delegation, Person, Post
from qlvb.tasks import services as tasks

HALF = Decimal("0.5")
MAX_DAYS = 366
NOTICE_KINDS = (LeaveRequest.Kind.ANNUAL, LeaveRequest.Kind.PERSONAL)  # 001 Đ18.3


def _person(by: Actor) -> Person:
    if by.effective is None:
        raise NotAllowed()
    return by.effective


def count_days(agency_id: int, start: date, end: date, start_afternoon: bool = False,
               end_morning: bool = False) -> Decimal:
    """Working days of the agency's calendar in [start, end], a half less for each half day."""
    if end < start:
        return Decimal(0)
    days = Decimal(workdays.working_days_between(start - timedelta(days=1), end, agency_id))
    if start_afternoon and workdays.is_working_day(start, agency_id):
        days -= HALF
    if end_morning and workdays.is_working_day(end, agency_id):
        days -= HALF
    return max(days, Decimal(0))


def _delegated(person: Person, agency_id: int, start: date, end: date) -> bool:
    """An approved delegation of the person's authority covering every day of the period."""
    zone = timezone.get_current_timezone()
    begins = datetime.combine(start, time(0, 0), tzinfo=zone)
    ends = datetime.combine(end, time(17, 0), tzinfo=zone)
    return Delegation.objects.filter(agency_id=agency_id, delegator=person, status=Delegation.Status.APPROVED,
                                     starts_at__lte=begins, ends_at__gte=ends).exists()


def request_leave(*, by: Actor, kind: str, start: date | None, end: date | None, reason: str,
                  start_afternoon: bool = False, end_morning: bool = False, emergency: bool = False,
                  emergency_reason: str = "", cover: Person | None = None,
                  today: date | None = None) -> LeaveRequest:
    """Ask for leave (001 Đ18): sent to the approver the agency's rules name (rules.route); the
    director's own is announced, approved at once. `cover`: the colleague who takes his open tasks
    for the period (optional). See docs/leave.md for every refusal."""
    person = _person(by)
    agency_id = person.agency_id
    if agency_id is None:
        raise NotAllowed()
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    reason = clean(reason or "")[:500]
    emergency_reason = clean(emergency_reason or "")[:500]
    if kind not in LeaveRequest.Kind.values:
        add("kind", _("Choose the kind of leave."))
    if not reason:
        add("reason", _("Give the reason for the leave."))
    if start is None:
        add("start", _("Give the first day of leave."))
    if end is None:
        add("end", _("Give the last day of leave."))
    if errors or start is None or end is None:
        raise ValidationError(errors)
    if end < start:
        raise ValidationError({"end": [_("The leave cannot end before it starts.")]})
    if (end - start).days > MAX_DAYS:
        raise ValidationError({"end": [_("A request covers at most one year.")]})
    if start == end and start_afternoon and end_morning:
        raise ValidationError({"end_morning": [_("One day cannot start in the afternoon and end in the morning.")]})
    days = count_days(agency_id, start, end, start_afternoon, end_morning)
    if days <= 0:
        raise ValidationError({"start": [_("There is no working day in this period.")]})
    agency_rules = rules.rules_for(agency_id)
    if emergency and not emergency_reason:
        add("emergency_reason", _("Say why the leave could not be asked in advance."))
    if not emergency and kind in NOTICE_KINDS and (start - today).days < agency_rules.notice_days:
        add("start", _("Leave must be asked at least %(n)s days in advance; otherwise mark it as an emergency and "
                       "give the reason (you must also tell your leader by phone).") % {"n": agency_rules.notice_days})
    if not emergency and start < today:
        add("start", _("Past leave can be entered only as an emergency, with its reason."))
    overlapping = selectors.overlapping(person.pk, start, end).first()
    if overlapping is not None:
        add("start", _("You already asked for leave from %(start)s to %(end)s; this request overlaps it.") % {
            "start": overlapping.start.strftime("%d/%m/%Y"), "end": overlapping.end.strftime("%d/%m/%Y")})
    if kind == LeaveRequest.Kind.ANNUAL:
        balance = selectors.balance(person, start.year)
        if days > balance.available:
            add("end", _("Only %(left)s days of annual leave are left for %(year)s (%(pending)s waiting for "
                         "approval); this request counts %(days)s.") % {
                "left": _n(balance.available), "year": start.year, "pending": _n(balance.pending), "days": _n(days)})
    if rules.is_leader(person) and not _delegated(person, agency_id, start, end):
        add("delegation", _("You hold a leading post: delegate your authority for %(start)s to %(end)s (Delegations "
                            "page) and wait for it to be approved before sending this request, so that no work "
                            "stops while you are away.") % {
            "start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")})
    post = rules.home_post(person, agency_id)
    route = rules.route(person, agency_id, days, post.unit_id if post else None)
    if route.step != LeaveRequest.Step.NONE and route.approver is None:
        add("start", _("Nobody holds the post that approves this request; ask the office."))
    if cover is not None:
        problem = cover_problem(person, cover, agency_id, start, end)
        if problem:
            add("cover", problem)
    if errors:
        raise ValidationError(errors)
    informed = route.step == LeaveRequest.Step.NONE
    with transaction.atomic():
        leave = LeaveRequest.objects.create(
            agency_id=agency_id, person=person, unit_id=post.unit_id if post else None, kind=kind, start=start,
            end=end, start_afternoon=start_afternoon, end_morning=end_morning, days=days, year=start.year,
            reason=reason, emergency=emergency, emergency_reason=emergency_reason if emergency else "",
            status=LeaveRequest.Status.INFORMED if informed else LeaveRequest.Status.PENDING, step=route.step,
            approver=route.approver, decided_at=timezone.now() if informed else None, cover=cover)
        events.record(verb="leave.informed" if informed else "leave.requested", actor=by, agency=agency_id,
                      target=leave, data=_data(leave))
        if cover is not None:
            _cover_named(by, leave, None)
            if _cover_due(leave, today):
                start_cover(by, leave)
    return leave


def _n(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def _data(leave: LeaveRequest) -> dict[str, object]:
    """What the event keeps: the dates and the approver; not the reason (it is private)."""
    return {"person": leave.person_id, "kind": leave.kind, "start": leave.start, "end": leave.end,
            "days": str(leave.days), "step": leave.step, "approver": leave.approver_id,
            "url": reverse("leave:detail", args=[leave.pk])}


def _lock(leave: LeaveRequest) -> LeaveRequest:
    return LeaveRequest.objects.select_for_update().get(pk=leave.pk)


def approve(*, by: Actor, leave: LeaveRequest, note: str = "") -> LeaveRequest:
    return _decide(by, leave, LeaveRequest.Status.APPROVED, note)


def refuse(*, by: Actor, leave: LeaveRequest, note: str) -> LeaveRequest:
    if not clean(note or ""):
        raise ValidationError({"note": [_("Give the reason for the refusal.")]})
    return _decide(by, leave, LeaveRequest.Status.REFUSED, note)


def _decide(by: Actor, leave: LeaveRequest, status: str, note: str) -> LeaveRequest:
    person = _person(by)
    with transaction.atomic():
        leave = _lock(leave)
        if leave.approver_id != person.pk:
            raise NotAllowed()
        if leave.status != LeaveRequest.Status.PENDING:
            raise ValidationError({"status": [_("This request has already been decided.")]})
        leave.status, leave.decided_by, leave.decided_at = status, person, timezone.now()
        leave.decision_note = clean(note or "")[:500]
        leave.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        events.record(verb="leave.approved" if status == LeaveRequest.Status.APPROVED else "leave.refused",
                      actor=by, agency=leave.agency_id, target=leave, data=_data(leave))
        if _cover_due(leave, timezone.localdate()):  # approved on or after its first day
            start_cover(by, leave)
    return leave


def cancel(*, by: Actor, leave: LeaveRequest, today: date | None = None) -> LeaveRequest:
    """The person withdraws his request, before it has ended."""
    person = _person(by)
    today = today or timezone.localdate()
    with transaction.atomic():
        leave = _lock(leave)
        if leave.person_id != person.pk:
            raise NotAllowed()
        if leave.status not in ACTIVE:
            raise ValidationError({"status": [_("This request is no longer in force.")]})
        if leave.end < today:
            raise ValidationError({"status": [_("A leave already taken cannot be cancelled.")]})
        leave.status = LeaveRequest.Status.CANCELLED
        leave.save(update_fields=["status"])
        events.record(verb="leave.cancelled", actor=by, agency=leave.agency_id, target=leave, data=_data(leave))
        if leave.cover_held:  # cancelled after its first day: the tasks go back at once
            end_cover(by, leave, reason="cancelled")
    return leave


# --- Cover for the period (người xử lý thay trong thời gian nghỉ) ---------------------------------
# The person (or the approver, or the office) names a colleague who holds his open tasks while he
# is away: given on the first day of granted leave (or at once when that day has come), given back
# the day after the last (or at once when the leave is cancelled or the colleague changed). The
# moves go through tasks.services (cover / give_back), each task recording its event.

def cover_problem(person: Person, cover: Person, agency_id: int, start: date, end: date) -> str:
    """Why `cover` cannot hold the person's tasks from `start` to `end` ("" when he can): he must be
    someone else, active, with a post in force in the agency, and not away himself on those days."""
    if cover.pk == person.pk:
        return _("Name a colleague: the person on leave cannot handle his own tasks meanwhile.")
    if not cover.is_active or not Post.objects.filter(person=cover, agency_id=agency_id,
                                                      end_date__isnull=True).exists():
        return _("The colleague must hold a post in force in this agency.")
    away = absences.absent([cover.pk], start, end).get(cover.pk)
    if away:
        return _("%(name)s is away during this period too (%(away)s): name another colleague.") % {
            "name": cover.full_name, "away": away}
    return ""


def _cover_due(leave: LeaveRequest, today: date) -> bool:
    """The colleague should hold the tasks now: granted leave, its period under way, not yet given."""
    return (leave.cover_id is not None and leave.status in TAKEN and leave.start <= today <= leave.end
            and leave.cover_given_at is None)


def _cover_data(leave: LeaveRequest) -> dict[str, object]:
    assert leave.cover is not None
    return {"person": leave.person_id, "cover": leave.cover_id, "cover_name": leave.cover.full_name,
            "start": leave.start, "end": leave.end, "url": reverse("leave:detail", args=[leave.pk])}


def _cover_named(by: Actor, leave: LeaveRequest, previous: int | None) -> None:
    data = _cover_data(leave) if leave.cover is not None else {
        "person": leave.person_id, "cover": None, "start": leave.start, "end": leave.end}
    events.record(verb="leave.cover_named", actor=by, agency=leave.agency_id, target=leave,
                  data={**data, "previous": previous})


def _moved(leave: LeaveRequest) -> tasks.Moved:
    held = leave.cover_moved or {}
    return tasks.Moved(owned=tuple(held.get("owned") or ()),
                       coordinators=tuple((int(row), int(task)) for row, task in held.get("coordinators") or ()))


def start_cover(by: Actor, leave: LeaveRequest) -> tasks.Moved:
    """The colleague takes the person's open tasks (owned and coordinated) for the period; in the
    caller's transaction, the request locked."""
    assert leave.cover is not None
    moved = tasks.cover(by=by, person=leave.person, colleague=leave.cover, agency_id=leave.agency_id,
                        data={"leave": leave.pk})
    leave.cover_given_at, leave.cover_returned_at = timezone.now(), None
    leave.cover_moved = {"owned": list(moved.owned), "coordinators": [list(pair) for pair in moved.coordinators]}
    leave.save(update_fields=["cover_given_at", "cover_returned_at", "cover_moved"])
    events.record(verb="leave.cover_started", actor=by, agency=leave.agency_id, target=leave, data={
        **_cover_data(leave), "tasks": moved.task_ids, "count": moved.count})
    return moved


def end_cover(by: Actor, leave: LeaveRequest, reason: str = "ended") -> tasks.Moved:
    """What the colleague was given and still holds open goes back to the person; what he completed
    or what was given to someone else meanwhile stays. In the caller's transaction."""
    assert leave.cover is not None
    given = _moved(leave)
    back = tasks.give_back(by=by, colleague=leave.cover, person=leave.person, agency_id=leave.agency_id,
                           moved=given, data={"leave": leave.pk})
    leave.cover_returned_at = timezone.now()
    leave.save(update_fields=["cover_returned_at"])
    returned = back.task_ids
    events.record(verb="leave.cover_ended", actor=by, agency=leave.agency_id, target=leave, data={
        **_cover_data(leave), "tasks": returned, "count": back.count, "reason": reason,
        "kept": sorted(set(given.task_ids) - set(returned))})
    return back


def set_cover(*, by: Actor, leave: LeaveRequest, cover: Person | None, today: date | None = None) -> LeaveRequest:
    """Name (or change, or remove) the colleague who holds the person's tasks during the leave: the
    person, the approver or the office, while the request is in force and not over. A colleague
    holding the tasks already gives them back; the new one takes them at once if the leave is under
    way."""
    viewer = _person(by)
    if not rules.may_name_cover(viewer, leave):
        raise NotAllowed()
    today = today or timezone.localdate()
    with transaction.atomic():
        leave = _lock(leave)
        if leave.status not in ACTIVE or leave.end < today:
            raise ValidationError({"cover": [_("This leave is over or no longer in force: its cover cannot change.")]})
        if (cover.pk if cover else None) == leave.cover_id:
            return leave
        if cover is not None:
            problem = cover_problem(leave.person, cover, leave.agency_id, max(leave.start, today), leave.end)
            if problem:
                raise ValidationError({"cover": [problem]})
        if leave.cover_held:
            end_cover(by, leave, reason="changed")
        previous = leave.cover_id
        leave.cover = cover
        leave.save(update_fields=["cover"])
        _cover_named(by, leave, previous)
        if cover is not None and leave.status in TAKEN and leave.start <= today:
            start_cover(by, leave)
    return leave


def run_covers(today: date | None = None) -> tuple[int, int]:
    """The daily job: give back what colleagues hold for leave that is over (or no longer in force),
    then give colleagues the tasks of leave whose first day has come. Each request in its own
    transaction; running it again moves nothing twice. Returns (given, given back)."""
    today = today or timezone.localdate()
    held = LeaveRequest.objects.filter(cover_given_at__isnull=False, cover_returned_at__isnull=True)
    ended = held.filter(Q(end__lt=today) | ~Q(status__in=TAKEN)).order_by("pk").values_list("pk", flat=True)
    returned = 0
    for pk in list(ended):
        with transaction.atomic():
            leave = LeaveRequest.objects.select_for_update().get(pk=pk)
            if leave.cover_held and (leave.end < today or leave.status not in TAKEN):
                end_cover(Actor.system(), leave)
                returned += 1
    due = (LeaveRequest.objects.filter(cover__isnull=False, cover_given_at__isnull=True, status__in=TAKEN,
                                       start__lte=today, end__gte=today).order_by("pk").values_list("pk", flat=True))
    given = 0
    for pk in list(due):
        with transaction.atomic():
            leave = LeaveRequest.objects.select_for_update().get(pk=pk)
            if _cover_due(leave, today):
                start_cover(Actor.system(), leave)
                given += 1
    return given, returned


def set_service_start(*, by: Actor, person: Person, started_on: date | None) -> ServiceStart:
    """The office records when a person began service (the seniority of the entitlement)."""
    keeper = _person(by)
    if person.agency_id is None or not rules.may_keep(keeper, person.agency_id):
        raise NotAllowed()
    if started_on is None or started_on > timezone.localdate() or started_on.year < 1950:
        raise ValidationError({"started_on": [_("Give a valid date of entry into service.")]})
    with transaction.atomic():
        row, _created = ServiceStart.objects.update_or_create(person=person, defaults={"started_on": started_on})
        events.record(verb="leave.service_start_set", actor=by, agency=person.agency_id, target=person,
                      data={"started_on": started_on})
    return row


def carry_over(*, by: Actor, person: Person, from_year: int, days: Decimal, note: str = "") -> CarryOver:
    """The leadership agrees that `days` unused in `from_year` are taken in the next year (001
    Đ18.3: two years' leave together, three with the leadership's agreement): at most what is left
    of that year, and the days carried may not exceed (carry_years − 1) years' entitlement."""
    keeper = _person(by)
    if person.agency_id is None or not rules.may_keep(keeper, person.agency_id):
        raise NotAllowed()
    agency_rules = rules.rules_for(person.agency_id)
    left = selectors.balance(person, from_year).available
    limit = selectors.entitlement(person, from_year + 1) * max(agency_rules.carry_years - 1, 0)
    if days is None or days <= 0 or days % HALF:
        raise ValidationError({"days": [_("Give the days to carry over, in halves of a day.")]})
    if days > left:
        raise ValidationError({"days": [_("Only %(n)s days of %(year)s are unused.") % {
            "n": _n(left), "year": from_year}]})
    if days > limit:
        raise ValidationError({"days": [_("At most %(n)s days may be carried into the next year.") % {
            "n": _n(Decimal(limit))}]})
    if CarryOver.objects.filter(person=person, year=from_year + 1).exists():
        raise ValidationError({"days": [_("The leave of %(year)s has already been carried over.") % {
            "year": from_year}]})
    with transaction.atomic():
        row = CarryOver.objects.create(person=person, year=from_year + 1, days=days, agreed_by=keeper,
                                       note=clean(note or "")[:300])
        events.record(verb="leave.carried_over", actor=by, agency=person.agency_id, target=row,
                      data={"person": person.pk, "from": from_year, "days": str(days)})
    return row


def set_rules(*, by: Actor, agency_id: int, **values: object) -> Rules:
    """The agency's administrators and leaders change its leave rules."""
    person = _person(by)
    if not rules.may_set_rules(person, agency_id):
        raise NotAllowed()
    row = rules.rules_for(agency_id)
    for name, value in values.items():
        setattr(row, name, value)
    if row.unit_head_max_days > row.field_leader_max_days:
        raise ValidationError({"unit_head_max_days": [_("A unit head cannot grant more than the deputy in charge.")]})
    with transaction.atomic():
        row.save()
        events.record(verb="leave.rules_changed", actor=by, agency=agency_id, target=row,
                      data={k: str(v) for k, v in values.items()})
    return row


def declare_overtime(*, by: Actor, day: date | None, hours: Decimal | None, work: str,
                     today: date | None = None) -> Overtime:
    """Work outside office hours or at the weekend, declared to the Chánh Văn phòng (001 Đ19.1)."""
    person = _person(by)
    if person.agency_id is None:
        raise NotAllowed()
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    work = clean(work or "")[:500]
    if day is None:
        errors["day"] = [_("Give the day.")]
    elif abs((day - today).days) > 62:
        errors["day"] = [_("Declare work within two months of the day.")]
    if hours is None or hours <= 0 or hours > 24:
        errors["hours"] = [_("Give the hours worked (more than 0, at most 24).")]
    if not work:
        errors["work"] = [_("Say what work was done.")]
    if errors or day is None or hours is None:
        raise ValidationError(errors)
    with transaction.atomic():
        row = Overtime.objects.create(agency_id=person.agency_id, person=person, day=day, hours=hours,
                                      weekend=not workdays.is_working_day(day, person.agency_id), work=work)
        events.record(verb="overtime.declared", actor=by, agency=person.agency_id, target=row,
                      data={"day": day, "hours": str(hours), "weekend": row.weekend})
    return row

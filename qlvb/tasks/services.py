"""Task writes (R19, 003 Đ7). Each change is one transaction that also records its event (the
task's timeline, the audit log, notifications and search follow the events). Bad input raises
ValidationError with a Vietnamese message and saves nothing; a person without the right gets
NotAllowed (a 404 at the edge).

`create_from()` is the entry for other apps (meetings' conclusions, programme items): it names the
source and its reference and otherwise assigns like a leader does."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import events, kinds
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.text import clean
from qlvb.core.workdays import add_working_days
from qlvb.files.services import prepare_uploads, staged_uploads
from qlvb.org.models import Agency, Person, Post, Unit
from qlvb.org.roles import roles_of
from qlvb.tasks import rules
from qlvb.tasks.models import Coordinator, ExtensionRequest, Link, Report, Task, TaskFile


def _person(by: Actor) -> Person:
    """The person at the keyboard; the system (no person) assigns nothing by hand."""
    if by.person is None:
        raise NotAllowed()
    return by.person


def _effective(by: Actor) -> Person:
    """Whose authority applies: the delegator while acting on his behalf."""
    if by.effective is None:
        raise NotAllowed()
    return by.effective


@dataclass(frozen=True)
class Owner:
    """Who owns (chủ trì) a task: one person or one unit."""

    person: Person | None = None
    unit: Unit | None = None


def deadline_in(working_days: int, agency: Agency | int | None, start: date | None = None) -> date:
    """The deadline `working_days` working days from today (Vietnamese holidays, Tết, the
    agency's own calendar)."""
    return add_working_days(start or timezone.localdate(), working_days, agency)


def _check_deadline(deadline: date | None, *, field: str = "deadline", parent: Task | None = None) -> date:
    if deadline is None:
        raise ValidationError({field: _("Give the deadline.")})
    if deadline < timezone.localdate():
        raise ValidationError({field: _("The deadline cannot be before today.")})
    if parent is not None and deadline > parent.deadline:
        raise ValidationError({field: _("A sub-task's deadline cannot be after its task's (%(date)s).")
                               % {"date": parent.deadline.strftime("%d/%m/%Y")}})
    return deadline


def _owner_unit_id(agency: Agency, owner: Owner, by: Person) -> int | None:
    """The unit whose work the task is: the owner unit, or the owner person's unit (the one the
    assigner heads, when he heads one of the person's units)."""
    if owner.unit is not None:
        return owner.unit.pk
    assert owner.person is not None
    posts = list(Post.objects.filter(person=owner.person, agency=agency, end_date__isnull=True)
                 .order_by("is_concurrent", "id").values_list("unit_id", flat=True))
    headed = roles_of(by).headed_unit_ids
    return next((u for u in posts if u in headed), posts[0] if posts else None)


def _check_owner(agency: Agency, owner: Owner) -> None:
    if (owner.person is None) == (owner.unit is None):
        raise ValidationError({"owner": _("Choose one owner: a person or a unit.")})
    if owner.unit is not None and (owner.unit.agency_id != agency.pk or owner.unit.deleted_at is not None):
        raise ValidationError({"owner": _("The owner must be of this agency.")})
    if owner.person is not None and not (owner.person.is_active and (
            owner.person.agency_id == agency.pk
            or Post.objects.filter(person=owner.person, agency=agency, end_date__isnull=True).exists())):
        raise ValidationError({"owner": _("The owner must be of this agency.")})


def _coordinator_rows(agency: Agency, owner: Owner, people: Iterable[Person],
                      units: Iterable[Unit]) -> list[Coordinator]:
    rows: list[Coordinator] = []
    seen: set[tuple[str, int]] = set()
    for person in people:
        if person.agency_id != agency.pk:
            raise ValidationError({"coordinators": _("Coordinators must be of this agency.")})
        if person == owner.person or ("p", person.pk) in seen:
            continue
        seen.add(("p", person.pk))
        rows.append(Coordinator(person=person))
    for unit in units:
        if unit.agency_id != agency.pk:
            raise ValidationError({"coordinators": _("Coordinators must be of this agency.")})
        if unit == owner.unit or ("u", unit.pk) in seen:
            continue
        seen.add(("u", unit.pk))
        rows.append(Coordinator(unit=unit))
    return rows


def assign(*, by: Actor, agency: Agency, title: str, owner: Owner, deadline: date | None = None,
           working_days: int | None = None, description: str = "", coordinators: Sequence[Person] = (),
           coordinating_units: Sequence[Unit] = (), parent: Task | None = None,
           source: str = Task.Source.INSTRUCTION, source_ref: str = "",
           links: Sequence[tuple[str, int, str]] = (), idempotency_key: str = "",
           verb: str = "task.assigned", check_rights: bool = True) -> Task:
    """Assign a task (or, with `parent`, a sub-task) to an owner with coordinators and a deadline,
    given as a date or as a number of working days from today. `links`: (kind, document id, role)
    of documents the assigner may see (the directive that created the task)."""
    person = _effective(by)
    title = clean(title or "")
    if not title:
        raise ValidationError({"title": _("Give the task's title.")})
    if working_days is not None:
        if working_days < 0:
            raise ValidationError({"deadline": _("The deadline cannot be before today.")})
        deadline = deadline_in(working_days, agency)
    _check_deadline(deadline, parent=parent)
    assert deadline is not None
    _check_owner(agency, owner)
    if source not in Task.Source.values:
        raise ValidationError({"source": _("Unknown source.")})
    if parent is not None and parent.agency_id != agency.pk:
        raise NotAllowed()
    if check_rights:
        # A leader assigns to anyone of the agency, a unit head within his units; a sub-task is
        # made by the owner of its task (or a leader), within what he may assign.
        if parent is not None and not rules.may_split(person, parent):
            raise NotAllowed()
        if not rules.may_assign(person, agency.pk, owner_person=owner.person,
                                owner_unit_id=owner.unit.pk if owner.unit else None):
            raise NotAllowed()
    rows = _coordinator_rows(agency, owner, coordinators, coordinating_units)
    with transaction.atomic():
        task = Task(agency=agency, parent=parent, title=title[:500], description=clean(description or ""),
                    source=source, source_ref=(source_ref or "")[:100], assigned_by=by.person,
                    on_behalf_of=by.on_behalf_of, owner_person=owner.person, owner_unit=owner.unit,
                    unit_id=_owner_unit_id(agency, owner, person), deadline=deadline,
                    idempotency_key=idempotency_key[:100])
        task.save()
        for row in rows:
            row.task = task
        Coordinator.objects.bulk_create(rows)
        linked = [_link(by, task, kind, document_id, role) for kind, document_id, role in links]
        events.record(verb=verb, actor=by, agency=agency, target=task, data={
            "owner_person": owner.person.pk if owner.person else None,
            "owner_unit": owner.unit.pk if owner.unit else None,
            "coordinators": [r.person_id for r in rows if r.person_id],
            "coordinating_units": [r.unit_id for r in rows if r.unit_id],
            "deadline": deadline.isoformat(), "source": source, "source_ref": task.source_ref,
            "parent": parent.pk if parent else None, "links": [f"{link.kind}:{link.document_id}" for link in linked],
        })
    return task


def create_from(*, by: Actor, agency: Agency, source: str, source_ref: str, title: str, owner: Owner,
                deadline: date | None = None, working_days: int | None = None, description: str = "",
                coordinators: Sequence[Person] = (), coordinating_units: Sequence[Unit] = (),
                links: Sequence[tuple[str, int, str]] = ()) -> Task:
    """A task made by another app from its own record: a meeting's conclusion (source "meeting",
    the conclusion's id), a programme item ("programme", the item's id), a directive ("document").
    The same rights as assigning by hand: `by` must be a leader of the agency or the head of the
    owner's unit. Returns the task; its event is "task.assigned" with data["source"] and
    data["source_ref"], so the calling app can follow its tasks by events."""
    return assign(by=by, agency=agency, title=title, owner=owner, deadline=deadline, working_days=working_days,
                  description=description, coordinators=coordinators, coordinating_units=coordinating_units,
                  source=source, source_ref=source_ref, links=links)


def provincial_accounts() -> frozenset[str]:
    """The accounts of the provincial committee's task software (settings.QLVB_PROVINCIAL_TASK_ACCOUNTS)."""
    return frozenset(getattr(settings, "QLVB_PROVINCIAL_TASK_ACCOUNTS", ()))


def receive_provincial(*, by: Actor, agency: Agency, title: str, deadline: date | None, reference: str,
                       idempotency_key: str, description: str = "") -> tuple[Task, bool]:
    """A task the provincial committee (UBND tỉnh) assigns to an agency through the integration
    API. The agency's head receives it (its office when it has no head) and breaks it down. The
    same idempotency key from the same account gives back the same task (created=False)."""
    caller = by.person
    if caller is None or caller.username not in provincial_accounts():
        raise NotAllowed()
    key = (idempotency_key or "").strip()
    if not key:
        raise ValidationError({"idempotency_key": _("Give an idempotency key.")})
    existing = Task.objects.filter(assigned_by=caller, idempotency_key=key[:100]).first()
    if existing is not None:
        return existing, False
    head = (Person.objects.filter(posts__agency=agency, posts__end_date__isnull=True,
                                  posts__position__kind="agency_head", is_active=True).order_by("posts__id").first())
    office = None if head else (Unit.objects.filter(agency=agency, kind=Unit.Kind.OFFICE, deleted_at__isnull=True)
                                .order_by("order", "id").first())
    if head is None and office is None:
        raise ValidationError({"agency": _("The agency has neither a head nor an office to receive the task.")})
    try:
        with transaction.atomic():
            task = assign(by=by, agency=agency, title=title, owner=Owner(person=head, unit=office), deadline=deadline,
                          description=description, source=Task.Source.PROVINCIAL, source_ref=reference,
                          idempotency_key=key, verb="task.received", check_rights=False)
    except IntegrityError:  # the same key at the same moment: the other call made it
        found = Task.objects.filter(assigned_by=caller, idempotency_key=key[:100]).first()
        if found is None:
            raise
        return found, False
    return task, True


def _locked(task: Task) -> Task:
    return Task.objects.select_for_update().get(pk=task.pk)


def _attach(task: Task, report: Report | None, by: Actor, staged: Sequence[Any]) -> list[int]:
    TaskFile.objects.bulk_create([TaskFile(task=task, report=report, stored=s.stored, name=s.name,
                                           added_by=by.person) for s in staged])
    return [s.stored.pk for s in staged]


def report(*, by: Actor, task: Task, note: str, progress: int | None = None, uploads: Sequence[Any] = ()) -> Report:
    """A progress report: the owner gives the per cent done; a coordinator reports his part
    (no per cent). The first report starts the task."""
    person = _effective(by)
    owner = rules.is_owner(person, task)
    if not owner and not rules.is_coordinator(person, task):
        raise NotAllowed()
    note = clean(note or "")
    if not note:
        raise ValidationError({"note": _("Say what has been done.")})
    if not owner:
        progress = None
    elif progress is None or not 0 <= progress <= 100:
        raise ValidationError({"progress": _("Progress is a per cent from 0 to 100.")})
    prepared = prepare_uploads(uploads, combine_images=False, field="files")
    with transaction.atomic(), staged_uploads(prepared, savepoint=False) as staged:
        task = _locked(task)
        if not task.is_open:
            raise ValidationError(_("The task is already completed."))
        row = Report.objects.create(task=task, author=_person(by), on_behalf_of=by.on_behalf_of, progress=progress,
                                    note=note)
        stored = _attach(task, row, by, staged)
        fields = []
        if progress is not None:
            task.progress = progress
            fields.append("progress")
        if task.status == Task.Status.PENDING:
            task.status = Task.Status.IN_PROGRESS
            fields.append("status")
        if fields:
            task.save(update_fields=fields)
        events.record(verb="task.reported", actor=by, agency=task.agency_id, target=task,
                      data={"report": row.pk, "progress": progress, "stored_files": stored})
    return row


def request_extension(*, by: Actor, task: Task, deadline: date | None, reason: str) -> ExtensionRequest:
    """The owner asks to move the deadline, with a reason; one request waits at a time."""
    if not rules.is_owner(_effective(by), task):
        raise NotAllowed()
    reason = clean(reason or "")
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the extension.")})
    _check_deadline(deadline, parent=task.parent)
    assert deadline is not None
    if deadline <= task.deadline:
        raise ValidationError({"deadline": _("The new deadline must be after the current one (%(date)s).")
                               % {"date": task.deadline.strftime("%d/%m/%Y")}})
    with transaction.atomic():
        task = _locked(task)
        if not task.is_open:
            raise ValidationError(_("The task is already completed."))
        if ExtensionRequest.objects.filter(task=task, status=ExtensionRequest.Status.PENDING).exists():
            raise ValidationError(_("An extension request is already waiting for a decision."))
        row = ExtensionRequest.objects.create(task=task, requested_by=_person(by), old_deadline=task.deadline,
                                              requested_deadline=deadline, reason=reason)
        events.record(verb="task.extension_requested", actor=by, agency=task.agency_id, target=task,
                      data={"request": row.pk, "old": task.deadline.isoformat(), "new": deadline.isoformat(),
                            "reason": reason})
    return row


def decide_extension(*, by: Actor, request: ExtensionRequest, approve: bool, note: str = "") -> ExtensionRequest:
    """The assigner (or a leader) approves or rejects; approved, the deadline moves and the
    request keeps the old and new dates (a record, not an edit)."""
    task = request.task
    if not rules.may_decide(_effective(by), task):
        raise NotAllowed()
    note = clean(note or "")
    if not approve and not note:
        raise ValidationError({"note": _("Say why the extension is rejected.")})
    with transaction.atomic():
        task = _locked(task)
        request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != ExtensionRequest.Status.PENDING:
            raise ValidationError(_("This request has already been decided."))
        request.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REJECTED
        request.decided_by, request.decided_at, request.decision_note = by.person, timezone.now(), note
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if approve:
            task.deadline = request.requested_deadline
            task.save(update_fields=["deadline"])
        events.record(verb="task.extension_approved" if approve else "task.extension_rejected", actor=by,
                      agency=task.agency_id, target=task,
                      data={"request": request.pk, "old": request.old_deadline.isoformat(),
                            "new": request.requested_deadline.isoformat(), "note": note})
    return request


def complete(*, by: Actor, task: Task, result: str, uploads: Sequence[Any] = (),
             links: Sequence[tuple[str, int, str]] = ()) -> Task:
    """The owner completes the task with its result (and the report that closes it); its open
    sub-tasks must be done first."""
    if not rules.is_owner(_effective(by), task):
        raise NotAllowed()
    result = clean(result or "")
    if not result:
        raise ValidationError({"result": _("Describe the result.")})
    prepared = prepare_uploads(uploads, combine_images=False, field="files")
    with transaction.atomic(), staged_uploads(prepared, savepoint=False) as staged:
        task = _locked(task)
        if not task.is_open:
            raise ValidationError(_("The task is already completed."))
        if Task.objects.filter(parent=task, status__in=Task.OPEN_STATUSES).exists():
            raise ValidationError(_("Its sub-tasks are not all done yet."))
        task.status, task.progress, task.result = Task.Status.DONE, 100, result
        task.completed_at, task.completed_by = timezone.now(), by.person
        task.save(update_fields=["status", "progress", "result", "completed_at", "completed_by"])
        stored = _attach(task, None, by, staged)
        linked = [_link(by, task, kind, document_id, role) for kind, document_id, role in links]
        ExtensionRequest.objects.filter(task=task, status=ExtensionRequest.Status.PENDING).update(
            status=ExtensionRequest.Status.REJECTED, decision_note=_("The task was completed."),
            decided_at=timezone.now())
        events.record(verb="task.completed", actor=by, agency=task.agency_id, target=task, data={
            "on_time": timezone.localdate() <= task.deadline, "stored_files": stored,
            "links": [f"{link.kind}:{link.document_id}" for link in linked]})
    return task


def evaluate(*, by: Actor, task: Task, evaluation: str, note: str = "") -> Task:
    """The assigner (or a leader) evaluates a completed task's result."""
    if not rules.may_decide(_effective(by), task):
        raise NotAllowed()
    if evaluation not in Task.Evaluation.values:
        raise ValidationError({"evaluation": _("Choose an evaluation.")})
    with transaction.atomic():
        task = _locked(task)
        if task.status != Task.Status.DONE:
            raise ValidationError(_("Only a completed task is evaluated."))
        task.evaluation, task.evaluation_note = evaluation, clean(note or "")
        task.evaluated_by, task.evaluated_at = by.person, timezone.now()
        task.save(update_fields=["evaluation", "evaluation_note", "evaluated_by", "evaluated_at"])
        events.record(verb="task.evaluated", actor=by, agency=task.agency_id, target=task,
                      data={"evaluation": evaluation, "note": task.evaluation_note})
    return task


def change(*, by: Actor, task: Task, title: str, description: str, deadline: date | None, owner: Owner,
           reason: str = "") -> Task:
    """The assigner (or a leader) changes an open task: its title, instruction, deadline or owner
    (điều chỉnh). A new owner must be one the person may assign to; a deadline moved earlier than
    a sub-task's is refused. Every change is recorded before and after (`task.changed`); saving the
    same values records nothing."""
    person = _effective(by)
    if not rules.may_decide(person, task):
        raise NotAllowed()
    title = clean(title or "")
    if not title:
        raise ValidationError({"title": _("Give the task's title.")})
    with transaction.atomic():
        task = _locked(task)
        if not task.is_open:
            raise ValidationError(_("Only an open task is changed."))
        agency = task.agency
        _check_owner(agency, owner)
        new_owner = (owner.person.pk if owner.person else None, owner.unit.pk if owner.unit else None)
        old_owner = (task.owner_person_id, task.owner_unit_id)
        if new_owner != old_owner and not rules.may_assign(person, agency.pk, owner_person=owner.person,
                                                           owner_unit_id=new_owner[1]):
            raise NotAllowed()
        if deadline != task.deadline:
            _check_deadline(deadline, parent=task.parent)
            latest = (Task.objects.filter(parent=task, status__in=Task.OPEN_STATUSES)
                      .order_by("-deadline").values_list("deadline", flat=True).first())
            if deadline is not None and latest is not None and deadline < latest:
                raise ValidationError({"deadline": _("A sub-task is due later (%(date)s): change it first.")
                                       % {"date": latest.strftime("%d/%m/%Y")}})
        new_title, new_description = title[:500], clean(description or "")
        before: dict[str, Any] = {"title": task.title, "description": task.description,
                                  "deadline": task.deadline.isoformat(), "owner_person": old_owner[0],
                                  "owner_unit": old_owner[1]}
        after: dict[str, Any] = {"title": new_title, "description": new_description,
                 "deadline": deadline.isoformat() if deadline else before["deadline"],
                 "owner_person": new_owner[0], "owner_unit": new_owner[1]}
        changed = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
        if not changed:
            return task
        task.title, task.description = new_title, new_description
        task.deadline = deadline or task.deadline
        task.owner_person, task.owner_unit = owner.person, owner.unit
        task.unit_id = _owner_unit_id(agency, owner, person)
        task.save(update_fields=["title", "description", "deadline", "owner_person", "owner_unit", "unit"])
        # A new owner who coordinated it is the owner now, not also a coordinator.
        Coordinator.objects.filter(task=task).filter(
            Q(person_id=new_owner[0]) if new_owner[0] else Q(unit_id=new_owner[1])).delete()
        events.record(verb="task.changed", actor=by, agency=task.agency_id, target=task,
                      data={"changed": changed, "reason": clean(reason or "")[:500],
                            "old_owner_person": old_owner[0], "old_owner_unit": old_owner[1]})
    return task


def withdraw(*, by: Actor, task: Task, reason: str) -> Task:
    """The assigner (or a leader) withdraws an open task (thu hồi), with its open sub-tasks; the
    reason is required and recorded. A withdrawn task leaves every list; its page and timeline stay
    for those who could open it, and search finds it."""
    person = _effective(by)
    if not rules.may_decide(person, task):
        raise NotAllowed()
    reason = clean(reason or "")
    if not reason:
        raise ValidationError({"reason": _("Say why the task is withdrawn.")})
    with transaction.atomic():
        task = _locked(task)
        if not task.is_open:
            raise ValidationError(_("Only an open task is withdrawn."))
        stack, withdrawn = [task], []
        while stack:
            current = stack.pop()
            withdrawn.append(current)
            stack.extend(Task.objects.select_for_update().filter(parent=current, status__in=Task.OPEN_STATUSES))
        Task.objects.filter(pk__in=[t.pk for t in withdrawn]).update(status=Task.Status.WITHDRAWN)
        for item in withdrawn:
            events.record(verb="task.withdrawn", actor=by, agency=item.agency_id, target=item,
                          data={"reason": reason[:500], "with": task.pk if item.pk != task.pk else None})
    task.status = Task.Status.WITHDRAWN
    return task


def _link(by: Actor, task: Task, kind_name: str, document_id: int, role: str) -> Link:
    try:
        kind = kinds.get(kind_name)
    except KeyError:
        raise ValidationError({"links": _("Unknown kind of document.")}) from None
    if role not in Link.Role.values or kind_name == "task":
        raise ValidationError({"links": _("Unknown kind of document.")})
    document = kind.model_class._default_manager.filter(pk=document_id).first()
    if document is None or getattr(document, "agency_id", None) != task.agency_id or not kind.rule(
            _effective(by)).allows(document):
        raise ValidationError({"links": _("No such document among those you may see.")})
    link, _created = Link.objects.get_or_create(task=task, kind=kind_name, document_id=document_id,
                                                defaults={"role": role, "label": str(document)[:300],
                                                          "added_by": by.person})
    return link


def link(*, by: Actor, task: Task, kind: str, document_id: int, role: str = Link.Role.RELATED) -> Link:
    """Link a document the person may see to the task (the owner, the assigner or a leader)."""
    person = _effective(by)
    if not (rules.is_owner(person, task) or rules.may_decide(person, task)):
        raise NotAllowed()
    with transaction.atomic():
        row = _link(by, task, kind, document_id, role)
        events.record(verb="task.linked", actor=by, agency=task.agency_id, target=task,
                      data={"kind": kind, "document_id": document_id, "role": role})
    return row


# --- Hand-over (000 Đ4.1.d; core.handover) ----------------------------------------------------

def open_owned(person: Person, agency_id: int) -> Any:
    """The open tasks the person owns (chủ trì) in the agency."""
    return Task.objects.filter(owner_person=person, agency_id=agency_id, status__in=Task.OPEN_STATUSES)


def open_coordinated(person: Person, agency_id: int) -> Any:
    """The person's coordinator rows on open tasks of the agency."""
    return Coordinator.objects.filter(person=person, task__agency_id=agency_id, task__status__in=Task.OPEN_STATUSES)


def open_work_count(person: Person, agency_id: int) -> int:
    return open_owned(person, agency_id).count() + open_coordinated(person, agency_id).count()


@dataclass(frozen=True)
class Moved:
    """What a move gave the successor: the tasks whose owner he became, and the coordinator places
    (row id, task id) he took. A cover for a leave period keeps it to give the same back."""

    owned: tuple[int, ...] = ()
    coordinators: tuple[tuple[int, int], ...] = ()

    @property
    def count(self) -> int:
        return len(self.owned) + len(self.coordinators)

    @property
    def task_ids(self) -> list[int]:
        return sorted(set(self.owned) | {task for _row, task in self.coordinators})


def _move(by: Actor, person: Person, successor: Person, agency_id: int, owned: list[int],
          coordinating: list[tuple[int, int]], *, verb: str, data: dict[str, Any], temporary: bool = False) -> Moved:
    """Give the successor the tasks `owned` (ids, locked by the caller; the task's unit follows the
    new owner's post, as `change` does) and the coordinator rows `coordinating` ((row, task),
    locked); each task records `verb` with `data`, from and to. For good (`temporary` False): a
    successor who coordinated a task he now owns is no longer also its coordinator, and a place
    the successor already holds is dropped. For a period (`temporary`): the successor's own places
    stay as they are and the person keeps a place on a task the successor already holds, so that
    giving the rest back later restores what was."""
    if not owned and not coordinating:
        return Moved()
    agency = Agency.objects.get(pk=agency_id)
    unit_id = _owner_unit_id(agency, Owner(person=successor), by.person or successor)
    Task.objects.filter(pk__in=owned).update(owner_person=successor, unit_id=unit_id)
    if not temporary:
        Coordinator.objects.filter(task_id__in=owned, person=successor).delete()
    task_ids = {task for _pk, task in coordinating}
    taken = set(Coordinator.objects.filter(task_id__in=sorted(task_ids), person=successor)
                .values_list("task_id", flat=True)) | set(
        Task.objects.filter(pk__in=sorted(task_ids), owner_person=successor).values_list("pk", flat=True))
    if not temporary:
        Coordinator.objects.filter(pk__in=[pk for pk, task in coordinating if task in taken]).delete()
    given = [(pk, task) for pk, task in coordinating if task not in taken]
    Coordinator.objects.filter(pk__in=[pk for pk, _task in given]).update(person=successor)
    base = {"from": person.pk, "from_name": str(person), "to": successor.pk, "to_name": str(successor), **data}
    owned_set = set(owned)
    recorded = owned_set | ({task for _pk, task in given} if temporary else task_ids)
    for task in Task.objects.filter(pk__in=sorted(recorded)).order_by("pk"):
        events.record(verb=verb, actor=by, agency=task.agency_id, target=task,
                      data={**base, "role": "owner" if task.pk in owned_set else "coordinator"})
    return Moved(owned=tuple(owned), coordinators=tuple(given if temporary else coordinating))


def hand_over(*, by: Actor, person: Person, successor: Person, agency_id: int, note: str = "") -> int:
    """Give the successor the open tasks the person owns (the task's unit follows the new owner's
    post, as `change` does) and his places as coordinator (dropped where the successor already owns
    or coordinates the task); each task records `task.handed_over`. The caller checks who may and
    holds the transaction. Returns tasks owned + coordinator places moved."""
    with transaction.atomic():
        owned = list(open_owned(person, agency_id).select_for_update().order_by("pk").values_list("pk", flat=True))
        coordinating = list(open_coordinated(person, agency_id).select_for_update(of=("self",)).order_by("pk")
                            .values_list("pk", "task_id"))
        return _move(by, person, successor, agency_id, owned, coordinating, verb="task.handed_over",
                     data={"note": note[:500]}).count


def cover(*, by: Actor, person: Person, colleague: Person, agency_id: int, data: dict[str, Any]) -> Moved:
    """A colleague takes the person's open tasks of the agency for a period (his leave): those he
    owns and his coordinator places, each recording `task.covered` with `data` (the leave request);
    the colleague's own places are left as they are. The caller checks who may and holds the
    transaction; what it returns is what `give_back` takes."""
    with transaction.atomic():
        owned = list(open_owned(person, agency_id).select_for_update().order_by("pk").values_list("pk", flat=True))
        coordinating = list(open_coordinated(person, agency_id).select_for_update(of=("self",)).order_by("pk")
                            .values_list("pk", "task_id"))
        return _move(by, person, colleague, agency_id, owned, coordinating, verb="task.covered", data=data,
                     temporary=True)


def give_back(*, by: Actor, colleague: Person, person: Person, agency_id: int, moved: Moved,
              data: dict[str, Any]) -> Moved:
    """The end of a cover: of what `cover` gave the colleague, what is still open and still his goes
    back to the person, each task recording `task.cover_returned`; a task he completed, or that
    was given to someone else meanwhile, stays where it is. Returns what went back."""
    with transaction.atomic():
        owned = list(open_owned(colleague, agency_id).filter(pk__in=sorted(moved.owned)).select_for_update()
                     .order_by("pk").values_list("pk", flat=True))
        rows = [pk for pk, _task in moved.coordinators]
        coordinating = list(open_coordinated(colleague, agency_id).filter(pk__in=sorted(rows))
                            .select_for_update(of=("self",)).order_by("pk").values_list("pk", "task_id"))
        return _move(by, colleague, person, agency_id, owned, coordinating, verb="task.cover_returned", data=data)

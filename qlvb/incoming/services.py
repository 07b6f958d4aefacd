"""Incoming documents: registration, presentation, routing, handling, completion (R6–R10).

Every function checks who may act (NotAllowed → 404), validates with Vietnamese messages keyed by
field (ValidationError), and changes rows, access rows and the event log in one transaction.
Rows are locked in the one order of docs/architecture.md ("Lock order"): the document first.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ForeignKey, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import events
from qlvb.core import rows as core_rows
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.text import clean, fold
from qlvb.core.workdays import add_working_days
from qlvb.files.services import prepare_uploads, staged_uploads
from qlvb.incoming import rules, tally
from qlvb.incoming.models import Assignment, DocumentAccess, HandlingNote, IncomingDocument, IncomingFile
from qlvb.org import permissions
from qlvb.org.models import Agency, Person, Position, Post, Unit
from qlvb.org.roles import HEAD_KINDS, roles_of
from qlvb.org.selectors import field_leader_for
from qlvb.registers.models import Register
from qlvb.registers.services import check_register, next_number

EDITABLE_FIELDS = [
    "received_at", "source", "issuer_agency", "issuer_name", "issuer_code", "number", "notation", "national_id",
    "document_date", "doc_type", "summary", "urgency", "secrecy", "priority", "pages", "copies", "signer_name",
    "signer_position", "field", "reply_deadline", "notes",
]
ROUTING_HOUR = 9  # "by the start of the next working day"


def _lock(pk: int) -> IncomingDocument:
    """Lock a document before any row of its own (tasks, notes, access rows, search entry) and before
    counters, tallies and the event chain: the one lock order of docs/architecture.md. NO KEY: rows
    that merely point at the document (a new note, a new task) need not wait for it."""
    return IncomingDocument.objects.select_for_update(no_key=True).get(pk=pk)


def _refuse_cancelled(document: IncomingDocument) -> None:
    """A document its sender recalled (exchange) is cancelled: nothing more is done with it."""
    if document.status == IncomingDocument.Status.CANCELLED:
        raise ValidationError(_("The document was recalled by its sender and cancelled."))


# --- Registration --------------------------------------------------------------------------

# "243/QĐ-STTTT", "Số: 243/QĐ-STTTT", "243 / QĐ-STTTT": a whole reference typed into the notation.
_WHOLE_REFERENCE = re.compile(r"^(?:s[oốỐ]\s*:?\s*)?(\d+[a-zA-Z]?)\s*/\s*(\S.*)$", re.IGNORECASE)


def normalise_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """What a clerk types, as it is kept: every text NFC with Đ look-alikes folded (core.text.clean);
    a whole reference typed into the notation split into number and notation; a notation's
    leading "/" dropped."""
    cleaned = {name: clean(value) if isinstance(value, str) else value for name, value in fields.items()}
    notation = cleaned.get("notation") or ""
    number = cleaned.get("number") or ""
    whole = _WHOLE_REFERENCE.match(notation)
    if whole and (not number or number == whole.group(1)):
        cleaned["number"], notation = whole.group(1), whole.group(2)
    if "notation" in cleaned:
        cleaned["notation"] = notation.lstrip("/ ").strip()
    return cleaned


def find_duplicates(*, agency: Agency, national_id: str = "", number: str = "", notation: str = "",
                    issuer_name: str = "", exclude_pk: int | None = None) -> list[IncomingDocument]:
    """Documents that look like this one (Phụ lục VI III.1): same national identifier, or the
    same number, notation and issuing agency (compared without case, accents or spaces, after the
    clerk's typing is normalised as registration keeps it)."""
    typed = normalise_fields({"national_id": national_id, "number": number, "notation": notation,
                              "issuer_name": issuer_name})
    national_id, number, notation, issuer_name = (typed["national_id"], typed["number"], typed["notation"],
                                                  typed["issuer_name"])
    found: list[IncomingDocument] = []
    registered = IncomingDocument.objects.filter(agency=agency).exclude(status=IncomingDocument.Status.DRAFT)
    if exclude_pk:
        registered = registered.exclude(pk=exclude_pk)
    if national_id.strip():
        found += list(registered.filter(national_id=national_id.strip())[:5])
    if number.strip() and notation.strip() and issuer_name.strip():
        def key(*parts: str) -> str:
            return "|".join(fold(clean(p)).replace(" ", "") for p in parts)

        wanted = key(notation, issuer_name)
        same_number = registered.filter(number=number.strip()).only("pk", "notation", "issuer_name")[:200]
        ids = [d.pk for d in same_number if key(d.notation, d.issuer_name) == wanted]
        found += list(registered.filter(pk__in=ids))
    unique = {d.pk: d for d in found}
    return sorted(unique.values(), key=lambda d: d.received_at, reverse=True)[:5]


def _default_presentee(agency: Agency, field_id: int | None) -> Person | None:
    if field_id:
        leader = field_leader_for(field_id)
        if leader and rules.is_leader(leader, agency.pk):
            return leader
    post = (Post.objects.filter(agency=agency, position__kind=Position.Kind.AGENCY_HEAD, end_date__isnull=True,
                                person__is_active=True).select_related("person").first())
    return post.person if post else None


def routing_due(presented_at: datetime, agency_id: int, *, urgent: bool) -> datetime:
    """Routing is due the same day, or by the start of the next working day; urgent at once."""
    if urgent:
        return presented_at + timedelta(hours=2)
    next_day = add_working_days(timezone.localtime(presented_at).date(), 1, agency_id)
    return timezone.make_aware(datetime.combine(next_day, time(ROUTING_HOUR)))


def _validate(document: IncomingDocument) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if document.document_date and document.document_date > today:
        errors["document_date"] = _("The document date cannot be in the future.")
    for name in ("reply_deadline",):
        value = getattr(document, name)
        if value and document.document_date and value < document.document_date:
            errors[name] = _("The deadline cannot be before the document date.")
    if document.received_at and document.document_date and \
            timezone.localtime(document.received_at).date() < document.document_date:
        errors["received_at"] = _("A document cannot arrive before its date.")
    if document.field is not None and document.field.agency_id != document.agency_id:
        errors["field"] = _("Choose a field of work of your agency.")
    if document.summary and len(document.summary.split()) < 4:
        errors["summary"] = _("Write a specific summary, e.g. 'UBND tỉnh mời họp ngày … về việc …'.")
    if errors:
        raise ValidationError(errors)
    document.full_clean(exclude=["register", "created_by", "presented_to", "completed_by",
                                 *_loaded_relations(document)])


def _loaded_relations(document: IncomingDocument) -> list[str]:
    """The foreign keys that hold an object read from the database (the agency, an issuer or a
    field chosen in the form): full_clean would read each again only to see that it exists (a
    query each, two per registration); the database's own constraint still refuses one deleted
    meanwhile. An id set without its object is still checked."""
    return [f.name for f in document._meta.concrete_fields
            if isinstance(f, ForeignKey) and f.is_cached(document)
            and (value := f.get_cached_value(document)) is not None and not value._state.adding]


def _apply_fields(document: IncomingDocument, fields: dict[str, Any]) -> dict[str, list[str]]:
    diff = {}
    fields = normalise_fields(fields)
    for name in EDITABLE_FIELDS:
        if name in fields:
            value = fields[name]
            if isinstance(value, str):
                value = value.strip()
            old = getattr(document, name)
            if old != value:
                diff[name] = [str(getattr(old, "pk", old) or ""), str(getattr(value, "pk", value) or "")]
                setattr(document, name, value)
    if document.issuer_agency is not None and not document.issuer_name:
        document.issuer_name = document.issuer_agency.name
        document.issuer_code = document.issuer_agency.code
    return diff


def _grant(document: IncomingDocument, *, person: Person | None = None, unit: Unit | None = None,
           reason: str = "", grants: Sequence[tuple[Person | None, Unit | None, str]] = ()) -> None:
    """Access rows for a person or a unit, or for several (person or unit, reason) `grants`, in one
    insert; a row already there is kept as it is (with its first reason)."""
    grants = [*grants, (person, unit, reason)] if person is not None or unit is not None else list(grants)
    rows: list[DocumentAccess] = []
    units = [unit.pk for person, unit, _reason in grants if person is None and unit is not None]
    heads: dict[int, set[int]] = {}
    if document.is_secret and units:
        # A secret document never opens to a whole unit: its heads get person rows instead.
        for unit_id, person_id in Post.objects.filter(unit_id__in=units, end_date__isnull=True,
                                                      position__kind__in=HEAD_KINDS).values_list("unit_id",
                                                                                                 "person_id"):
            heads.setdefault(unit_id, set()).add(person_id)
    for person, unit, reason in grants:
        if person is not None:
            rows.append(DocumentAccess(document=document, person=person, reason=reason))
        elif unit is not None and document.is_secret:
            rows += [DocumentAccess(document=document, person_id=person_id, reason=reason)
                     for person_id in sorted(heads.get(unit.pk, ()))]
        elif unit is not None:
            rows.append(DocumentAccess(document=document, unit=unit, reason=reason))
    core_rows.insert_many(rows, ignore_conflicts=True)


def _check_presentee(agency: Agency, person: Person | None) -> Person:
    if person is None:
        raise ValidationError({"presented_to": _("Choose the leader to present the document to.")})
    if not rules.is_leader(person, agency.pk) or not person.is_active:
        raise ValidationError({"presented_to": _("The document can only be presented to a leader of the agency.")})
    return person


def _check_register_fits(register: Register, document: IncomingDocument) -> None:
    if document.is_secret and not register.is_secret:
        raise ValidationError({"register": _("A secret document must be registered in the secret register.")})
    if register.is_secret and not document.is_secret:
        raise ValidationError({"secrecy": _("Choose the secrecy level of a document in the secret register.")})


def _prepare(uploads: Sequence[Any], attachments: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """Check and convert the files before the transaction: a big scan takes seconds, and on
    SQLite the transaction holds the write lock for every clerk."""
    return (prepare_uploads(uploads, field="uploads"),
            prepare_uploads(attachments, combine_images=False, field="attachments"))


def _attach(document: IncomingDocument, by: Actor, files: Sequence[tuple[Any, str, str]], *,
            existed: bool) -> list[int]:
    """Rows for (stored file, name, role) after the document's files, in one insert. Returns the
    stored files' ids, which the event names (data["stored_files"]) so that digitisation reads them."""
    if not files:
        return []
    start = document.files.count() if existed else 0
    core_rows.insert_many([
        IncomingFile(document=document, stored=stored, name=name, role=role, order=start + index,
                     added_by=by.person) for index, (stored, name, role) in enumerate(files)])
    return [stored.pk for stored, _name, _role in files]


def _staged_files(staged: Sequence[Any], staged_att: Sequence[Any]) -> list[tuple[Any, str, str]]:
    return ([(s.stored, s.name, IncomingFile.Role.MAIN) for s in staged]
            + [(s.stored, s.name, IncomingFile.Role.ATTACHMENT) for s in staged_att])


def save_draft(*, by: Actor, agency: Agency, fields: dict[str, Any], uploads: Sequence[Any] = (),
               attachments: Sequence[Any] = (), document: IncomingDocument | None = None) -> IncomingDocument:
    """Keep a document the clerk has started to enter, without a number (waiting for registration)."""
    if not rules.is_clerk(by.effective, agency.pk):
        raise NotAllowed()
    main_files, extra_files = _prepare(uploads, attachments)
    with transaction.atomic(), staged_uploads(main_files, savepoint=False) as staged, \
            staged_uploads(extra_files, savepoint=False) as staged_att:
        if document is None:
            document = IncomingDocument(agency=agency, created_by=by.person)
        elif document.agency_id != agency.pk or document.status != IncomingDocument.Status.DRAFT:
            raise NotAllowed()
        before = tally.key(document, untasked=True) if document.pk else None
        _apply_fields(document, fields)
        _validate(document)
        created = document.pk is None
        document.save()
        tally.moved(before, tally.key(document, untasked=True))
        stored_files = _attach(document, by, _staged_files(staged, staged_att), existed=not created)
        _grant(document, person=by.person, reason=DocumentAccess.Reason.REGISTERED)
        events.record(verb="incoming.draft_saved", actor=by, agency=agency, target=document,
                      data={"created": created, "files": len(staged) + len(staged_att),
                            "stored_files": stored_files})
    return document


def register_document(*, by: Actor, agency: Agency, register: Register, fields: dict[str, Any],
                      uploads: Sequence[Any] = (), attachments: Sequence[Any] = (),
                      presented_to: Person | None = None,
                      document: IncomingDocument | None = None) -> IncomingDocument:
    """Register an incoming document: next arrival number of the register, files, and presentation
    to a leader — all or nothing (a failure leaves no number, no row and no file behind)."""
    clerk = by.effective
    if not rules.is_clerk(clerk, agency.pk):
        raise NotAllowed()
    check_register(register, agency=agency, direction=Register.Direction.INCOMING)
    main_files, extra_files = _prepare(uploads, attachments)
    with transaction.atomic(), staged_uploads(main_files, savepoint=False) as staged, \
            staged_uploads(extra_files, savepoint=False) as staged_att:
        if document is None:
            document = IncomingDocument(agency=agency, created_by=by.person)
        else:
            document = _lock(document.pk)
            if document.agency_id != agency.pk or document.status != IncomingDocument.Status.DRAFT:
                raise NotAllowed()
        before = tally.key(document, untasked=True) if document.pk else None
        _apply_fields(document, fields)
        _validate(document)
        _check_register_fits(register, document)
        if not staged and not (document.pk and document.files.exists()):
            raise ValidationError({"uploads": _("Attach the scanned document or its electronic file.")})
        presented = _check_presentee(agency, presented_to or _default_presentee(agency, document.field_id))
        now = timezone.now()
        document.register = register
        year = document.arrival_year = timezone.localtime(document.received_at).year
        document.status = IncomingDocument.Status.REGISTERED
        document.presented_to, document.presented_at = presented, now
        document.routing_due_at = routing_due(now, agency.pk, urgent=bool(document.urgency))
        existed = document.pk is not None
        if existed:  # without its number yet: every write of its own first
            document.save()
        else:  # as save() would, from SQL built once (core.rows): every registration makes it
            core_rows.insert(document)
        stored_files = _attach(document, by, _staged_files(staged, staged_att), existed=existed)
        _grant(document, grants=[(by.person, None, DocumentAccess.Reason.REGISTERED),
                                 (presented, None, DocumentAccess.Reason.PRESENTED)])

        def take_number() -> dict[str, Any]:
            """The shared rows, last: the register's counter (next_number), the tallies, then the
            chain head (events.record) are held from here to the commit only, after the event's
            subscribers that index and queue (before_chain) — clerks registering at once queue
            for this much, not for the whole registration. The registration's time is taken
            under the counter: numbers follow it."""
            document.arrival_number = next_number(register, year)
            registered = timezone.now()
            if document.urgency or timezone.localdate(registered) != timezone.localdate(now):
                document.routing_due_at = routing_due(registered, agency.pk, urgent=bool(document.urgency))
            document.presented_at = registered
            core_rows.update(document, ["arrival_number", "presented_at", "routing_due_at", "updated_at"])
            tally.moved(before, tally.key(document, untasked=True))
            return {"arrival_number": document.arrival_number}

        events.record(verb="incoming.registered", actor=by, agency=agency, target=document, data={
            "register": register.pk, "year": year, "presented_to": presented.pk, "secret": document.is_secret,
            "urgency": document.urgency, "stored_files": stored_files, "from_draft": existed,
        }, prepare=take_number)
    return document


@transaction.atomic
def update_document(*, by: Actor, document: IncomingDocument, fields: dict[str, Any]) -> IncomingDocument:
    """The clerk corrects a registered document's fields; the correction is recorded."""
    document = _lock(document.pk)
    if not rules.is_clerk(by.effective, document.agency_id) or document.status == IncomingDocument.Status.DRAFT:
        raise NotAllowed()
    was_secret = document.is_secret
    fields = {k: v for k, v in fields.items() if k != "secrecy"}  # secrecy decides the register: fixed
    diff = _apply_fields(document, fields)
    _validate(document)
    if diff:
        document.save()
        if "received_at" in diff:  # the work lists sort the tasks by their copy of it
            document.assignments.update(received_at=document.received_at)
        events.record(verb="incoming.corrected", actor=by, agency=document.agency_id, target=document,
                      data={"changes": diff})
    assert document.is_secret == was_secret
    return document


@transaction.atomic
def delete_draft(*, by: Actor, document: IncomingDocument) -> None:
    document = _lock(document.pk)
    if not rules.is_clerk(by.effective, document.agency_id) or document.status != IncomingDocument.Status.DRAFT:
        raise NotAllowed()
    tally.moved(tally.key(document, untasked=True), None)
    document_id = document.pk
    document.delete()
    document.pk = document_id  # the event names what was deleted (and the index drops its entry)
    events.record(verb="incoming.draft_deleted", actor=by, agency=document.agency_id, target=document)


# --- Documents received electronically (called by the exchange app) ----------------------------

@dataclass(frozen=True)
class ReceivedFile:
    """A file of a package received from another agency, already stored."""

    stored: Any
    name: str
    main: bool = True


@transaction.atomic
def draft_from_package(*, by: Actor, agency: Agency, fields: dict[str, Any], files: Sequence[ReceivedFile],
                       reception_item: int | None = None) -> IncomingDocument:
    """The clerk accepts a package from the reception queue: a draft filled from the package,
    files included, which she checks and registers with the usual form. Its files are read and it
    is indexed like any draft (the subscribers of "incoming.draft_saved")."""
    if not rules.is_clerk(by.effective, agency.pk):
        raise NotAllowed()
    document = IncomingDocument(agency=agency, created_by=by.person,
                                **{k: v for k, v in fields.items() if k in EDITABLE_FIELDS})
    document.save()
    tally.moved(None, tally.key(document, untasked=True))
    stored_files = _attach(document, by, [
        (f.stored, f.name, IncomingFile.Role.MAIN if f.main else IncomingFile.Role.ATTACHMENT) for f in files],
        existed=False)
    _grant(document, person=by.person, reason=DocumentAccess.Reason.REGISTERED)
    events.record(verb="incoming.draft_saved", actor=by, agency=agency, target=document,
                  data={"created": True, "files": len(stored_files), "reception_item": reception_item,
                        "stored_files": stored_files})
    return document


@transaction.atomic
def cancel_by_sender(*, by: Actor, document: IncomingDocument, reason: str) -> IncomingDocument:
    """The sender recalled the document and the clerk agreed: it is cancelled, and its open tasks
    end with it (a cancelled document leaves everyone's work lists)."""
    document = _lock(document.pk)
    if not rules.is_clerk(by.effective, document.agency_id):
        raise NotAllowed()
    if document.status == IncomingDocument.Status.CANCELLED:
        return document
    before = tally.key(document)
    open_ids = list(Assignment.objects.filter(document=document, state__in=Assignment.OPEN_STATES)
                    .order_by("pk").values_list("pk", flat=True))
    tally.work_moved(tally.open_work(open_ids), Counter())
    Assignment.objects.filter(pk__in=open_ids).update(
        state=Assignment.State.WITHDRAWN, done_at=timezone.now(), withdrawn_reason=reason[:300])
    document.status = IncomingDocument.Status.CANCELLED
    document.notes = reason[:500]
    document.save(update_fields=["status", "notes", "updated_at"])
    tally.moved(before, tally.key(document))
    events.record(verb="incoming.cancelled", actor=by, agency=document.agency_id, target=document,
                  data={"reason": reason[:300], "withdrawn": open_ids})
    return document


@transaction.atomic
def add_sender_files(*, by: Actor, document: IncomingDocument, files: Sequence[ReceivedFile]) -> IncomingDocument:
    """The sender updated the document and the clerk agreed: the new files are added to it."""
    document = _lock(document.pk)
    if not rules.is_clerk(by.effective, document.agency_id):
        raise NotAllowed()
    stored_files = _attach(document, by, [
        (f.stored, f.name, IncomingFile.Role.MAIN if f.main else IncomingFile.Role.ATTACHMENT) for f in files],
        existed=True)
    events.record(verb="incoming.corrected", actor=by, agency=document.agency_id, target=document,
                  data={"changes": {"files": ["", _("updated by the sender")]}, "stored_files": stored_files})
    return document


def record_opening(*, by: Actor, document: IncomingDocument) -> None:
    """Every opening of a secret document is logged (R7)."""
    if document.is_secret:
        events.record(verb="incoming.secret_opened", actor=by, agency=document.agency_id, target=document)


# --- Routing -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """Someone a document is routed to: a unit or a person, with an optional own deadline."""

    unit: Unit | None = None
    person: Person | None = None
    deadline: date | None = None

    @property
    def key(self) -> str:
        if self.unit:
            return f"u{self.unit.pk}"
        assert self.person is not None  # a target is a unit or a person
        return f"p{self.person.pk}"

    def label(self) -> str:
        return str(self.unit or self.person)


def resolve_deadline(*, agency_id: int, deadline: date | None, days: int | None) -> date | None:
    """A deadline is a date or a number of working days from today."""
    if deadline:
        return deadline
    if days:
        return add_working_days(timezone.localdate(), days, agency_id)
    return None


# What the leader may correct while routing (003 Đ15.3); the deadline is the routing's own.
ROUTING_CORRECTIONS = ("doc_type", "field")


def route(*, by: Actor, document: IncomingDocument, main: Target | None, coordinators: Sequence[Target] = (),
          informed: Sequence[Target] = (), directive: str = "", deadline: date | None = None,
          parent: Assignment | None = None, mains: Sequence[Target] = (),
          corrections: dict[str, Any] | None = None) -> list[Assignment]:
    """Route a document (R9): main handlers, coordinators and for-information recipients, each a
    unit or a person, with a directive and deadlines. parent=None is the leader's routing;
    otherwise the holder of `parent` passes it further down.

    Several main handlers at one level each handle their own part, which the directive names
    (003 Đ9.3, "xử lý đồng thời cho nhiều phòng"); they may be given at once (`mains`) or added to
    an existing routing, as coordinators and recipients for information may, without withdrawing
    anything. The leader may correct the type and field while routing (`corrections`, 003 Đ15.3)."""
    person = by.effective
    main_targets = ([main] if main else []) + list(mains)
    with transaction.atomic():
        document = _lock(document.pk)
        before = tally.key(document)
        if parent is not None:
            parent = Assignment.objects.select_for_update(no_key=True).get(pk=parent.pk)
            if parent.document_id != document.pk or not parent.is_open or not rules.holds(person, parent):
                raise NotAllowed()
            if parent.role == Assignment.Role.INFO:
                raise ValidationError(_("A document received for information cannot be routed further."))
            if document.status == IncomingDocument.Status.COMPLETED:
                raise ValidationError(_("The document has been completed."))
        elif not rules.may_route_top(person, document):
            raise NotAllowed()
        _refuse_cancelled(document)
        earlier_mains = _check_targets(document, main_targets, coordinators, informed, deadline, parent, directive)
        if parent is not None:
            assert person is not None  # holds() refused no one above
            _check_within(person, parent, [*main_targets, *coordinators, *informed])
        corrected = _correct(document, corrections or {}) if parent is None else {}
        work_before = tally.open_work([parent.pk] if parent else [])
        created = []
        today = timezone.localdate()
        for role, targets in ((Assignment.Role.MAIN, main_targets),
                              (Assignment.Role.COORDINATE, coordinators), (Assignment.Role.INFO, informed)):
            for target in targets:
                own_deadline = None if role == Assignment.Role.INFO else (target.deadline or deadline)
                if own_deadline and own_deadline < today:
                    raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
                created.append(Assignment(
                    document=document, agency_id=document.agency_id, parent=parent, assigned_by=by.person,
                    on_behalf_of=by.on_behalf_of, assignee_person=target.person, assignee_unit=target.unit,
                    role=role, directive=directive.strip(), deadline=own_deadline,
                    received_at=document.received_at, secret=document.is_secret,
                    via_unit_id=parent.assignee_unit_id if parent is not None else None,
                ))
        created = Assignment.objects.bulk_create(created)  # one insert; both databases return the ids
        _grant(document, grants=[(a.assignee_person, a.assignee_unit, DocumentAccess.Reason.ASSIGNED) for a in created])
        now = timezone.now()
        if parent is None:
            if main_targets:  # the document is done when every part is: the latest of its mains' deadlines
                deadlines = earlier_mains + [a.deadline for a in created if a.role == Assignment.Role.MAIN]
                known = [d for d in deadlines if d is not None]
                document.deadline = max(known) if len(known) == len(deadlines) else None
            if document.status == IncomingDocument.Status.REGISTERED:
                document.status = IncomingDocument.Status.ROUTED
            document.routed_at = document.routed_at or now
        else:
            parent.state, parent.started_at = Assignment.State.IN_PROGRESS, parent.started_at or now
            parent.save(update_fields=["state", "started_at"])
            if document.status in (IncomingDocument.Status.REGISTERED, IncomingDocument.Status.ROUTED):
                document.status = IncomingDocument.Status.IN_PROGRESS
        document.save()
        # Open-work tally rows before the document tally rows, as everywhere (lock order).
        tally.work_moved(work_before, tally.open_work([a.pk for a in created] + ([parent.pk] if parent else [])))
        tally.moved(before, tally.key(document, units=before.units | {a.assignee_unit_id for a in created
                                                                       if a.assignee_unit_id}))
        events.record(verb="incoming.routed", actor=by, agency=document.agency_id, target=document, data={
            "parent": parent.pk if parent else None, "directive": directive.strip()[:500],
            "assignments": [{"id": a.pk, "role": a.role, "to": str(a.assignee), "deadline": a.deadline}
                            for a in created],
            "late": document.routing_due_at is not None and parent is None and now > document.routing_due_at,
            **({"corrected": corrected} if corrected else {}),
        })
    return created


def _correct(document: IncomingDocument, corrections: dict[str, Any]) -> dict[str, list[str]]:
    """The leader's corrections of type and field, applied and returned as [before, after]."""
    unknown = set(corrections) - set(ROUTING_CORRECTIONS)
    if unknown:
        raise ValueError(f"Not correctable while routing: {sorted(unknown)}")
    if corrections.get("field") is not None and corrections["field"].agency_id != document.agency_id:
        raise ValidationError({"field": _("Choose a field of work of your agency.")})
    return _apply_fields(document, {k: v for k, v in corrections.items() if k != "doc_type" or v})


def _check_targets(document: IncomingDocument, mains: Sequence[Target], coordinators: Sequence[Target],
                   informed: Sequence[Target], deadline: date | None, parent: Assignment | None,
                   directive: str) -> list[date | None]:
    """Refuse a routing that cannot be; the deadlines of the main handlers already at this level."""
    errors: dict[str, str] = {}
    everyone = list(mains) + list(coordinators) + list(informed)
    if not everyone:
        raise ValidationError({"main": _("Choose at least one recipient.")})
    here = list(Assignment.objects.filter(document=document, parent=parent, state__in=Assignment.OPEN_STATES)
                .values_list("role", "assignee_unit_id", "assignee_person_id", "deadline"))
    already = [due for role, _unit, _person, due in here if role == Assignment.Role.MAIN]
    if not mains and coordinators and not already:
        errors["main"] = _("Choose the main handler.")
    if mains and (already or len(mains) > 1) and not directive.strip():
        errors["directive"] = _("With several main handlers at one level, say in the directive which part each "
                                "one takes.")
    keys = [t.key for t in everyone]
    if len(keys) != len(set(keys)):
        errors["coordinators"] = _("Each unit or person can have only one role in a routing.")
    given = {(role, f"u{unit}" if unit else f"p{person}") for role, unit, person, _due in here}
    wanted = ({(Assignment.Role.MAIN, t.key) for t in mains} | {(Assignment.Role.INFO, t.key) for t in informed}
              | {(Assignment.Role.COORDINATE, t.key) for t in coordinators})
    if given & wanted:
        errors["coordinators"] = _("Someone you chose already has that task at this level of the routing.")
    for target in everyone:
        if target.unit is not None and target.unit.agency_id != document.agency_id:
            raise NotAllowed()
        if target.person is not None and (
                document.agency_id not in permissions.member_agency_ids(target.person) or not target.person.is_active):
            raise NotAllowed()
    limit = parent.deadline if parent else None
    for target in everyone:
        own = target.deadline or deadline
        if own and document.document_date and own < document.document_date:
            errors["deadline"] = _("The deadline cannot be before the document date.")
        if own and limit and own > limit:
            errors["deadline"] = _("The deadline cannot be later than the one you were given (%(date)s).") % {
                "date": limit.strftime("%d/%m/%Y")}
    if errors:
        raise ValidationError(errors)
    return already


def _check_within(person: Person, parent: Assignment, targets: Sequence[Target]) -> None:
    """Passing a document on stays inside the holder's unit: its sub-units and its people."""
    root_units = {parent.assignee_unit_id} if parent.assignee_unit_id else set(roles_of(person).headed_unit_ids)
    units = set(root_units)
    frontier = set(root_units)
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - units
        units |= frontier
    people = set(Post.objects.filter(unit_id__in=units, end_date__isnull=True).values_list("person_id", flat=True))
    for target in targets:
        if target.unit:
            inside = target.unit.pk in units - root_units
        else:
            assert target.person is not None  # a target is a unit or a person
            inside = target.person.pk in people
        if not inside or (target.person is not None and target.person.pk == person.pk):
            raise ValidationError({"main": _("You can only pass the document on within your unit.")})


@transaction.atomic
def withdraw(*, by: Actor, assignment: Assignment, reason: str) -> Assignment:
    """Whoever made a routing withdraws it (and everything routed under it)."""
    document = _lock(assignment.document_id)
    assignment = Assignment.objects.select_for_update(no_key=True).get(pk=assignment.pk)
    assignment.document = document
    if not rules.may_change(by.effective, assignment):
        raise NotAllowed()
    if not reason.strip():
        raise ValidationError({"reason": _("Please give the reason.")})
    now = timezone.now()
    ids = _subtree_ids(assignment)
    tally.work_moved(tally.open_work(ids), Counter())
    Assignment.objects.filter(pk__in=ids, state__in=Assignment.OPEN_STATES).update(
        state=Assignment.State.WITHDRAWN, done_at=now, withdrawn_reason=reason.strip()[:300])
    before = tally.key(document)
    routed = (IncomingDocument.Status.ROUTED, IncomingDocument.Status.IN_PROGRESS)
    if document.status in routed and assignment.parent_id is None and not document.assignments.filter(
            parent__isnull=True, state__in=Assignment.OPEN_STATES).exists():
        document.status = IncomingDocument.Status.REGISTERED
    if assignment.parent_id is None and assignment.role == Assignment.Role.MAIN:
        document.deadline = None
    document.save()
    tally.moved(before, tally.key(document))
    events.record(verb="incoming.routing_withdrawn", actor=by, agency=document.agency_id, target=document,
                  data={"assignment": assignment.pk, "to": str(assignment.assignee), "reason": reason.strip()[:300],
                        "withdrawn": sorted(ids)})
    assignment.refresh_from_db()
    return assignment


def _subtree_ids(root: Assignment) -> set[int]:
    ids, frontier = {root.pk}, [root.pk]
    while frontier:
        frontier = list(Assignment.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.update(frontier)
    return ids


@transaction.atomic
def change_deadline(*, by: Actor, assignment: Assignment, deadline: date, reason: str) -> Assignment:
    """A new deadline is a record (old, new, reason, who), not a silent edit."""
    document = _lock(assignment.document_id)
    assignment = Assignment.objects.select_for_update(no_key=True).get(pk=assignment.pk)
    assignment.document = document
    if not rules.may_change(by.effective, assignment):
        raise NotAllowed()
    if not reason.strip():
        raise ValidationError({"reason": _("Please give the reason.")})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    limit = assignment.parent.deadline if assignment.parent is not None else None
    if limit and deadline > limit:
        raise ValidationError({"deadline": _("The deadline cannot be later than the one you were given (%(date)s).")
                               % {"date": limit.strftime("%d/%m/%Y")}})
    old = assignment.deadline
    work_before = tally.open_work([assignment.pk])
    assignment.deadline = deadline
    assignment.save(update_fields=["deadline"])
    tally.work_moved(work_before, tally.open_work([assignment.pk]))
    if assignment.parent_id is None and assignment.role == Assignment.Role.MAIN:
        IncomingDocument.objects.filter(pk=assignment.document_id).update(deadline=deadline)
    events.record(verb="incoming.deadline_changed", actor=by, agency=assignment.agency_id,
                  target=assignment.document, data={"assignment": assignment.pk, "old": old, "new": deadline,
                                                    "reason": reason.strip()[:300]})
    return assignment


# --- Handling ------------------------------------------------------------------------------

def _held(by: Actor, assignment: Assignment) -> Assignment:
    document = _lock(assignment.document_id)
    assignment = Assignment.objects.select_for_update(no_key=True).get(pk=assignment.pk)
    assignment.document = document
    if not rules.holds(by.effective, assignment):
        raise NotAllowed()
    if not assignment.is_open:
        raise ValidationError(_("This task is already closed."))
    if assignment.document.status == IncomingDocument.Status.COMPLETED:
        raise ValidationError(_("The document has been completed."))
    _refuse_cancelled(assignment.document)
    return assignment


def _author(by: Actor) -> Person:
    """Who writes a note: a person, never the system."""
    assert by.person is not None
    return by.person


def _note(by: Actor, assignment: Assignment | None, document: IncomingDocument, kind: str,
          text: str) -> HandlingNote:
    if not text.strip():
        raise ValidationError({"text": _("Please write something.")})
    return HandlingNote.objects.create(document=document, assignment=assignment, author=_author(by),
                                       on_behalf_of=by.on_behalf_of, kind=kind, text=text.strip())


@transaction.atomic
def record_progress(*, by: Actor, assignment: Assignment, text: str,
                    kind: str = HandlingNote.Kind.PROGRESS) -> HandlingNote:
    """The handler records progress or a proposal; the task is now in progress."""
    assignment = _held(by, assignment)
    if kind not in (HandlingNote.Kind.PROGRESS, HandlingNote.Kind.PROPOSAL):
        raise ValidationError({"kind": _("Unknown kind of note.")})
    if assignment.role == Assignment.Role.INFO:
        raise ValidationError(_("A document received for information has nothing to handle."))
    note = _note(by, assignment, assignment.document, kind, text)
    if assignment.state == Assignment.State.PENDING:
        assignment.state, assignment.started_at = Assignment.State.IN_PROGRESS, timezone.now()
        assignment.save(update_fields=["state", "started_at"])
    document = assignment.document
    if document.status in (IncomingDocument.Status.ROUTED, IncomingDocument.Status.REGISTERED):
        before = tally.key(document)
        document.status = IncomingDocument.Status.IN_PROGRESS
        document.save(update_fields=["status", "updated_at"])
        tally.moved(before, tally.key(document))
    events.record(verb=f"incoming.{kind}", actor=by, agency=document.agency_id, target=document,
                  data={"assignment": assignment.pk, "note": note.pk, "text": note.text[:500]})
    return note


@transaction.atomic
def contribute(*, by: Actor, assignment: Assignment, text: str) -> HandlingNote:
    """A coordinator sends its contribution to the main handler; its part is done."""
    assignment = _held(by, assignment)
    if assignment.role != Assignment.Role.COORDINATE:
        raise ValidationError(_("Only a coordinator sends a contribution."))
    note = _note(by, assignment, assignment.document, HandlingNote.Kind.CONTRIBUTION, text)
    _close_subtree(assignment, Assignment.State.DONE)
    events.record(verb="incoming.contributed", actor=by, agency=assignment.agency_id, target=assignment.document,
                  data={"assignment": assignment.pk, "note": note.pk, "text": note.text[:500]})
    return note


@transaction.atomic
def mark_read(*, by: Actor, assignment: Assignment) -> Assignment:
    """Reading stays possible after completion: information is still worth acknowledging."""
    document = _lock(assignment.document_id)
    assignment = Assignment.objects.select_for_update(no_key=True).get(pk=assignment.pk)
    assignment.document = document
    if not rules.holds(by.effective, assignment):
        raise NotAllowed()
    if not assignment.is_open:
        raise ValidationError(_("This task is already closed."))
    if assignment.role != Assignment.Role.INFO:
        raise ValidationError(_("Only a document received for information is marked as read."))
    assignment.state, assignment.done_at = Assignment.State.DONE, timezone.now()
    assignment.save(update_fields=["state", "done_at"])
    events.record(verb="incoming.read", actor=by, agency=assignment.agency_id, target=assignment.document,
                  data={"assignment": assignment.pk})
    return assignment


def _close_subtree(assignment: Assignment, state: str) -> list[int]:
    ids = _subtree_ids(assignment)
    now = timezone.now()
    open_ids = list(Assignment.objects.filter(pk__in=ids, state__in=Assignment.OPEN_STATES)
                    .values_list("pk", flat=True))
    tally.work_moved(tally.open_work(open_ids), Counter())
    Assignment.objects.filter(pk__in=open_ids).update(state=state, done_at=now)
    return open_ids


def main_handler_assignment(person: Person | None, document: IncomingDocument) -> Assignment | None:
    """The open main-handler assignment this person holds on the document, deepest first."""
    mains = (Assignment.objects.filter(document=document, role=Assignment.Role.MAIN,
                                       state__in=Assignment.OPEN_STATES).order_by("-created_at", "-id"))
    return next((a for a in mains if rules.holds(person, a)), None)


def complete(*, by: Actor, document: IncomingDocument, note: str, dossiers: Sequence[Any] = ()) -> IncomingDocument:
    """The main handler finishes the document (kết thúc xử lý) and files it into dossiers."""
    from qlvb.dossiers.services import file_document

    with transaction.atomic():
        document = _lock(document.pk)
        before = tally.key(document)
        mine = main_handler_assignment(by.effective, document)
        if mine is None:
            raise NotAllowed()
        if document.status == IncomingDocument.Status.COMPLETED:
            raise ValidationError(_("The document has already been completed."))
        _refuse_cancelled(document)
        text = note.strip() or _("Completed.")
        HandlingNote.objects.create(document=document, assignment=mine, author=_author(by),
                                    on_behalf_of=by.on_behalf_of, kind=HandlingNote.Kind.COMPLETION, text=text)
        everyone = list(document.assignments.select_related("assignee_unit", "assignee_person"))
        part = _own_part(mine, everyone)
        scope = _subtree(part, everyone) if part is not None else everyone
        open_tasks = [a for a in scope if a.state in Assignment.OPEN_STATES and a.role != Assignment.Role.INFO]
        closed = [a.pk for a in open_tasks]
        # Coordinators who never sent their contribution are closed too, but said so, not silently.
        silent = [{"id": a.pk, "to": str(a.assignee)} for a in open_tasks if a.role == Assignment.Role.COORDINATE]
        now = timezone.now()
        tally.work_moved(tally.open_work(closed), Counter())
        Assignment.objects.filter(pk__in=closed).update(state=Assignment.State.DONE, done_at=now)
        if part is not None:  # another main handler's part is still open: only this part is done
            for dossier in sorted(dossiers, key=lambda d: d.pk):
                file_document(by=by, dossier=dossier, document=document, label=str(document),
                              document_date=document.document_date, secret=document.is_secret)
            document.save(update_fields=["updated_at"])
            events.record(verb="incoming.part_completed", actor=by, agency=document.agency_id, target=document,
                          data={"assignment": part.pk, "note": text[:500], "closed": closed,
                                "without_contribution": silent, "dossiers": [d.pk for d in dossiers]})
            return document
        document.status = IncomingDocument.Status.COMPLETED
        document.completed_at, document.completed_by, document.completion_note = now, by.effective, text[:500]
        document.completed_late = bool(document.deadline and timezone.localdate() > document.deadline)
        document.save()
        tally.moved(before, tally.key(document))
        for dossier in sorted(dossiers, key=lambda d: d.pk):  # several dossiers: by key (lock order)
            file_document(by=by, dossier=dossier, document=document, label=str(document),
                          document_date=document.document_date, secret=document.is_secret)
        events.record(verb="incoming.completed", actor=by, agency=document.agency_id, target=document, data={
            "note": text[:500], "closed": closed, "dossiers": [d.pk for d in dossiers],
            "late": document.completed_late, "without_contribution": silent,
        })
    return document


def _own_part(mine: Assignment, everyone: list[Assignment]) -> Assignment | None:
    """When other main handlers still work on their parts at some level above or at this task, the
    task whose subtree is this handler's part; None when finishing it finishes the document."""
    by_id = {a.pk: a for a in everyone}
    node: Assignment | None = by_id.get(mine.pk, mine)
    while node is not None:
        if any(a.parent_id == node.parent_id and a.pk != node.pk and a.role == Assignment.Role.MAIN
               and a.state in Assignment.OPEN_STATES for a in everyone):
            return node
        node = by_id.get(node.parent_id) if node.parent_id else None
    return None


def _subtree(root: Assignment, everyone: list[Assignment]) -> list[Assignment]:
    children: dict[int | None, list[Assignment]] = {}
    for a in everyone:
        children.setdefault(a.parent_id, []).append(a)
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(children.get(node.pk, []))
    return found


def coordinators_without_contribution(document: IncomingDocument) -> list[Assignment]:
    """Coordinators whose task is still open: finishing now would close them without their part."""
    return list(document.assignments.filter(role=Assignment.Role.COORDINATE, state__in=Assignment.OPEN_STATES)
                .select_related("assignee_unit", "assignee_person"))


@transaction.atomic
def file_into(*, by: Actor, document: IncomingDocument, dossiers: Sequence[Any]) -> None:
    """File a document one may see into more dossiers at any time."""
    from qlvb.dossiers.services import file_document

    for dossier in sorted(dossiers, key=lambda d: d.pk):  # several dossiers: by key (lock order)
        file_document(by=by, dossier=dossier, document=document, label=str(document),
                      document_date=document.document_date, secret=document.is_secret)


@transaction.atomic
def reopen(*, by: Actor, document: IncomingDocument, reason: str) -> IncomingDocument:
    """Reopen a completed document (a wrong completion), by a leader or whoever completed it."""
    document = _lock(document.pk)
    before = tally.key(document)
    if not rules.may_reopen(by.effective, document):
        raise NotAllowed()
    if not reason.strip():
        raise ValidationError({"reason": _("Please give the reason for reopening.")})
    HandlingNote.objects.create(document=document, author=_author(by), on_behalf_of=by.on_behalf_of,
                                kind=HandlingNote.Kind.REOPENING, text=reason.strip())
    reopened = list(document.assignments.filter(state=Assignment.State.DONE, done_at=document.completed_at)
                    .values_list("pk", flat=True))
    Assignment.objects.filter(pk__in=reopened).update(state=Assignment.State.IN_PROGRESS, done_at=None)
    tally.work_moved(Counter(), tally.open_work(reopened))
    document.status = IncomingDocument.Status.IN_PROGRESS
    document.completed_at = None
    document.completed_by = None
    document.completion_note = ""
    document.completed_late = False
    document.save()
    tally.moved(before, tally.key(document))
    events.record(verb="incoming.reopened", actor=by, agency=document.agency_id, target=document,
                  data={"reason": reason.strip()[:300], "reopened": reopened})
    return document


# --- Hand-over (000 Đ4.1.d; core.handover) ----------------------------------------------------

def open_assignments(person: Person, agency_id: int) -> QuerySet[Assignment]:
    """The person's own tasks still being handled in the agency (main, coordinating or informed)."""
    return Assignment.objects.filter(assignee_person=person, agency_id=agency_id,
                                     state__in=Assignment.OPEN_STATES)


def presented_waiting(person: Person, agency_id: int) -> QuerySet[IncomingDocument]:
    """The registered documents presented to the person in the agency and not routed yet."""
    return IncomingDocument.objects.filter(presented_to=person, agency_id=agency_id,
                                           status=IncomingDocument.Status.REGISTERED)


def hand_over_presented(*, by: Actor, person: Person, successor: Person, agency_id: int, note: str = "") -> int:
    """Present to the successor, a leader of the agency, the documents waiting for the person's
    routing (the caller checks who may and holds the transaction): each is presented to him, keeps
    its routing deadline, opens for him and records `incoming.handed_over`. Returns how many."""
    with transaction.atomic():
        ids = list(presented_waiting(person, agency_id).select_for_update().order_by("pk").values_list("pk", flat=True))
        if not ids:
            return 0
        if not rules.is_leader(successor, agency_id) or not successor.is_active:
            raise ValidationError({"successor_incoming_presented": _(
                "The documents waiting for routing can only be handed to a leader of the agency: "
                "name one for them.")})
        IncomingDocument.objects.filter(pk__in=ids).update(presented_to=successor, updated_at=timezone.now())
        DocumentAccess.objects.bulk_create(
            [DocumentAccess(document_id=pk, person=successor, reason=DocumentAccess.Reason.PRESENTED) for pk in ids],
            ignore_conflicts=True)
        data = {"from": person.pk, "from_name": str(person), "to": successor.pk, "to_name": str(successor),
                "note": note[:500], "presented": True}
        for document in IncomingDocument.objects.filter(pk__in=ids).order_by("pk"):
            events.record(verb="incoming.handed_over", actor=by, agency=document.agency_id, target=document,
                          data=data)
    return len(ids)


def hand_over(*, by: Actor, person: Person, successor: Person, agency_id: int, note: str = "") -> int:
    """Give the person's open tasks in the agency to the successor (the caller checks who may, and
    holds the transaction): each task changes assignee, the successor gets an access row on each
    document (so it is in his work lists and opens for him), and each document records
    `incoming.handed_over` naming both. Returns how many tasks moved."""
    with transaction.atomic():
        moving = list(open_assignments(person, agency_id).select_for_update().order_by("pk")
                      .values_list("pk", "document_id"))
        if not moving:
            return 0
        ids = [pk for pk, _document in moving]
        Assignment.objects.filter(pk__in=ids).update(assignee_person=successor)
        by_document: dict[int, list[int]] = {}
        for pk, document_id in moving:
            by_document.setdefault(document_id, []).append(pk)
        DocumentAccess.objects.bulk_create(
            [DocumentAccess(document_id=document_id, person=successor, reason=DocumentAccess.Reason.ASSIGNED)
             for document_id in sorted(by_document)], ignore_conflicts=True)
        data = {"from": person.pk, "from_name": str(person), "to": successor.pk,
                "to_name": str(successor), "note": note[:500]}
        for document in IncomingDocument.objects.filter(pk__in=sorted(by_document)).order_by("pk"):
            events.record(verb="incoming.handed_over", actor=by, agency=document.agency_id, target=document,
                          data={**data, "assignments": by_document[document.pk]})
    return len(ids)

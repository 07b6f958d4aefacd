"""Internal message writes (R18, 003 Đ8.2). Sending writes the message once and one copy per
person concerned (the sender's in "sent", each recipient's in "inbox"); everything a person does
afterwards — read, archive, trash, delete for good — changes only his own copy. Each change is one
transaction that records its event. Bad input raises ValidationError with a Vietnamese message and
saves nothing; someone who is not a participant gets NotAllowed (a 404 at the edge).

Recipients: people; units — their leaders (head and deputies, "lãnh đạo phòng, đơn vị" in Đ8.2) or,
when the sender says so, everyone posted there; the agency's leaders (director and deputies).
A reply goes back to the sender (or to everyone, `reply_all`); a forward carries the original
with its files and links and puts the forwarder's instruction above it. A message becomes a task
in one step (qlvb.tasks) or is filed into a dossier (qlvb.dossiers)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import events, kinds
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.text import clean, fold
from qlvb.dossiers import services as dossiers
from qlvb.dossiers.models import Dossier
from qlvb.files.services import prepare_uploads, staged_uploads
from qlvb.messages import rules
from qlvb.messages.models import Addressee, Copy, Message, MessageFile, MessageLink
from qlvb.org import permissions
from qlvb.org.models import Agency, Person, Position, Post, Unit
from qlvb.org.roles import HEAD_KINDS
from qlvb.tasks import services as tasks
from qlvb.tasks.models import Link, Task

MAX_RECIPIENTS = 2000
MAX_LINKS = 20
LEADER_KINDS = frozenset({Position.Kind.AGENCY_HEAD, Position.Kind.AGENCY_DEPUTY})
UNIT_LEADER_KINDS = frozenset(HEAD_KINDS | {Position.Kind.UNIT_DEPUTY})


@dataclass
class Recipients:
    """Whom a message is addressed to, as the sender chose."""

    people: Sequence[Person] = ()
    units: Sequence[Unit] = ()  # their leaders
    whole_units: Sequence[Unit] = ()  # everyone posted there
    leaders: bool = False  # the agency's leaders
    extra_ids: list[int] = field(default_factory=list)  # a reply's: people by id

    def empty(self) -> bool:
        return not (self.people or self.units or self.whole_units or self.leaders or self.extra_ids)


def _person(by: Actor) -> Person:
    """Messages are personal: the person at the keyboard acts, for himself only."""
    if by.person is None or by.on_behalf_of is not None:
        raise NotAllowed()
    return by.person


def _posted(agency: Agency, kinds_: frozenset[str] | None, unit_ids: list[int] | None) -> list[int]:
    posts = Post.objects.filter(agency=agency, end_date__isnull=True, person__is_active=True,
                                person__locked_at__isnull=True)
    if kinds_ is not None:
        posts = posts.filter(position__kind__in=sorted(kinds_))
    if unit_ids is not None:
        posts = posts.filter(unit_id__in=unit_ids)
    return sorted(set(posts.values_list("person_id", flat=True)))


def resolve(agency: Agency, to: Recipients) -> list[int]:
    """The people a message with these addressees reaches (the sender included if named)."""
    ids: set[int] = {p.pk for p in to.people} | set(to.extra_ids)
    if to.units:
        ids.update(_posted(agency, UNIT_LEADER_KINDS, sorted({u.pk for u in to.units})))
    if to.whole_units:
        ids.update(_posted(agency, None, sorted({u.pk for u in to.whole_units})))
    if to.leaders:
        ids.update(_posted(agency, LEADER_KINDS, None))
    return sorted(ids)


def _label(to: Recipients, agency: Agency) -> str:
    parts: list[str] = []
    parts += [_("%(unit)s (leaders)") % {"unit": u.name} for u in to.units]
    parts += [_("%(unit)s (everyone)") % {"unit": u.name} for u in to.whole_units]
    if to.leaders:
        parts.append(_("The agency's leaders"))
    parts += [p.full_name for p in to.people]
    if to.extra_ids:
        parts += list(Person.objects.filter(pk__in=to.extra_ids).order_by("full_name").values_list("full_name",
                                                                                                 flat=True))
    return ", ".join(dict.fromkeys(parts))[:1000]


def _check_recipients(agency: Agency, to: Recipients) -> None:
    outsiders = [p.full_name for p in to.people
                 if not (p.is_active and agency.pk in permissions.member_agency_ids(p))]
    if outsiders:
        raise ValidationError({"recipients": [_("Not in the agency: %(names)s.") % {"names": ", ".join(outsiders)}]})
    if any(u.agency_id != agency.pk or u.deleted_at for u in [*to.units, *to.whole_units]):
        raise ValidationError({"recipients": [_("Only units of the agency can receive a message.")]})


def _check_links(person: Person, agency: Agency, links: Sequence[tuple[str, int]]) -> list[MessageLink]:
    if len(links) > MAX_LINKS:
        raise ValidationError({"links": [_("Link at most %(n)s documents.") % {"n": MAX_LINKS}]})
    rows: list[MessageLink] = []
    for name, document_id in dict.fromkeys(links):
        try:
            kind = kinds.get(name)
        except KeyError:
            raise ValidationError({"links": [_("Unknown kind of document.")]}) from None
        document = kind.model_class._default_manager.filter(pk=document_id).first() if document_id else None
        if (document is None or getattr(document, "agency_id", None) != agency.pk
                or not kind.rule(person).allows(document)):
            raise ValidationError({"links": [_("No such document among those you may see.")]})
        label = " – ".join(x for x in (getattr(document, "reference", "") or "",
                                        getattr(document, "summary", "") or str(document)) if x)
        rows.append(MessageLink(kind=name, document_id=document_id, label=label[:300]))
    return rows


def _send(*, by: Actor, agency: Agency, subject: str, body: str, to: Recipients, uploads: Sequence[Any],
          links: Sequence[tuple[str, int]], kind: str, reply_to: Message | None = None,
          forwarded: Message | None = None) -> Message:
    person = _person(by)
    if agency.pk not in permissions.member_agency_ids(person):
        raise NotAllowed()
    errors: dict[str, list[str]] = {}
    subject = clean(subject or "")
    body = (body or "").strip()
    if not subject:
        errors.setdefault("subject", []).append(_("Give the message a subject."))
    if not body and kind != Message.Kind.FORWARD:
        errors.setdefault("body", []).append(_("Write the message."))
    if to.empty():
        errors.setdefault("recipients", []).append(_("Choose at least one recipient: a person, a unit or the "
                                                     "agency's leaders."))
    if errors:
        raise ValidationError(errors)
    _check_recipients(agency, to)
    people = [pk for pk in resolve(agency, to) if pk != person.pk]
    if not people:
        raise ValidationError({"recipients": [_("Nobody would receive the message: the units chosen have no "
                                                "one in post. Choose people.")]})
    if len(people) > MAX_RECIPIENTS:
        raise ValidationError({"recipients": [_("A message reaches at most %(n)s people; send a notice "
                                                "instead.") % {"n": MAX_RECIPIENTS}]})
    link_rows = _check_links(person, agency, links)
    prepared = prepare_uploads(uploads, combine_images=False, field="files") if uploads else []
    now = timezone.now()
    with transaction.atomic(), staged_uploads(prepared, savepoint=False) as staged:
        message = Message.objects.create(agency=agency, kind=kind, sender=person, subject=subject[:500],
                                         body=body, sent_at=now, reply_to=reply_to, forwarded=forwarded,
                                         to_label=_label(to, agency))
        Addressee.objects.bulk_create(
            [Addressee(message=message, scope=Addressee.Scope.PERSON, person=p) for p in to.people]
            + [Addressee(message=message, scope=Addressee.Scope.PERSON, person_id=pk) for pk in to.extra_ids]
            + [Addressee(message=message, scope=Addressee.Scope.UNIT_LEADERS, unit=u) for u in to.units]
            + [Addressee(message=message, scope=Addressee.Scope.UNIT_ALL, unit=u) for u in to.whole_units]
            + ([Addressee(message=message, scope=Addressee.Scope.LEADERS)] if to.leaders else []))
        MessageFile.objects.bulk_create([MessageFile(message=message, stored=s.stored, name=s.name[:300])
                                         for s in staged])
        for row in link_rows:
            row.message = message
        MessageLink.objects.bulk_create(link_rows)
        has_files = bool(staged) or bool(forwarded and kinds.get("message").files(message))
        keys = {"sent_at": now, "sender_key": fold(person.full_name)[:100], "subject_key": fold(subject)[:100],
                "has_files": has_files}
        Copy.objects.bulk_create(
            [Copy(message=message, person=person, is_sender=True, folder=Copy.Folder.SENT, read_at=now, **keys)]
            + [Copy(message=message, person_id=pk, folder=Copy.Folder.INBOX, **keys) for pk in people])
        events.record(verb="message.sent", actor=by, agency=agency, target=message, data={
            "kind": kind, "recipients": people, "files": [s.stored.pk for s in staged],
            "links": [f"{r.kind}:{r.document_id}" for r in link_rows],
            "reply_to": reply_to.pk if reply_to else None, "forwarded": forwarded.pk if forwarded else None})
    return message


def send(*, by: Actor, agency: Agency, subject: str, body: str, to: Recipients, uploads: Sequence[Any] = (),
         links: Sequence[tuple[str, int]] = ()) -> Message:
    """Send an official internal message with its files and links to documents."""
    return _send(by=by, agency=agency, subject=subject, body=body, to=to, uploads=uploads, links=links,
                 kind=Message.Kind.MESSAGE)


def _participant(person: Person, message: Message) -> Message:
    if not rules.may_see(person, message):
        raise NotAllowed()
    return message


def _prefixed(prefix: str, subject: str) -> str:
    return subject if subject.startswith(prefix) else f"{prefix}{subject}"


def reply(*, by: Actor, message: Message, body: str, reply_all: bool = False, uploads: Sequence[Any] = (),
          links: Sequence[tuple[str, int]] = ()) -> Message:
    """Answer the sender (`reply_all`: and everyone who received it). The sender answering his
    own message writes to its recipients."""
    person = _person(by)
    _participant(person, message)
    received = list(Copy.objects.filter(message=message, is_sender=False).values_list("person_id", flat=True))
    if person.pk == message.sender_id:
        people = received
    else:
        people = [message.sender_id] + ([pk for pk in received if pk != person.pk] if reply_all else [])
    active = set(Person.objects.filter(pk__in=people, is_active=True).values_list("pk", flat=True))
    to = Recipients(extra_ids=[pk for pk in dict.fromkeys(people) if pk in active])
    return _send(by=by, agency=message.agency, subject=_prefixed(_("Re: "), message.subject), body=body, to=to,
                 uploads=uploads, links=links, kind=Message.Kind.REPLY, reply_to=message)


def forward(*, by: Actor, message: Message, to: Recipients, instruction: str = "", uploads: Sequence[Any] = (),
            links: Sequence[tuple[str, int]] = ()) -> Message:
    """Forward a message with an instruction (ý kiến chỉ đạo): the new recipients read the original
    and its files inside the forward (never the original itself), the instruction above it."""
    person = _person(by)
    _participant(person, message)
    return _send(by=by, agency=message.agency, subject=_prefixed(_("Fwd: "), message.subject), body=instruction,
                 to=to, uploads=uploads, links=links, kind=Message.Kind.FORWARD, forwarded=message)


# --- One's own copy ------------------------------------------------------------------------------

def own_copy(person: Person, message: Message | int, *, lock: bool = False) -> Copy:
    message_id = message if isinstance(message, int) else message.pk
    copies = Copy.objects.select_for_update() if lock else Copy.objects
    found = copies.filter(person_id=person.pk, message_id=message_id).exclude(folder=Copy.Folder.DELETED).first()
    if found is None:
        raise NotAllowed()
    return found


MOVES = {"archive": Copy.Folder.ARCHIVED, "trash": Copy.Folder.TRASH, "restore": None,
         "delete": Copy.Folder.DELETED}


def move(*, by: Actor, message: Message, to: str) -> Copy:
    """Move one's own copy: `archive`, `trash`, `restore` (back to the inbox or to sent) or
    `delete` (for good: the message no longer opens for this person; the others keep theirs)."""
    person = _person(by)
    if to not in MOVES:
        raise ValidationError({"folder": [_("Unknown folder.")]})
    with transaction.atomic():
        copy = own_copy(person, message, lock=True)
        target = MOVES[to] or copy.home
        if copy.folder == target:
            return copy
        before = copy.folder
        copy.folder, copy.moved_at = target, timezone.now()
        if target == Copy.Folder.DELETED:
            copy.deleted_at = copy.moved_at
        copy.save(update_fields=["folder", "moved_at", "deleted_at"])
        events.record(verb="message.moved", actor=by, agency=message.agency_id, target=message,
                      data={"from": before, "to": target, "copy": copy.pk})
    return copy


def move_many(*, by: Actor, message_ids: Iterable[int], to: str) -> int:
    """The same for several of one's messages at once (the list's checkboxes)."""
    done = 0
    with transaction.atomic():
        for message in Message.objects.filter(pk__in=sorted(set(message_ids))[:500]):
            try:
                move(by=by, message=message, to=to)
                done += 1
            except NotAllowed:
                continue
    return done


def mark_read(*, by: Actor, message: Message, read: bool = True) -> Copy:
    """Mark one's copy read (opening it does) or unread again."""
    person = _person(by)
    with transaction.atomic():
        copy = own_copy(person, message, lock=True)
        if (copy.read_at is not None) == read:
            return copy
        copy.read_at = timezone.now() if read else None
        copy.save(update_fields=["read_at"])
        events.record(verb="message.read", actor=by, agency=message.agency_id, target=message,
                      data={"read": read, "copy": copy.pk})
    return copy


# --- A message becomes a task, or is filed ---------------------------------------------------------

def make_task(*, by: Actor, message: Message, owner_person: Person | None = None, owner_unit: Unit | None = None,
              deadline: date | None = None, working_days: int | None = None, title: str = "") -> Task:
    """Turn the message into a task in one step (qlvb.tasks: source "instruction", reference
    "message:<id>", the message linked as its origin and its text as the description). The tasks'
    rules decide who may assign to whom (a leader, a unit head within his units)."""
    person = _person(by)
    _participant(person, message)
    if not rules.may_make_task(person, message):
        raise NotAllowed()
    if (owner_person is None) == (owner_unit is None):
        raise ValidationError({"owner": [_("Choose one owner: a person or a unit.")]})
    with transaction.atomic():
        try:
            task = tasks.create_from(
                by=by, agency=message.agency, source=Task.Source.INSTRUCTION, source_ref=f"message:{message.pk}",
                title=clean(title or "") or message.subject, owner=tasks.Owner(person=owner_person, unit=owner_unit),
                deadline=deadline, working_days=working_days,
                description=_("From the internal message “%(subject)s” of %(sender)s, %(day)s.\n\n%(body)s") % {
                    "subject": message.subject[:200], "sender": message.sender.full_name,
                    "day": timezone.localtime(message.sent_at).strftime("%d/%m/%Y"), "body": message.body},
                links=[("message", message.pk, Link.Role.ORIGIN)])
        except NotAllowed:
            raise ValidationError({"owner": [_("You may not assign a task to this owner.")]}) from None
        events.record(verb="message.task_made", actor=by, agency=message.agency_id, target=message,
                      data={"task": task.pk})
    return task


def file_into(*, by: Actor, message: Message, dossier: Dossier) -> Any:
    """File the message into one of one's open dossiers (qlvb.dossiers)."""
    person = _person(by)
    _participant(person, message)
    if dossier.agency_id != message.agency_id:
        raise ValidationError({"dossier": [_("Choose a dossier of the message's agency.")]})
    with transaction.atomic():
        item = dossiers.file_document(by=by, dossier=dossier, document=message, label=message.subject,
                                      document_date=timezone.localdate(message.sent_at))
        events.record(verb="message.filed", actor=by, agency=message.agency_id, target=message,
                      data={"dossier": dossier.pk})
    return item


def unit_of_choice(agency: Agency, pk: int | None) -> Unit | None:
    return Unit.objects.filter(Q(pk=pk or 0), agency=agency, deleted_at__isnull=True).first()

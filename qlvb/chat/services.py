"""Chat writes (003 Đ11). Opening a room (a unit's, a document's or task's, a direct conversation)
and posting a message are each one transaction that records its event; the message's event is
what delivers it live (live.py) and tells the people mentioned (notifications, kind "chat").
Bad input raises ValidationError with a Vietnamese message and saves nothing; a person who may not
enter a room gets NotAllowed (a 404 at the edge). Nothing here touches the document a room is
attached to: a chat never changes a document's state."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.chat import rules
from qlvb.chat.models import Member, Message, MessageFile, Room
from qlvb.core import events, kinds
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.text import fold
from qlvb.files.services import prepare_uploads, staged_uploads
from qlvb.org import permissions
from qlvb.org.models import Person, Unit

MAX_BODY = 4000
MAX_FILES = 10
MENTION = re.compile(r"@([\w.\-]+)")


def _person(by: Actor) -> Person:
    """A chat is one's own: the person at the keyboard, never on someone's behalf."""
    if by.person is None or not by.person.is_active:
        raise NotAllowed()
    return by.person


def _open(by: Actor, room: Room, **created: Any) -> Room:
    events.record(verb="chat.room_opened", actor=by, agency=room.agency_id, target=room, data=created)
    return room


def unit_room(*, by: Actor, unit: Unit) -> Room:
    """The unit's room, opened by the first of its people to ask for it."""
    person = _person(by)
    if unit.deleted_at or not rules.may_open_unit_room(person, unit.pk):
        raise NotAllowed()
    found = Room.objects.filter(kind=Room.Kind.UNIT, unit=unit).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            room = Room.objects.create(agency_id=unit.agency_id, kind=Room.Kind.UNIT, unit=unit, name=unit.name[:300],
                                       created_by=person)
            return _open(by, room, unit=unit.pk)
    except IntegrityError:  # opened at the same moment by a colleague
        return Room.objects.get(kind=Room.Kind.UNIT, unit=unit)


def _document_label(kind: str, document: Any) -> str:
    reference = getattr(document, "reference", "") or ""
    if getattr(document, "secrecy", ""):  # a secret document is named by its number alone
        return reference or f"#{document.pk}"
    summary = getattr(document, "summary", "") or getattr(document, "title", "") or str(document)
    return " – ".join(x for x in (reference, summary) if x)[:300]


def document_room(*, by: Actor, kind: str, document_id: int) -> Room:
    """The room attached to a document or a task, for whoever may see it."""
    person = _person(by)
    if kind not in rules.DOCUMENT_KINDS:
        raise NotAllowed()
    document = kinds.get(kind).load(document_id)
    if not rules.may_open_document_room(person, kind, document):
        raise NotAllowed()
    found = Room.objects.filter(kind=Room.Kind.DOCUMENT, subject_kind=kind, subject_id=document_id).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            room = Room.objects.create(agency_id=document.agency_id, kind=Room.Kind.DOCUMENT, subject_kind=kind,
                                       subject_id=document_id, name=_document_label(kind, document),
                                       created_by=person)
            return _open(by, room, document=f"{kind}:{document_id}")
    except IntegrityError:
        return Room.objects.get(kind=Room.Kind.DOCUMENT, subject_kind=kind, subject_id=document_id)


def direct_room(*, by: Actor, other: Person) -> Room:
    """The conversation between the person and another of his agency (one per pair)."""
    person = _person(by)
    if not rules.may_talk_to(person, other):
        raise ValidationError({"person": [_("Choose a colleague of your agency to talk to.")]})
    found = (Room.objects.filter(kind=Room.Kind.DIRECT, members__person=person)
             .filter(members__person=other).first())
    if found is not None:
        return found
    shared = sorted(permissions.member_agency_ids(person) & permissions.member_agency_ids(other))
    agency_id = person.agency_id if person.agency_id in shared else shared[0]
    with transaction.atomic():
        # One conversation per pair even when both open it at once: lock both people's rows.
        list(Person.objects.select_for_update().filter(pk__in=sorted({person.pk, other.pk})))
        found = (Room.objects.filter(kind=Room.Kind.DIRECT, members__person=person)
                 .filter(members__person=other).first())
        if found is not None:
            return found
        room = Room.objects.create(agency_id=agency_id, kind=Room.Kind.DIRECT, created_by=person)
        Member.objects.bulk_create([Member(room=room, person=person), Member(room=room, person=other)])
        return _open(by, room, people=[person.pk, other.pk])


def mentioned(room: Room, body: str, author: Person) -> list[int]:
    """The people named in the text as @username or @Full Name (with or without the marks) who
    may enter the room; never the author."""
    if "@" not in body:
        return []
    folded = fold(body)
    words = {w.lower() for w in MENTION.findall(body)}
    found: list[Person] = []
    people = (Person.objects.filter(is_active=True, deleted_at__isnull=True, posts__agency_id=room.agency_id,
                                    posts__end_date__isnull=True)
              .exclude(pk=author.pk).distinct().only("pk", "username", "full_name", "name_folded", "agency_id"))
    for person in people:
        name = person.name_folded or fold(person.full_name)
        if person.username.lower() in words or (name and f"@{name}" in folded):
            found.append(person)
    return [p.pk for p in found if rules.may_enter(p, room)]


def post(*, by: Actor, room: Room, body: str = "", uploads: Sequence[Any] = ()) -> Message:
    """Post a message (text, files or both) in a room the person may enter."""
    person = _person(by)
    if not rules.may_enter(person, room):
        raise NotAllowed()
    body = (body or "").replace("\r\n", "\n").strip()
    if not body and not uploads:
        raise ValidationError({"body": [_("Write a message or attach a file.")]})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": [_("A message is at most %(count)s characters.") % {"count": MAX_BODY}]})
    if len(uploads) > MAX_FILES:
        raise ValidationError({"files": [_("At most %(count)s files in one message.") % {"count": MAX_FILES}]})
    prepared = prepare_uploads(uploads, combine_images=False, field="files") if uploads else []
    mentions = mentioned(room, body, person)
    with transaction.atomic(), staged_uploads(prepared, savepoint=False) as staged:
        now = timezone.now()
        message = Message.objects.create(room=room, author=person, body=body, mentions=mentions, created_at=now)
        MessageFile.objects.bulk_create([MessageFile(message=message, stored=s.stored, name=s.name[:300])
                                         for s in staged])
        Room.objects.filter(pk=room.pk).update(last_message_at=now)
        room.last_message_at = now
        events.record(verb="chat.message_posted", actor=Actor(person, ip=by.ip), agency=room.agency_id,
                      target=room, data={"message": message.pk, "mentions": mentions,
                                         "files": [s.stored.pk for s in staged]})
    return message

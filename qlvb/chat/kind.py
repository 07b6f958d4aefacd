"""Chat rooms as a document kind (core.kinds): who may enter them, their files and what search
finds of them (the room's name and its messages, for its members only). Registered in
ChatConfig.ready(); the room pages, the API, the socket, search and the mention notifications
all ask this one rule (rules.py says who)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.chat.models import Member, Message, MessageFile, Room
from qlvb.core import kinds
from qlvb.core.kinds import Rule
from qlvb.org import permissions
from qlvb.org.roles import roles_of

# What search reads of a room: its latest messages (older ones stay in the room's own search).
INDEXED_MESSAGES = 500


def _as_access(rooms: QuerySet[Room]) -> QuerySet[Room]:
    return rooms.order_by().annotate(document_id=F("pk"))


def rule(person: Any) -> Rule:
    """The unit rooms of the person's posts, the direct conversations he is in, and the rooms of
    the documents he may see (each document kind's own rule, as a subquery)."""
    if person is None or not getattr(person, "pk", None):
        return Rule(agencies=frozenset())
    from qlvb.chat.rules import DOCUMENT_KINDS

    roles = roles_of(person)
    access: list[QuerySet[Any]] = [
        _as_access(Room.objects.filter(kind=Room.Kind.DIRECT, pk__in=Member.objects.filter(
            person_id=person.pk).values("room_id"))),
    ]
    if roles.unit_ids:
        access.append(_as_access(Room.objects.filter(kind=Room.Kind.UNIT, unit_id__in=sorted(roles.unit_ids))))
    for name in DOCUMENT_KINDS:
        visible = kinds.visible(name, person).order_by().values("pk")
        access.append(_as_access(Room.objects.filter(kind=Room.Kind.DOCUMENT, subject_kind=name,
                                                     subject_id__in=visible)))
    return Rule(agencies=frozenset(permissions.member_agency_ids(person)), access=tuple(access))


def load(room_id: int) -> Room | None:
    return Room.objects.filter(pk=room_id).first()


def files(room: Room) -> dict[int, str]:
    return dict(MessageFile.objects.filter(message__room=room).values_list("stored_id", "name"))


def holding(stored_file_id: int) -> set[int]:
    return set(MessageFile.objects.filter(stored_id=stored_file_id).values_list("message__room_id", flat=True))


def index_values(room: Room, texts: Callable[[Iterable[int]], dict[int, str]]) -> dict[str, Any]:
    latest = list(Message.objects.filter(room_id=room.pk).order_by("-id")
                  .values_list("body", flat=True)[:INDEXED_MESSAGES])
    names = list(MessageFile.objects.filter(message__room_id=room.pk).values_list("name", flat=True)[:200])
    return {
        "agency_id": room.agency_id, "doc_type": "", "issuer": "", "register_id": None,
        "date": timezone.localdate(room.last_message_at or room.created_at), "urgency": "", "secrecy": "",
        "status": room.kind, "unit_id": room.unit_id, "reference": "", "title": (room.name or "")[:600],
        "body": [*reversed(latest), *names],
    }


def url(room_id: int) -> str:
    return reverse("chat:room", args=[room_id])


KIND = kinds.DocumentKind(
    name="chat", model="chat.Room", label=_("Chat room"), rule=rule, files=files, holding=holding,
    index_values=index_values, load=load, url=url, quiet_verbs=frozenset({"chat.room_opened"}),
    status_field="kind",
)

"""Chat reads: the rooms a person may enter, one room (404 otherwise), its messages page by page,
the search of its history, and a message as the pages, the API and the socket show it."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from qlvb.chat import rules
from qlvb.chat.models import Member, Message, MessageFile, Room
from qlvb.core import kinds
from qlvb.org.models import Person

PAGE = 50
MAX_PAGE = 200


def rooms(person: Person) -> QuerySet[Room]:
    """Every room the person may enter, the latest talk first."""
    return (kinds.visible("chat", person).select_related("unit")
            .order_by("-last_message_at", "-id"))


def with_names(person: Person, rows: list[Room]) -> list[Room]:
    """Each room with `label`: its name, or for a direct conversation the other person's name."""
    direct = [r.pk for r in rows if r.kind == Room.Kind.DIRECT]
    others: dict[int, str] = {}
    if direct:
        for room_id, name in (Member.objects.filter(room_id__in=direct).exclude(person_id=person.pk)
                              .values_list("room_id", "person__full_name")):
            others[room_id] = name
    for room in rows:
        room.label = others.get(room.pk, "") if room.kind == Room.Kind.DIRECT else str(room)  # type: ignore[attr-defined]
    return rows


def room_for(person: Person, pk: Any) -> Room:
    """The room if the person may enter it; a 404 otherwise (like a room that does not exist)."""
    try:
        room = Room.objects.select_related("unit").filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        room = None
    if room is None or not rules.may_enter(person, room):
        raise Http404()
    with_names(person, [room])
    return room


def messages(room: Room, *, before: int | None = None, after: int | None = None, limit: int = PAGE,
             query: str = "") -> list[Message]:
    """A page of the room's messages in the order they were written: the latest `limit` (before a
    message, for older history; after one, for what came since), or those containing `query`."""
    rows = Message.objects.filter(room=room)
    if before is not None:
        rows = rows.filter(id__lt=before)
    if after is not None:
        rows = rows.filter(id__gt=after)
    query = (query or "").strip()
    if query:
        rows = rows.filter(body__icontains=query)
    rows = rows.select_related("author").prefetch_related(
        Prefetch("files", queryset=MessageFile.objects.order_by("id")))
    limit = max(1, min(limit, MAX_PAGE))
    if after is not None:
        return list(rows.order_by("id")[:limit])
    return list(reversed(rows.order_by("-id")[:limit]))


def payload(message: Message) -> dict[str, Any]:
    """A message as JSON: for the socket, the page's script and the API."""
    return {
        "id": message.pk,
        "room": message.room_id,
        "author": {"id": message.author_id, "name": message.author.full_name},
        "body": message.body,
        "mentions": list(message.mentions or []),
        "created_at": message.created_at.isoformat(),
        "time": timezone.localtime(message.created_at).strftime("%H:%M %d/%m/%Y"),
        "files": [{"id": f.pk, "name": f.name,
                   "url": reverse("chat:file", args=[message.room_id, f.pk])} for f in message.files.all()],
    }


def one(message_id: int) -> Message | None:
    return (Message.objects.select_related("author").prefetch_related("files").filter(pk=message_id).first())


def colleagues(person: Person) -> QuerySet[Person]:
    """Whom the person may start a direct conversation with: the active people of his agencies."""
    from qlvb.org import permissions

    return (Person.objects.filter(is_active=True, deleted_at__isnull=True,
                                  posts__agency_id__in=sorted(permissions.member_agency_ids(person)),
                                  posts__end_date__isnull=True)
            .exclude(pk=person.pk).distinct().order_by("full_name"))


def file_of(room: Room, file_pk: Any) -> MessageFile:
    try:
        found = MessageFile.objects.select_related("stored").filter(pk=int(file_pk), message__room=room).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise Http404()
    return found

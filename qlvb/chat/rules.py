"""Who may be in a chat room (003 Đ11: every person and unit may chat, for work only):
- a unit's room: everyone holding an open post in that unit (a person with two posts is in both
  units' rooms);
- a document's or a task's room: whoever may see that document (core.kinds.may_see), so a room
  never opens a secret document to someone the document itself is closed to;
- a direct conversation: its two people.
Nobody else, and nobody outside the agency: a room one may not enter is a 404 (the page, the API)
and a refused socket."""

from __future__ import annotations

from typing import Any

from qlvb.chat.models import Room
from qlvb.core import kinds
from qlvb.org import permissions
from qlvb.org.models import Person
from qlvb.org.roles import roles_of

# The kinds of document a room may be attached to (their own pages link to it).
DOCUMENT_KINDS = ("incoming", "outgoing", "task")


def may_enter(person: Any, room: Room) -> bool:
    return kinds.may_see("chat", person, room)


def may_open_unit_room(person: Person, unit_id: int) -> bool:
    return unit_id in roles_of(person).unit_ids


def may_open_document_room(person: Person, kind: str, document: Any) -> bool:
    return kind in DOCUMENT_KINDS and document is not None and kinds.may_see(kind, person, document)


def may_talk_to(person: Person, other: Person) -> bool:
    """A direct conversation: two active people sharing an agency."""
    return (other.pk != person.pk and other.is_active
            and bool(permissions.member_agency_ids(person) & permissions.member_agency_ids(other)))

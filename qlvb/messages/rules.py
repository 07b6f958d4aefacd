"""Who may see and do what with an internal message (003 Đ8.2). A message is seen by its
participants only — its sender and the people it was delivered to — each through their own copy,
until they delete that copy for good. Nobody else sees it, not the leaders, not the administrator:
someone outside gets a 404, as for a message that does not exist. A forwarded message carries the
original inside it: its recipients read the original there, never by the original's own address."""

from __future__ import annotations

from qlvb.core import kinds
from qlvb.messages.models import Message
from qlvb.org.models import Person
from qlvb.org.roles import roles_of
from qlvb.tasks import rules as task_rules


def may_see(person: Person, message: Message) -> bool:
    return kinds.may_see("message", person, message)


def may_make_task(person: Person, message: Message) -> bool:
    """A participant who may assign tasks (a leader, a unit head: the tasks' own rule decides the
    owner when the task is made)."""
    return task_rules.is_leader(person, message.agency_id) or bool(roles_of(person).headed_unit_ids)

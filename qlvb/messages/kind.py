"""Internal messages as a document kind (core.kinds): who may open them (their participants,
through their own undeleted copy), their files and what search finds of them. Registered in
MessagesConfig.ready(); the pages, the API, search and the notifications ask the same rule."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core import kinds
from qlvb.core.kinds import Rule
from qlvb.messages.models import Copy, Message, MessageFile
from qlvb.org import permissions

MAX_CHAIN = 20  # forwards of forwards shown (and searched) inside a message


def rule(person: Any) -> Rule:
    """Participants only: the person's copies not deleted for good. No role opens a message."""
    if person is None or not getattr(person, "pk", None):
        return Rule(agencies=frozenset())
    copies = (Copy.objects.filter(person_id=person.pk).exclude(folder=Copy.Folder.DELETED)
              .order_by().annotate(document_id=F("message_id")))
    return Rule(agencies=frozenset(permissions.member_agency_ids(person)), access=(copies,))


def load(message_id: int) -> Message | None:
    return Message.objects.filter(pk=message_id).select_related("sender").first()


def chain(message: Message) -> list[Message]:
    """The messages a forward carries: its original, the original's original… (newest first)."""
    found: list[Message] = []
    current = message
    while current.forwarded_id and len(found) < MAX_CHAIN:
        nxt = Message.objects.select_related("sender").filter(pk=current.forwarded_id).first()
        if nxt is None:
            break
        found.append(nxt)
        current = nxt
    return found


def files(message: Message) -> dict[int, str]:
    ids = [message.pk, *[m.pk for m in chain(message)]]
    return {f.stored_id: f.name for f in MessageFile.objects.filter(message_id__in=ids)}


def holding(stored_file_id: int) -> set[int]:
    direct = set(MessageFile.objects.filter(stored_id=stored_file_id).values_list("message_id", flat=True))
    # the forwards carrying a message that holds the file hold it too
    found, frontier = set(direct), set(direct)
    while frontier and len(found) < 10_000:
        frontier = set(Message.objects.filter(forwarded_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def index_values(message: Message, texts: Callable[[Iterable[int]], dict[int, str]]) -> dict[str, Any]:
    """Its subject, body, the original it forwards and the text read from the files."""
    carried = chain(message)
    read = texts(list(files(message)))
    return {
        "agency_id": message.agency_id, "doc_type": "", "issuer": "",
        "register_id": None, "date": timezone.localdate(message.sent_at), "urgency": "", "secrecy": "",
        "status": message.kind, "unit_id": None, "reference": "", "title": message.subject[:600],
        "body": [message.body, message.to_label, *[f"{m.subject}\n{m.body}" for m in carried], *read.values()],
    }


def url(message_id: int) -> str:
    return reverse("messages:detail", args=[message_id])


KIND = kinds.DocumentKind(
    name="message", model="internal_messages.Message", label=_("Internal message"), rule=rule, files=files,
    holding=holding, index_values=index_values, load=load, url=url, status_field="kind",
    # A copy moved, read or deleted, a task made or a filing changes nothing search shows.
    quiet_verbs=frozenset({"message.read", "message.moved", "message.task_made", "message.filed"}),
)

"""Internal message reads: one's folders (keyset paging over one index range per sort, so a person
with 50,000 messages pays what one with 50 does), the unread counts, one message with what the
reader may see of it (its files, the original a forward carries, the linked documents the reader
may open), and a file of it."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from qlvb.core import kinds
from qlvb.core.text import fold
from qlvb.messages.kind import chain
from qlvb.messages.models import Addressee, Copy, Message, MessageFile, MessageLink
from qlvb.org.models import Person

FOLDERS = ("inbox", "sent", "archived", "trash")
SORTS = {  # name: the copy's column
    "date": "sent_at", "sender": "sender_key", "subject": "subject_key",
}
PER_PAGE = 25
ROW_FIELDS = ("id", "message_id", "person_id", "is_sender", "folder", "sent_at", "sender_key", "subject_key",
              "has_files", "read_at", "message__id", "message__kind", "message__subject", "message__body",
              "message__to_label", "message__sent_at", "message__sender_id", "message__sender__id",
              "message__sender__full_name")
COUNT_CAP = 1000


@dataclass
class Filters:
    unread: bool = False
    files: bool = False
    sender: int | None = None
    q: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass
class Page:
    rows: list[Copy]
    next_cursor: str = ""
    count: int = 0
    capped: bool = False
    sort: str = "date"
    descending: bool = True


def _encode(value: Any, pk: int) -> str:
    raw = json.dumps([value.isoformat() if isinstance(value, datetime) else value, pk], ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, int] | None:
    """The (value, id) a cursor holds; None for a cursor that is not one of ours."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value, pk = json.loads(raw)
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    if not isinstance(pk, int) or not 0 < pk < 2**63 or not isinstance(value, str) or len(value) > 200:
        return None
    if sort == "date":
        moment = parse_datetime(value)
        if moment is None:
            return None
        return moment, pk
    return value, pk


def _filtered(person: Person, folder: str, filters: Filters) -> QuerySet[Copy]:
    copies = Copy.objects.filter(person_id=person.pk, folder=folder)
    if filters.unread:
        copies = copies.filter(read_at__isnull=True)
    if filters.files:
        copies = copies.filter(has_files=True)
    if filters.sender:
        copies = copies.filter(message__sender_id=filters.sender)
    if filters.q.strip():
        for word in fold(filters.q).split()[:5]:
            copies = copies.filter(subject_key__contains=word)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        copies = copies.filter(sent_at__gte=datetime.combine(filters.date_from, datetime.min.time(), tz))
    if filters.date_to:
        copies = copies.filter(sent_at__lt=datetime.combine(filters.date_to, datetime.max.time(), tz))
    return copies


def folder_page(person: Person, folder: str, *, sort: str = "date", descending: bool = True, cursor: str = "",
                filters: Filters | None = None, per_page: int = PER_PAGE, count: bool = True) -> Page:
    """One page of a folder, sorted by date, sender or subject, from the cursor on (keyset: the
    rows after the last one shown, read from the index on (person, folder, key, id))."""
    if folder not in FOLDERS or sort not in SORTS:
        raise Http404()
    filters = filters or Filters()
    column = SORTS[sort]
    base = _filtered(person, folder, filters)
    rows = base
    after = decode_cursor(cursor, sort)
    if after is not None:
        value, pk = after
        op = "lt" if descending else "gt"
        rows = rows.filter(Q(**{f"{column}__{op}": value}) | Q(**{column: value, f"id__{op}": pk}))
    order = [f"-{column}", "-id"] if descending else [column, "id"]
    found = list(rows.select_related("message", "message__sender").only(*ROW_FIELDS).order_by(*order)[:per_page + 1])
    page = Page(rows=found[:per_page], sort=sort, descending=descending)
    if len(found) > per_page:
        last = found[per_page - 1]
        page.next_cursor = _encode(getattr(last, column), last.pk)
    if count:
        counted = base.order_by()[:COUNT_CAP + 1].count()
        page.count, page.capped = min(counted, COUNT_CAP), counted > COUNT_CAP
    return page


def unread_counts(person: Person) -> dict[str, int]:
    """Unread messages in the inbox (the badge): an index-only count on the partial index of
    unread copies. Other folders are not counted (archived and trashed mail is not waited for)."""
    inbox = Copy.objects.filter(person_id=person.pk, folder=Copy.Folder.INBOX, read_at__isnull=True).count()
    return {"inbox": inbox}


def get_message(person: Person, pk: int) -> tuple[Message, Copy]:
    """The message and the person's own copy; 404 for anyone who holds no copy (or deleted his)."""
    copy = (Copy.objects.select_related("message", "message__sender", "message__agency")
            .filter(person_id=person.pk, message_id=pk).exclude(folder=Copy.Folder.DELETED).first())
    if copy is None:
        raise Http404()
    return copy.message, copy


@dataclass
class Shown:
    """One message as shown: its files, the links the reader may open."""

    message: Message
    files: list[MessageFile] = field(default_factory=list)
    links: list[tuple[MessageLink, str]] = field(default_factory=list)  # (link, url)


@dataclass
class Detail:
    message: Message
    copy: Copy
    shown: Shown
    carried: list[Shown]  # a forward's original, and its original…
    addressees: list[Addressee]
    recipients: list[Copy]  # the sender sees who received and read it
    reply_to: Message | None
    tasks: list[Any]


def _visible_links(person: Person, links: list[MessageLink]) -> list[tuple[MessageLink, str]]:
    shown = []
    for link in links:
        try:
            kind = kinds.get(link.kind)
        except KeyError:
            continue
        document = kind.model_class._default_manager.filter(pk=link.document_id).first()
        if document is not None and kind.rule(person).allows(document):
            shown.append((link, kind.url(link.document_id)))
    return shown


def detail(person: Person, message: Message, copy: Copy) -> Detail:
    carried_messages = chain(message)
    ids = [message.pk, *[m.pk for m in carried_messages]]
    files: dict[int, list[MessageFile]] = {}
    for f in MessageFile.objects.filter(message_id__in=ids):
        files.setdefault(f.message_id, []).append(f)
    links: dict[int, list[MessageLink]] = {}
    for link in MessageLink.objects.filter(message_id__in=ids):
        links.setdefault(link.message_id, []).append(link)

    def shown(m: Message) -> Shown:
        return Shown(m, files.get(m.pk, []), _visible_links(person, links.get(m.pk, [])))

    reply_to = None
    if message.reply_to_id:
        candidate = Message.objects.select_related("sender").filter(pk=message.reply_to_id).first()
        if candidate is not None and kinds.may_see("message", person, candidate):
            reply_to = candidate
    recipients = (list(Copy.objects.filter(message=message, is_sender=False).select_related("person")
                       .order_by("person__full_name")) if copy.is_sender else [])
    task_ids = list(_tasks_of(message))
    tasks = list(kinds.visible("task", person).filter(pk__in=task_ids)) if task_ids else []
    return Detail(message=message, copy=copy, shown=shown(message), carried=[shown(m) for m in carried_messages],
                  addressees=list(Addressee.objects.filter(message=message).select_related("person", "unit")),
                  recipients=recipients, reply_to=reply_to, tasks=tasks)


def _tasks_of(message: Message) -> list[int]:
    from qlvb.tasks.models import Task

    return list(Task.objects.filter(agency_id=message.agency_id, source=Task.Source.INSTRUCTION,
                                    source_ref=f"message:{message.pk}").values_list("pk", flat=True))


def file_of(message: Message, file_pk: int) -> MessageFile:
    """A file of the message or of the original it carries; 404 otherwise."""
    ids = [message.pk, *[m.pk for m in chain(message)]]
    found = MessageFile.objects.select_related("stored").filter(pk=file_pk, message_id__in=ids).first()
    if found is None:
        raise Http404()
    return found

"""REST API of internal messages: one folder of the caller's (keyset paging), one message with
the original it forwards and what the caller may see of it, sending, replying, forwarding with an
instruction, moving one's own copy (archive, trash, restore, delete), read marks, and making a task."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, parser_classes
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core.api import caller, invalid, named, pk_or_404, service_call, validated
from qlvb.messages import selectors, services
from qlvb.messages import serializers as s
from qlvb.messages.models import Copy, Message
from qlvb.org.http import signed_in
from qlvb.org.models import Agency, Person, Unit

NOT_FOUND = OpenApiResponse(description="No such message among the caller's (a participant's own copy).")
BAD_INPUT = OpenApiResponse(description="Invalid input: `{field: [messages]}`; `non_field_errors` for the rest.")
TAGS = ["messages"]
PARSERS = [JSONParser, MultiPartParser, FormParser]


def _mine(request: Request, pk: Any) -> tuple[Message, Copy]:
    return selectors.get_message(signed_in(request.user), pk_or_404(pk))


def _row(copy: Copy) -> dict[str, Any]:
    m = copy.message
    return {"id": m.pk, "kind": m.kind, "subject": m.subject, "sender": named(m.sender), "to": m.to_label,
            "sent_at": m.sent_at, "folder": copy.folder, "read": copy.read_at is not None,
            "has_files": copy.has_files, "excerpt": m.body[:200]}


def _shown(message: Message, shown: selectors.Shown) -> dict[str, Any]:
    m = shown.message
    return {"id": m.pk, "subject": m.subject, "body": m.body, "sender": named(m.sender), "to": m.to_label,
            "sent_at": m.sent_at,
            "files": [{"id": f.pk, "name": f.name, "url": reverse("messages:file", args=[message.pk, f.pk, "download"])}
                      for f in shown.files],
            "links": [{"kind": link.kind, "document_id": link.document_id, "name": link.label, "url": url}
                      for link, url in shown.links]}


def _detail(request: Request, pk: int) -> dict[str, Any]:
    person = signed_in(request.user)
    message, copy = selectors.get_message(person, pk)
    d = selectors.detail(person, message, copy)
    return {**_shown(message, d.shown), "kind": message.kind, "folder": copy.folder, "read": copy.read_at is not None,
            "reply_to": d.reply_to.pk if d.reply_to else None,
            "forwarded": [_shown(message, c) for c in d.carried],
            "recipients": [{"person": named(c.person), "read_at": c.read_at} for c in d.recipients],
            "tasks": [t.pk for t in d.tasks]}


def _agency(person: Person) -> Agency:
    if person.agency is None:
        raise NotFound()
    return person.agency


def _recipients(agency: Agency, data: dict[str, Any]) -> services.Recipients:
    people = list(Person.objects.filter(pk__in=data["people"]))
    missing = sorted(set(data["people"]) - {p.pk for p in people})
    if missing:
        raise invalid("people", _("Not in the agency: %(names)s.") % {"names": ", ".join(map(str, missing))})
    units = list(Unit.objects.filter(pk__in=data["units"]))
    whole = list(Unit.objects.filter(pk__in=data["whole_units"]))
    if len(units) != len(set(data["units"])) or len(whole) != len(set(data["whole_units"])):
        raise invalid("units", _("Only units of the agency can receive a message."))
    return services.Recipients(people=people, units=units, whole_units=whole, leaders=data["leaders"])


@extend_schema(methods=["GET"], operation_id="v1_messages_list", summary="One of my message folders", tags=TAGS,
               parameters=[s.MessageListQuerySerializer], responses={200: s.MessagePageSerializer, 400: BAD_INPUT})
@extend_schema(methods=["POST"], operation_id="v1_messages_send", summary="Send an internal message", tags=TAGS,
               request=s.MessageSendInputSerializer, responses={201: s.MessageDetailSerializer, 400: BAD_INPUT})
@api_view(["GET", "POST"])
@parser_classes(PARSERS)
def message_list(request: Request) -> Response:
    """GET: a folder (`inbox`, `sent`, `archived`, `trash`) sorted by `date`, `sender` or
    `subject`, filtered; keyset paging: pass `next_cursor` back as `cursor`. POST: send a message
    to people, units (their leaders, or `whole_units`) and the agency's leaders, with files
    (multipart parts `files`) and links to documents the sender may see. A message to nobody or
    with an oversize file: 400, nothing saved."""
    person = signed_in(request.user)
    if request.method == "GET":
        query = s.MessageListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        descending = (q["direction"] or ("desc" if q["sort"] == "date" else "asc")) == "desc"
        filters = selectors.Filters(unread=q["unread"], files=q["files"], sender=q["sender"], q=q["q"],
                                    date_from=q["date_from"], date_to=q["date_to"])
        page = selectors.folder_page(person, q["folder"], sort=q["sort"], descending=descending, cursor=q["cursor"],
                                     filters=filters, per_page=q["limit"])
        return Response({"count": page.count, "count_capped": page.capped, "unread": selectors.unread_counts(person),
                         "next_cursor": page.next_cursor, "results": [_row(c) for c in page.rows]})
    data = validated(s.MessageSendInputSerializer, request)
    agency = _agency(person)
    to = _recipients(agency, data)
    message = service_call(lambda: services.send(
        by=caller(request), agency=agency, subject=data["subject"], body=data["body"], to=to, uploads=data["files"],
        links=[(link["kind"], link["document_id"]) for link in data["links"]]), rename={"attachments": "files"})
    return Response(_detail(request, message.pk), status=201)


@extend_schema(operation_id="v1_messages_retrieve", summary="Get a message", tags=TAGS,
               responses={200: s.MessageDetailSerializer, 404: NOT_FOUND})
@api_view(["GET"])
def message_detail(request: Request, pk: str) -> Response:
    """The message (a forward with the original it carries), its files, the linked documents the
    caller may open; for the sender, who received and read it. Reading does not mark it read:
    POST read/ does."""
    return Response(_detail(request, pk_or_404(pk)))


@extend_schema(operation_id="v1_messages_reply", summary="Reply to a message", tags=TAGS,
               request=s.MessageReplyInputSerializer, responses={201: s.MessageDetailSerializer, 400: BAD_INPUT,
                                                          404: NOT_FOUND})
@api_view(["POST"])
@parser_classes(PARSERS)
def reply(request: Request, pk: str) -> Response:
    message, _copy = _mine(request, pk)
    data = validated(s.MessageReplyInputSerializer, request)
    made = service_call(lambda: services.reply(by=caller(request), message=message, body=data["body"],
                                               reply_all=data["reply_all"], uploads=data["files"]))
    return Response(_detail(request, made.pk), status=201)


@extend_schema(operation_id="v1_messages_forward", summary="Forward a message with an instruction", tags=TAGS,
               request=s.MessageForwardInputSerializer, responses={201: s.MessageDetailSerializer, 400: BAD_INPUT,
                                                            404: NOT_FOUND})
@api_view(["POST"])
@parser_classes(PARSERS)
def forward(request: Request, pk: str) -> Response:
    """The new recipients read the original and its files inside the forward, the instruction above."""
    message, _copy = _mine(request, pk)
    data = validated(s.MessageForwardInputSerializer, request)
    to = _recipients(message.agency, data)
    made = service_call(lambda: services.forward(by=caller(request), message=message, to=to,
                                                 instruction=data["instruction"], uploads=data["files"]))
    return Response(_detail(request, made.pk), status=201)


@extend_schema(operation_id="v1_messages_move", summary="Move my copy (archive, trash, restore, delete)", tags=TAGS,
               request=s.MessageMoveInputSerializer, responses={200: s.MessageRowSerializer, 204: None, 400: BAD_INPUT,
                                                         404: NOT_FOUND})
@api_view(["POST"])
def move(request: Request, pk: str) -> Response:
    """Only the caller's copy moves; the other participants keep theirs. `delete` removes it for
    good (204): the message no longer opens for the caller."""
    message, _copy = _mine(request, pk)
    data = validated(s.MessageMoveInputSerializer, request)
    copy = service_call(lambda: services.move(by=caller(request), message=message, to=data["to"]))
    if copy.folder == Copy.Folder.DELETED:
        return Response(status=204)
    copy.message = message
    return Response(_row(copy))


@extend_schema(operation_id="v1_messages_read", summary="Mark my copy read or unread", tags=TAGS,
               request=s.MessageReadInputSerializer, responses={200: s.MessageRowSerializer, 404: NOT_FOUND})
@api_view(["POST"])
def read(request: Request, pk: str) -> Response:
    message, _copy = _mine(request, pk)
    data = validated(s.MessageReadInputSerializer, request)
    copy = service_call(lambda: services.mark_read(by=caller(request), message=message, read=data["read"]))
    copy.message = message
    return Response(_row(copy))


@extend_schema(operation_id="v1_messages_make_task", summary="Turn the message into a task", tags=TAGS,
               request=s.MessageTaskInputSerializer,
               responses={201: s.MessageTaskMadeSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def make_task(request: Request, pk: str) -> Response:
    """A leader or a unit head who took part makes it a task in one step (qlvb.tasks), with an
    owner (person or unit) and a deadline (a date, or working days from today)."""
    message, _copy = _mine(request, pk)
    data = validated(s.MessageTaskInputSerializer, request)
    owner_person = Person.objects.filter(pk=data.get("owner_person") or 0).first()
    owner_unit = Unit.objects.filter(pk=data.get("owner_unit") or 0).first()
    if data.get("owner_person") and owner_person is None or data.get("owner_unit") and owner_unit is None:
        raise invalid("owner", _("You may not assign a task to this owner."))
    task = service_call(lambda: services.make_task(
        by=caller(request), message=message, owner_person=owner_person, owner_unit=owner_unit,
        deadline=data.get("deadline"), working_days=None if data.get("deadline") else data.get("working_days"),
        title=data["title"]))
    return Response({"task": task.pk}, status=201)

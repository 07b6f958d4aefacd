"""REST API of chat (003 Đ11): the caller's rooms, one room, its messages page by page (and a
search of its history), posting a message with text and files. New messages arrive live on the
room's WebSocket (`socket` in the room, session authentication); a room the caller may not enter
is a 404."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, parser_classes
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.chat import selectors, services
from qlvb.chat import serializers as s
from qlvb.chat.models import Room
from qlvb.core.api import caller, named, pk_or_404, service_call, validated
from qlvb.core.paging import ApiPagination
from qlvb.org.http import signed_in

NOT_FOUND = OpenApiResponse(description="No such room the caller may enter.")
BAD_INPUT = OpenApiResponse(description="Invalid input: `{field: [messages]}`; `non_field_errors` for the rest.")
TAGS = ["chat"]


def _room(request: Request, pk: Any) -> Room:
    return selectors.room_for(signed_in(request.user), pk_or_404(pk))


def room_data(room: Room) -> dict[str, Any]:
    return {"id": room.pk, "kind": room.kind, "name": getattr(room, "label", str(room)), "unit": named(room.unit),
            "document_kind": room.subject_kind, "document_id": room.subject_id,
            "last_message_at": room.last_message_at, "url": reverse("chat:room", args=[room.pk]),
            "socket": f"/ws/chat/{room.pk}/"}


@extend_schema(operation_id="v1_chat_rooms_list", summary="My chat rooms", tags=TAGS,
               responses={200: s.RoomPageSerializer, 400: BAD_INPUT})
@api_view(["GET"])
def room_list(request: Request) -> Response:
    """The rooms the caller may enter (the units of his posts, the documents and tasks he may see,
    his direct conversations), the latest talk first; paginated with `limit` and `offset`."""
    person = signed_in(request.user)
    paginator = ApiPagination()
    rows = paginator.paginate_queryset(selectors.rooms(person), request) or []
    return paginator.get_paginated_response([room_data(r) for r in selectors.with_names(person, list(rows))])


@extend_schema(operation_id="v1_chat_rooms_retrieve", summary="Get a chat room", tags=TAGS,
               responses={200: s.RoomSerializer, 404: NOT_FOUND})
@api_view(["GET"])
def room_detail(request: Request, pk: str) -> Response:
    return Response(room_data(_room(request, pk)))


@extend_schema(methods=["GET"], operation_id="v1_chat_messages_list", summary="A room's messages", tags=TAGS,
               parameters=[s.MessageQuerySerializer],
               responses={200: s.ChatMessagePageSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@extend_schema(methods=["POST"], operation_id="v1_chat_messages_create", summary="Post a message", tags=TAGS,
               request={"multipart/form-data": s.MessageInputSerializer, "application/json": s.MessageInputSerializer},
               responses={201: s.MessageSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET", "POST"])
@parser_classes([JSONParser, MultiPartParser, FormParser])
def messages(request: Request, pk: str) -> Response:
    """GET: the latest `limit` messages in the order written (`before`: older history, `after`:
    what came since, `q`: only those containing these words). POST: a message with text, files or
    both; an empty one is refused (400), nothing saved; people mentioned (@name) are notified."""
    room = _room(request, pk)
    if request.method == "GET":
        query = s.MessageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        rows = selectors.messages(room, before=data.get("before"), after=data.get("after"), limit=data["limit"],
                                  query=data.get("q", ""))
        older = rows[0].pk if rows and len(rows) >= data["limit"] and data.get("after") is None else None
        return Response({"results": [selectors.payload(m) for m in rows], "older": older})
    data = validated(s.MessageInputSerializer, request)
    message = service_call(lambda: services.post(by=caller(request), room=room, body=data["body"],
                                                 uploads=data["files"]))
    found = selectors.one(message.pk)
    assert found is not None
    return Response(selectors.payload(found), status=201)

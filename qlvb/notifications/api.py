"""REST API: a person's notifications (a mobile client's bell), marking them read."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core.errors import NotAllowed
from qlvb.core.paging import ApiPagination
from qlvb.notifications import selectors, services
from qlvb.notifications.models import Notification
from qlvb.org.http import signed_in


class NotificationSerializer(serializers.ModelSerializer):
    text = serializers.SerializerMethodField(help_text="What it says, in the caller's language.")
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "url", "urgent", "target_type", "target_id", "created_at", "read", "read_at"]

    def get_text(self, notification: Notification) -> str:
        return selectors.text(notification)

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class NotificationPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    unread = serializers.IntegerField(help_text="How many of the caller's notifications are unread.")
    results = NotificationSerializer(many=True)


@extend_schema(summary="My notifications", tags=["notifications"], parameters=[
    OpenApiParameter("unread", bool, description="Only the unread ones."),
    OpenApiParameter("limit", int), OpenApiParameter("offset", int)],
    responses=NotificationPageSerializer)
@api_view(["GET"])
def notification_list(request: Request) -> Response:
    """The caller's notifications, newest first, with `unread` (how many are unread)."""
    person = signed_in(request.user)
    paginator = ApiPagination()
    rows = paginator.paginate_queryset(
        selectors.of(person, unread=request.query_params.get("unread") in ("1", "true")), request)
    response = paginator.get_paginated_response(NotificationSerializer(rows, many=True).data)
    response.data["unread"] = selectors.unread_count(person)
    return response


@extend_schema(summary="Mark a notification read", tags=["notifications"], request=None,
               responses=NotificationSerializer)
@api_view(["POST"])
def mark_read(request: Request, pk: int) -> Response:
    try:
        notification = services.mark_read(person=signed_in(request.user), notification_id=pk)
    except NotAllowed:
        raise NotFound() from None
    return Response(NotificationSerializer(notification).data)


@extend_schema(summary="Mark all my notifications read", tags=["notifications"], request=None,
               responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}))
@api_view(["POST"])
def read_all(request: Request) -> Response:
    marked: Any = services.mark_all_read(person=signed_in(request.user))
    return Response({"marked": marked})

"""REST API: a person's notifications (a mobile client's bell), marking them read; registering a
client for Web Push."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core.errors import NotAllowed
from qlvb.core.paging import ApiPagination
from qlvb.notifications import push, selectors, services
from qlvb.notifications.models import Notification, PushSubscription
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


# --- Web Push: a mobile client (or any browser) registers for push -----------------------------
class PushKeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(max_length=100, help_text="The client's ECDH P-256 public key "
                                   "(uncompressed point, 65 bytes), base64url.")
    auth = serializers.CharField(max_length=50, help_text="The client's 16-byte authentication secret, base64url.")


class PushSubscriptionInSerializer(serializers.Serializer):
    endpoint = serializers.CharField(max_length=1000, help_text="The push service's https address for this client.")
    keys = PushKeysSerializer()
    expirationTime = serializers.IntegerField(required=False, allow_null=True,  # noqa: N815 - the browser's name
                                              help_text="Ignored (PushSubscription.toJSON() has it).")


class PushSubscriptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PushSubscription
        fields = ["id", "endpoint", "created_at", "last_success"]


class PushErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


@extend_schema(summary="The VAPID public key", tags=["notifications"],
               responses=inline_serializer("PushKey", {"public_key": serializers.CharField(
                   help_text="base64url of the uncompressed P-256 point: a client subscribes with it "
                             "(applicationServerKey).")}))
@api_view(["GET"])
def push_key(request: Request) -> Response:
    signed_in(request.user)
    return Response({"public_key": settings.QLVB_VAPID_PUBLIC_KEY})


@extend_schema(summary="Register this client for push", tags=["notifications"], request=PushSubscriptionInSerializer,
               responses={201: PushSubscriptionSerializer, 400: PushErrorSerializer},
               examples=[OpenApiExample("A phone's subscription", request_only=True, value={
                   "endpoint": "https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bExample",
                   "keys": {"p256dh": "BEE8cxptQcH089xEZPYVh4WXTJdmz5m4mMohPHlminTSGPUEFKjhJTHJvhgsWSD_v13yDIUlyDYGx"
                                      "xdEdALRzEU",
                            "auth": "oR144jBEgolcRnTntpJ0RQ"}})])
@api_view(["POST"])
def push_subscribe(request: Request) -> Response:
    """The client's push subscription (the endpoint its push service gave, its keys): the caller's
    notifications are pushed to it, encrypted for its keys and signed with the VAPID key."""
    person = signed_in(request.user)
    try:
        subscription = push.subscribe(person=person, data=request.data,
                                      user_agent=request.headers.get("User-Agent", ""))
    except ValidationError as error:
        return Response({"detail": " ".join(error.messages)}, status=400)
    return Response(PushSubscriptionSerializer(subscription).data, status=201)


@extend_schema(summary="Stop pushing to a client", tags=["notifications"], request=None,
               responses={204: None})
@api_view(["DELETE"])
def push_unsubscribe(request: Request, pk: int) -> Response:
    """One of the caller's push subscriptions removed; someone else's is a 404."""
    try:
        push.unsubscribe(person=signed_in(request.user), pk=pk)
    except NotAllowed:
        raise NotFound() from None
    return Response(status=204)

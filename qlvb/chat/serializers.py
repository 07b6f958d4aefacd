from __future__ import annotations

from rest_framework import serializers

from qlvb.chat.models import Room
from qlvb.chat.services import MAX_BODY
from qlvb.core.api import NamedSerializer, ObjectId, enum_field
from qlvb.files.api import UploadField

RoomKindField = enum_field("ChatRoomKindEnum", list(Room.Kind.values), "unit, document or direct")


class RoomSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = RoomKindField()
    name = serializers.CharField(source="label", help_text="The room's name; for a direct conversation, "
                                                           "the other person's name.")
    unit = NamedSerializer(allow_null=True)
    document_kind = serializers.CharField(help_text="incoming, outgoing or task for a document's room; empty otherwise")
    document_id = serializers.IntegerField(allow_null=True)
    last_message_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(help_text="The room's page")
    socket = serializers.CharField(help_text="The room's WebSocket path (session authentication)")


class RoomPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RoomSerializer(many=True)


class ChatFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField()


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    room = serializers.IntegerField()
    author = NamedSerializer()
    body = serializers.CharField(allow_blank=True)
    mentions = serializers.ListField(child=serializers.IntegerField(), help_text="Ids of the people mentioned")
    created_at = serializers.DateTimeField()
    time = serializers.CharField(help_text="Local time, HH:MM dd/mm/yyyy")
    files = ChatFileSerializer(many=True)


class ChatMessagePageSerializer(serializers.Serializer):
    results = MessageSerializer(many=True)
    older = serializers.IntegerField(allow_null=True, help_text="Pass as `before` for the page before this one; "
                                                                "null at the start of the room")


class MessageQuerySerializer(serializers.Serializer):
    before = ObjectId(required=False, help_text="Messages before this message id (older history)")
    after = ObjectId(required=False, help_text="Messages after this message id (what came since)")
    limit = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)
    q = serializers.CharField(required=False, allow_blank=True, max_length=200,
                              help_text="Only the messages containing these words")


class MessageInputSerializer(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_BODY,
                                 trim_whitespace=False)
    files = serializers.ListField(child=UploadField(), required=False, default=list, max_length=10)

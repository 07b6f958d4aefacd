"""Notice REST serializers (in the OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qlvb.core.api import NamedSerializer, ObjectId, enum_field, named
from qlvb.notices import selectors
from qlvb.notices.models import Notice

ListField = enum_field("NoticeList", list(selectors.LISTS),
                       "mine (to me: pinned on top, unread first), unread, sent (mine; the office: all)")


class NoticeSerializer(serializers.ModelSerializer):
    created_by = serializers.SerializerMethodField()
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "title", "to_everyone", "pinned", "expires_on", "published_at", "created_by", "is_read"]

    @extend_schema_field(NamedSerializer())
    def get_created_by(self, notice: Notice) -> dict[str, Any] | None:
        return named(notice.created_by)

    def get_is_read(self, notice: Notice) -> bool:
        return bool(getattr(notice, "is_read", False))


class NoticePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = NoticeSerializer(many=True)


class NoticeListQuerySerializer(serializers.Serializer):
    list = ListField(required=False, default="mine")


class NoticeLinkSerializer(serializers.Serializer):
    kind = serializers.CharField()
    document_id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField()


class NoticeFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField()


class NoticeAudienceSerializer(serializers.Serializer):
    everyone = serializers.BooleanField()
    units = NamedSerializer(many=True)
    positions = NamedSerializer(many=True)
    people = NamedSerializer(many=True)


class NoticeDetailSerializer(NoticeSerializer):
    body = serializers.CharField()
    audience = NoticeAudienceSerializer()
    links = NoticeLinkSerializer(many=True)
    hidden_links = serializers.IntegerField(help_text="Linked documents the caller may not open (not named).")
    files = NoticeFileSerializer(many=True)
    read_at = serializers.DateTimeField(allow_null=True)

    class Meta(NoticeSerializer.Meta):
        fields = [*NoticeSerializer.Meta.fields, "body", "audience", "links", "hidden_links", "files", "read_at"]


class NoticeInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300, allow_blank=True)
    body = serializers.CharField(max_length=20_000, required=False, default="", allow_blank=True)
    to_everyone = serializers.BooleanField(required=False, default=False)
    units = serializers.ListField(child=ObjectId(), required=False, default=list, max_length=500)
    positions = serializers.ListField(child=ObjectId(), required=False, default=list, max_length=500)
    people = serializers.ListField(child=ObjectId(), required=False, default=list, max_length=2000)
    pinned = serializers.BooleanField(required=False, default=False)
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)
    links = serializers.ListField(child=serializers.RegexField(r"^[a-z_]{1,30}:\d{1,18}$"), required=False,
                                  default=list, max_length=50,
                                  help_text='Documents linked, as "kind:id" ("incoming:12", "outgoing:7").')


class ReceiptRowSerializer(serializers.Serializer):
    person = NamedSerializer()
    read_at = serializers.DateTimeField(allow_null=True)


class NoticeReceiptsSerializer(serializers.Serializer):
    read_count = serializers.IntegerField()
    unread_count = serializers.IntegerField()
    total = serializers.IntegerField()
    read = ReceiptRowSerializer(many=True)
    unread = NamedSerializer(many=True)

"""Hand-over REST serializers (in the OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qlvb.core.api import NamedSerializer, ObjectId, named
from qlvb.handover.models import HandOver


class HandOverSerializer(serializers.ModelSerializer):
    person = serializers.SerializerMethodField()
    successor = serializers.SerializerMethodField()
    by = serializers.SerializerMethodField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="{provider: items moved}")
    successors = serializers.DictField(child=serializers.IntegerField(),
                                       help_text="{provider: successor id} where not `successor`")

    class Meta:
        model = HandOver
        fields = ["id", "agency", "person", "successor", "by", "at", "counts", "successors", "total", "note"]

    @extend_schema_field(NamedSerializer())
    def get_person(self, record: HandOver) -> dict[str, Any] | None:
        return named(record.person)

    @extend_schema_field(NamedSerializer())
    def get_successor(self, record: HandOver) -> dict[str, Any] | None:
        return named(record.successor)

    @extend_schema_field(NamedSerializer())
    def get_by(self, record: HandOver) -> dict[str, Any] | None:
        return named(record.by)


class HandOverPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = HandOverSerializer(many=True)


class OpenItemSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField()
    detail = serializers.CharField()


class OpenWorkSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="the provider: incoming, outgoing, tasks, dossiers…")
    title = serializers.CharField(help_text="what it is, in the interface's language")
    count = serializers.IntegerField()
    sample = OpenItemSerializer(many=True)


class PreviewSerializer(serializers.Serializer):
    person = NamedSerializer()
    agency = serializers.IntegerField()
    total = serializers.IntegerField()
    work = OpenWorkSerializer(many=True)


class HandOverInputSerializer(serializers.Serializer):
    successor = ObjectId(help_text="who receives all the work (unless named per provider)")
    successors = serializers.DictField(child=ObjectId(), required=False, default=dict,
                                       help_text="{provider: person id}: another successor for that provider")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)

"""Disclosure REST serializers (in the OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qlvb.core.api import NamedSerializer, ObjectId, choice_values, enum_field, named
from qlvb.disclosures.models import MIN_POSTING_DAYS, Disclosure

CategoryField = enum_field("DisclosureCategory", choice_values(Disclosure.Category.choices),
                           "The nine matters of 002 Article 20, in its order.")
StateField = enum_field("DisclosureState", choice_values(Disclosure.State.choices),
                        "waiting, overdue (not disclosed by its deadline), on_time, late")
SourceKindField = enum_field("DisclosureSourceKind", ["incoming", "outgoing"], "The kind of the source document.")
ExportFormatField = enum_field("DisclosureExportFormat", ["csv", "xlsx"], "The export's format.")


class DisclosureSerializer(serializers.ModelSerializer):
    category = CategoryField(read_only=True)
    state = serializers.SerializerMethodField()
    days_allowed = serializers.IntegerField(read_only=True)
    posted_until = serializers.DateField(read_only=True, allow_null=True)
    forms = serializers.ListField(child=serializers.CharField(), read_only=True)
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = Disclosure
        fields = ["id", "category", "title", "source_kind", "source_id", "source_label", "source_date", "extended",
                  "extension_reason", "days_allowed", "due_on", "disclosed_on", "posting_days", "posted_until",
                  "by_notice", "at_premises", "at_conference", "forms", "notice", "note", "state", "created_by",
                  "created_at"]

    @extend_schema_field(StateField())
    def get_state(self, disclosure: Disclosure) -> str:
        return disclosure.state()

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_created_by(self, disclosure: Disclosure) -> dict[str, Any] | None:
        return named(disclosure.created_by)


class DisclosurePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = DisclosureSerializer(many=True)


class DisclosureQuerySerializer(serializers.Serializer):
    category = CategoryField(required=False, allow_blank=True)
    state = StateField(required=False, allow_blank=True)
    since = serializers.DateField(required=False, allow_null=True)
    until = serializers.DateField(required=False, allow_null=True)


class DisclosureExportQuerySerializer(DisclosureQuerySerializer):
    output = ExportFormatField(required=False, default="xlsx")


class DisclosureInputSerializer(serializers.Serializer):
    category = CategoryField()
    title = serializers.CharField(max_length=300, allow_blank=True)
    source_kind = SourceKindField()
    source_id = ObjectId()
    source_date = serializers.DateField(required=False, allow_null=True, default=None,
                                        help_text="Empty: the document's own date of issue or receipt.")
    extended = serializers.BooleanField(required=False, default=False)
    extension_reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    disclosed_on = serializers.DateField(required=False, allow_null=True, default=None)
    by_notice = serializers.BooleanField(required=False, default=False)
    at_premises = serializers.BooleanField(required=False, default=False)
    at_conference = serializers.BooleanField(required=False, default=False)
    posting_days = serializers.IntegerField(required=False, default=MIN_POSTING_DAYS, min_value=1, max_value=3650)
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)

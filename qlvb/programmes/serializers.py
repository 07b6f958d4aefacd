"""Work programme REST serializers (in the OpenAPI schema; component names prefixed "Programme")."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qlvb.core.api import NamedSerializer, ObjectId, choice_values, enum_field, named
from qlvb.programmes import selectors
from qlvb.programmes.models import Item, Programme

ScopeField = enum_field("ProgrammeScope", choice_values(Programme.Scope.choices), "agency, unit, person")
PeriodField = enum_field("ProgrammePeriod", choice_values(Programme.Period.choices),
                         "year, half, quarter, month, week")
ProgrammeStatusField = enum_field("ProgrammeStatus", choice_values(Programme.Status.choices),
                                  "draft, submitted, approved")
NatureField = enum_field("ProgrammeItemNature", choice_values(Item.Nature.choices),
                         "regular, key (trọng tâm), assigned (by the superior), new (arising)")
ItemStatusField = enum_field("ProgrammeItemStatus", list(selectors.STATUSES),
                             "done, in_progress, late, pending, proposed (from the item's tasks)")
TabField = enum_field("ProgrammeTab", list(selectors.TABS), "mine, unit, agency, waiting (for my approval)")




class ProgrammeSerializer(serializers.ModelSerializer):
    scope = ScopeField(read_only=True)
    period = PeriodField(read_only=True)
    status = ProgrammeStatusField(read_only=True)
    owner_unit = serializers.SerializerMethodField()
    owner_person = serializers.SerializerMethodField()

    class Meta:
        model = Programme
        fields = ["id", "title", "scope", "owner_unit", "owner_person", "period", "starts", "ends", "status",
                  "version", "approver", "approved_at", "return_note", "created_at"]

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_owner_unit(self, programme: Programme) -> dict[str, Any] | None:
        return named(programme.owner_unit)

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_owner_person(self, programme: Programme) -> dict[str, Any] | None:
        return named(programme.owner_person)


class ProgrammePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = ProgrammeSerializer(many=True)


class ProgrammeTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    progress = serializers.IntegerField()
    deadline = serializers.DateField()


class ProgrammeItemRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item.pk")
    programme = serializers.IntegerField(source="programme.pk")
    title = serializers.CharField(source="item.title")
    product = serializers.CharField(source="item.product")
    responsible_unit = serializers.SerializerMethodField()
    responsible_person = serializers.SerializerMethodField()
    coordinating_units = serializers.SerializerMethodField()
    starts = serializers.DateField(source="item.starts", allow_null=True)
    due = serializers.DateField(source="item.due")
    nature = NatureField(source="item.nature")
    field = serializers.IntegerField(source="item.field_id", allow_null=True)
    state = serializers.CharField(source="item.state", help_text="active, withdrawn")
    status = ItemStatusField()
    tasks = ProgrammeTaskSerializer(many=True)

    @extend_schema_field(NamedSerializer())
    def get_responsible_unit(self, row: selectors.ItemRow) -> dict[str, Any] | None:
        return named(row.item.responsible_unit)

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_responsible_person(self, row: selectors.ItemRow) -> dict[str, Any] | None:
        return named(row.item.responsible_person)

    @extend_schema_field(NamedSerializer(many=True))
    def get_coordinating_units(self, row: selectors.ItemRow) -> list[dict[str, Any] | None]:
        return [named(u) for u in row.item.coordinating_units.all()]


class ProgrammeCountsSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    late = serializers.IntegerField()
    pending = serializers.IntegerField()
    proposed = serializers.IntegerField()


class ProgrammeAdjustmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.IntegerField(source="item_id", allow_null=True)
    version = serializers.IntegerField()
    reason = serializers.CharField()
    at = serializers.DateTimeField()


class ProgrammeDetailSerializer(ProgrammeSerializer):
    items = ProgrammeItemRowSerializer(many=True, read_only=True)
    counts = ProgrammeCountsSerializer(read_only=True)
    adjustments = ProgrammeAdjustmentSerializer(many=True, read_only=True)
    actions = serializers.DictField(child=serializers.BooleanField(), read_only=True)

    class Meta(ProgrammeSerializer.Meta):
        fields = [*ProgrammeSerializer.Meta.fields, "items", "counts", "adjustments", "actions"]


class ProgrammeListQuerySerializer(serializers.Serializer):
    tab = TabField(required=False, default="unit")
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)


class ProgrammeCreateSerializer(serializers.Serializer):
    scope = ScopeField()
    owner_unit = ObjectId(required=False, allow_null=True)
    period = PeriodField()
    year = serializers.IntegerField(required=False, allow_null=True)
    number = serializers.IntegerField(required=False, allow_null=True)
    week_of = serializers.DateField(required=False, allow_null=True)
    title = serializers.CharField(required=False, allow_blank=True, default="")


class ProgrammeItemInputSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True)
    product = serializers.CharField(required=False, allow_blank=True, default="")
    responsible_unit = ObjectId(required=False, allow_null=True)
    responsible_person = ObjectId(required=False, allow_null=True)
    coordinating_units = serializers.ListField(child=ObjectId(), required=False, default=list)
    starts = serializers.DateField(required=False, allow_null=True)
    due = serializers.DateField(required=False, allow_null=True)
    nature = NatureField(required=False, default="regular")
    field = ObjectId(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text="Required once the programme is approved (an adjustment, 001 Đ10.1).")


class ProgrammeReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ProgrammeNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ProgrammeMakeTasksSerializer(serializers.Serializer):
    items = serializers.ListField(child=ObjectId(), min_length=1)


class ProgrammeTasksMadeSerializer(serializers.Serializer):
    tasks = serializers.ListField(child=serializers.IntegerField())


class ProgrammeReviewInputSerializer(serializers.Serializer):
    starts = serializers.DateField(required=False, allow_null=True)
    ends = serializers.DateField(required=False, allow_null=True)
    assessment = serializers.CharField(allow_blank=True)
    proposals = ProgrammeItemInputSerializer(many=True, required=False, default=list)


class ProgrammeReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    starts = serializers.DateField()
    ends = serializers.DateField()
    assessment = serializers.CharField()
    counts = ProgrammeCountsSerializer()
    at = serializers.DateTimeField()


class ProgrammeFieldsQuerySerializer(serializers.Serializer):
    field = serializers.ListField(child=ObjectId(), required=False, default=list)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


class ProgrammeUnitGroupSerializer(serializers.Serializer):
    unit = serializers.SerializerMethodField()
    counts = ProgrammeCountsSerializer()
    items = ProgrammeItemRowSerializer(many=True, source="rows")

    @extend_schema_field(NamedSerializer())
    def get_unit(self, group: selectors.UnitGroup) -> dict[str, Any] | None:
        return named(group.unit)


class ProgrammeFieldGroupSerializer(serializers.Serializer):
    field = serializers.SerializerMethodField()
    counts = ProgrammeCountsSerializer()
    units = ProgrammeUnitGroupSerializer(many=True)

    @extend_schema_field(NamedSerializer())
    def get_field(self, group: selectors.FieldGroup) -> dict[str, Any] | None:
        return named(group.field)

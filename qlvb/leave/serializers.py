"""Leave REST serializers (in the OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qlvb.core.api import NamedSerializer, ObjectId, enum_field, named
from qlvb.leave.models import LeaveRequest, Overtime

KindField = enum_field("LeaveKind", [k for k, _ in LeaveRequest.Kind.choices],
                       "annual, personal, sick, unpaid, compensatory")
StatusField = enum_field("LeaveStatus", [k for k, _ in LeaveRequest.Status.choices],
                         "pending, approved, informed (the director's own: announced), refused, cancelled")
StepField = enum_field("LeaveStep", [k for k, _ in LeaveRequest.Step.choices],
                       "who approves: unit_head, field_leader (the deputy in charge), director, none")


class LeaveSerializer(serializers.ModelSerializer):
    kind = KindField(read_only=True)
    status = StatusField(read_only=True)
    step = StepField(read_only=True)
    person = serializers.SerializerMethodField()
    approver = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    cover = serializers.SerializerMethodField(help_text="the colleague who holds the person's open tasks during the "
                                                        "leave (null: nobody)")
    cover_given_at = serializers.DateTimeField(read_only=True, allow_null=True,
                                               help_text="when the colleague was given the tasks")
    cover_returned_at = serializers.DateTimeField(read_only=True, allow_null=True,
                                                  help_text="when what he still held went back")
    days = serializers.DecimalField(max_digits=5, decimal_places=1, coerce_to_string=False, read_only=True)

    class Meta:
        model = LeaveRequest
        fields = ["id", "person", "kind", "start", "end", "start_afternoon", "end_morning", "days", "year", "reason",
                  "emergency", "emergency_reason", "status", "step", "approver", "decided_by", "decided_at",
                  "decision_note", "cover", "cover_given_at", "cover_returned_at", "created_at"]

    @extend_schema_field(NamedSerializer())
    def get_person(self, leave: LeaveRequest) -> dict[str, Any] | None:
        return named(leave.person)

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_approver(self, leave: LeaveRequest) -> dict[str, Any] | None:
        return named(leave.approver)

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_decided_by(self, leave: LeaveRequest) -> dict[str, Any] | None:
        return named(leave.decided_by)

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_cover(self, leave: LeaveRequest) -> dict[str, Any] | None:
        return named(leave.cover)


class LeavePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = LeaveSerializer(many=True)


class LeaveInputSerializer(serializers.Serializer):
    kind = KindField()
    start = serializers.DateField()
    end = serializers.DateField()
    start_afternoon = serializers.BooleanField(required=False, default=False)
    end_morning = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(max_length=500)
    emergency = serializers.BooleanField(required=False, default=False)
    emergency_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    cover = ObjectId(required=False, allow_null=True, default=None,
                     help_text="a colleague of the agency who takes the person's open tasks for the period")


class CoverInputSerializer(serializers.Serializer):
    cover = ObjectId(allow_null=True, help_text="the colleague (a person id of the agency); null: nobody")


class DecisionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BalanceSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    started_on = serializers.DateField(allow_null=True)
    entitlement = serializers.DecimalField(max_digits=5, decimal_places=1, coerce_to_string=False)
    carried = serializers.DecimalField(max_digits=5, decimal_places=1, coerce_to_string=False)
    taken = serializers.DecimalField(max_digits=5, decimal_places=1, coerce_to_string=False)
    pending = serializers.DecimalField(max_digits=5, decimal_places=1, coerce_to_string=False)
    remaining = serializers.DecimalField(max_digits=5, decimal_places=1, coerce_to_string=False)
    available = serializers.DecimalField(max_digits=5, decimal_places=1, coerce_to_string=False)


class YearQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    month = serializers.IntegerField(min_value=1, max_value=12, required=False)


class OvertimeSerializer(serializers.ModelSerializer):
    person = serializers.SerializerMethodField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False, read_only=True)

    class Meta:
        model = Overtime
        fields = ["id", "person", "day", "hours", "weekend", "work", "created_at"]

    @extend_schema_field(NamedSerializer())
    def get_person(self, row: Overtime) -> dict[str, Any] | None:
        return named(row.person)


class OvertimeInputSerializer(serializers.Serializer):
    day = serializers.DateField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0)
    work = serializers.CharField(max_length=500)


class RulesSerializer(serializers.Serializer):
    """The agency's leave rules (001 Đ18): who approves how many days, the notice, the annual days
    (at least the Labour Code's 12) and over how many years unused leave may be taken together."""

    unit_head_max_days = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=30)
    field_leader_max_days = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=30)
    notice_days = serializers.IntegerField(min_value=0, max_value=30)
    base_days = serializers.IntegerField(min_value=12, max_value=30)
    carry_years = serializers.IntegerField(min_value=1, max_value=3)

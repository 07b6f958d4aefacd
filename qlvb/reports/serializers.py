"""Report REST serializers (in the OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qlvb.core.api import NamedSerializer, ObjectId, choice_values, enum_field, named
from qlvb.reports.models import PeriodicReport, Recipient

KindField = enum_field("ReportKind", choice_values(PeriodicReport.Kind.choices), "week, quarter, half_year, year")
StatusField = enum_field("ReportStatus", choice_values(PeriodicReport.Status.choices), "draft, sent")
ScopeField = enum_field("ReportScope", choice_values(PeriodicReport.Scope.choices),
                        "unit (a unit's report), fields (a deputy director's report by field)")
RoleField = enum_field("ReportRecipientRole", choice_values(Recipient.Role.choices), "head, field_leader")




class PeriodicReportSerializer(serializers.ModelSerializer):
    kind = KindField(read_only=True)
    status = StatusField(read_only=True)
    scope = ScopeField(read_only=True)
    unit = serializers.SerializerMethodField()
    author = serializers.SerializerMethodField()
    work_fields = serializers.SerializerMethodField(help_text="A deputy director's report: the fields it covers.")
    sent_by = serializers.SerializerMethodField()

    class Meta:
        model = PeriodicReport
        fields = ["id", "scope", "kind", "period_start", "period_end", "status", "unit", "author", "work_fields",
                  "sent_at", "sent_by", "created_at", "updated_at"]

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_unit(self, report: PeriodicReport) -> dict[str, Any] | None:
        return named(report.unit)

    @extend_schema_field(NamedSerializer())
    def get_author(self, report: PeriodicReport) -> dict[str, Any] | None:
        return named(report.author)

    @extend_schema_field(NamedSerializer(many=True))
    def get_work_fields(self, report: PeriodicReport) -> list[dict[str, Any]]:
        return [{"id": f.pk, "name": f.name} for f in report.fields.all()]

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_sent_by(self, report: PeriodicReport) -> dict[str, Any] | None:
        return named(report.sent_by)


class ReportRecipientSerializer(serializers.ModelSerializer):
    person = serializers.SerializerMethodField()
    role = RoleField(read_only=True)

    class Meta:
        model = Recipient
        fields = ["person", "role", "read_at"]

    @extend_schema_field(NamedSerializer())
    def get_person(self, recipient: Recipient) -> dict[str, Any] | None:
        return named(recipient.person)


class ReportActionsSerializer(serializers.Serializer):
    edit = serializers.BooleanField()
    assemble = serializers.BooleanField()
    send = serializers.BooleanField()
    delete = serializers.BooleanField()


class PeriodicReportDetailSerializer(PeriodicReportSerializer):
    title = serializers.CharField(read_only=True)
    snapshot = serializers.JSONField(read_only=True, help_text=(
        "What the system gave at the last assembly, frozen once sent: `as_of`; `tasks` {counts {done, done_late, "
        "in_progress, late}, done, in_progress, late: [{id, title, owner, deadline, completed, progress, late}]}; "
        "`incoming` {counts {received, completed, completed_late, open, overdue}, overdue: [{id, reference, "
        "issuer, summary, deadline}]}; `outgoing` {counts {issued}, issued: [...]}; `programme` {available, counts, "
        "items}; for a deputy's report also `fields` and `units` (each unit's counts and its sent report's id)."))
    assembled_at = serializers.DateTimeField(read_only=True)
    results = serializers.CharField(read_only=True)
    shortcomings = serializers.CharField(read_only=True)
    proposals = serializers.CharField(read_only=True)
    next_plan = serializers.CharField(read_only=True)
    recipients = ReportRecipientSerializer(many=True, read_only=True)
    actions = ReportActionsSerializer(read_only=True)

    class Meta(PeriodicReportSerializer.Meta):
        fields = [*PeriodicReportSerializer.Meta.fields, "title", "snapshot", "assembled_at", "results", "shortcomings",
                  "proposals", "next_plan", "recipients", "actions"]


class PeriodicReportPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PeriodicReportSerializer(many=True)


class ReportListQuerySerializer(serializers.Serializer):
    mine = serializers.BooleanField(required=False, default=False,
                                    help_text="Only the reports the caller writes (his units', his own).")
    status = StatusField(required=False)


class NewPeriodicReportSerializer(serializers.Serializer):
    unit = ObjectId(required=False, allow_null=True,
                    help_text="The unit whose report it is (its head or deputy head). Leave out for a deputy "
                              "director's weekly report on his fields.")
    kind = KindField()
    day = serializers.DateField(help_text="Any day of the period: the week (Monday–Sunday), quarter, half year "
                                          "or year that holds it.")


class ReportSectionsSerializer(serializers.Serializer):
    results = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    shortcomings = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    proposals = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    next_plan = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class ReportReceivedSerializer(serializers.ModelSerializer):
    report = PeriodicReportSerializer(read_only=True)
    role = RoleField(read_only=True)

    class Meta:
        model = Recipient
        fields = ["report", "role", "read_at"]


class ReportReceivedPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReportReceivedSerializer(many=True)


class ReportOverviewQuerySerializer(serializers.Serializer):
    kind = KindField(required=False, default="week")
    day = serializers.DateField(required=False, help_text="A day of the period (default: today).")


class ReportOverviewRowSerializer(serializers.Serializer):
    unit = NamedSerializer(allow_null=True)
    deputy = NamedSerializer(allow_null=True)
    report = serializers.IntegerField(allow_null=True, help_text="The report's id, if one was made.")
    status = serializers.CharField(help_text="sent, draft or missing.")
    sent_at = serializers.DateTimeField(allow_null=True)


class ReportOverviewSerializer(serializers.Serializer):
    kind = KindField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like DRF's Field.label
    missing = serializers.IntegerField()
    units = ReportOverviewRowSerializer(many=True)
    deputies = ReportOverviewRowSerializer(many=True)

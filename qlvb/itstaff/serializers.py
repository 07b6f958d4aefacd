"""IT staff REST serializers (in the OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qlvb.core.api import NamedSerializer, ObjectId, choice_values, enum_field, named
from qlvb.itstaff.models import Certificate, Degree, Incident, Report, ReportTemplate, Staff, Training

DegreeField = enum_field("ItDegree", choice_values(Degree.choices),
                         "postgraduate, university, college, intermediate, other")
TrainingKindField = enum_field("ItTrainingKind", choice_values(Training.Kind.choices),
                               "training, or meeting of the Department")
PeriodField = enum_field("ItReportPeriod", choice_values(ReportTemplate.Period.choices), "h1 (six months), year")
ReportStatusField = enum_field("ItReportStatus", choice_values(Report.Status.choices),
                               "draft, submitted, returned, accepted")
RoundStateField = enum_field("ItRoundState", ["missing", "submitted", "returned", "accepted"],
                             "missing (nothing submitted), submitted, returned, accepted")
IncidentKindField = enum_field("ItIncidentKind", choice_values(Incident.Kind.choices),
                               "server, wan, line, security, other")


class CertificateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Certificate
        fields = ["id", "name", "issued_on", "expires_on"]


class TrainingSerializer(serializers.ModelSerializer):
    kind = TrainingKindField(read_only=True)
    class Meta:
        model = Training
        fields = ["id", "kind", "title", "held_on", "attended"]


class StaffSerializer(serializers.ModelSerializer):
    person = serializers.SerializerMethodField()
    agency = serializers.SerializerMethodField()
    degree = DegreeField(read_only=True)
    meets_standard = serializers.BooleanField(read_only=True)
    certificates = CertificateSerializer(many=True, read_only=True)

    class Meta:
        model = Staff
        fields = ["id", "agency", "person", "post_title", "degree", "field_of_study", "field_is_it",
                  "full_time_study", "assigned_on", "ended_on", "meets_standard", "certificates"]

    @extend_schema_field(NamedSerializer())
    def get_person(self, staff: Staff) -> dict[str, Any] | None:
        return named(staff.person)

    @extend_schema_field(NamedSerializer())
    def get_agency(self, staff: Staff) -> dict[str, Any] | None:
        return named(staff.agency)


class DecisionSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.CharField()


class StaffDetailSerializer(StaffSerializer):
    trainings = TrainingSerializer(many=True, read_only=True)
    decision = serializers.SerializerMethodField()

    class Meta(StaffSerializer.Meta):
        fields = [*StaffSerializer.Meta.fields, "trainings", "decision", "notes"]

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, staff: Staff) -> dict[str, str] | None:
        link = self.context.get("decision")
        return {"name": link[0], "url": link[1]} if link else None


class StaffInputSerializer(serializers.Serializer):
    person = ObjectId()
    degree = DegreeField()
    field_of_study = serializers.CharField(max_length=200, allow_blank=True)
    field_is_it = serializers.BooleanField(required=False, default=False)
    full_time_study = serializers.BooleanField(required=False, default=False)
    decision = serializers.RegexField(r"^(incoming|outgoing):\d{1,18}$", required=False, allow_null=True,
                                      default=None, help_text='The assignment decision, "outgoing:7" or "incoming:12".')
    assigned_on = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(max_length=20_000, required=False, default="", allow_blank=True)


class CertificateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    issued_on = serializers.DateField(allow_null=True)
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)


class TrainingInputSerializer(serializers.Serializer):
    kind = TrainingKindField()
    title = serializers.CharField(max_length=300, allow_blank=True)
    held_on = serializers.DateField(allow_null=True)
    attended = serializers.BooleanField(required=False, default=True)


class AgencyRowSerializer(serializers.Serializer):
    agency = NamedSerializer()
    staff = StaffSerializer(many=True)
    flagged = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why it falls below 004 Đ4–Đ5, Đ10.")
    meetings_missed = serializers.IntegerField()
    open_incidents = serializers.IntegerField()
    reports_overdue = serializers.IntegerField(help_text="Reporting rounds past their deadline without the "
                                                         "agency's report submitted.")


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named as Field's attribute


class TemplateSerializer(serializers.ModelSerializer):
    period = PeriodField(read_only=True)
    sections = SectionSerializer(many=True)

    class Meta:
        model = ReportTemplate
        fields = ["id", "title", "period", "year", "deadline", "sections", "published_at"]


class TemplateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300, allow_blank=True)
    period = PeriodField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    deadline = serializers.DateField()
    sections = serializers.ListField(child=serializers.CharField(max_length=300), max_length=50)


class ITReportSerializer(serializers.ModelSerializer):
    agency = serializers.SerializerMethodField()
    status = ReportStatusField(read_only=True)
    late = serializers.BooleanField(read_only=True)
    answers = serializers.DictField(child=serializers.CharField(allow_blank=True))

    class Meta:
        model = Report
        fields = ["id", "template", "agency", "status", "answers", "submitted_at", "resubmitted_at",
                  "returned_reason", "accepted_at", "late"]

    @extend_schema_field(NamedSerializer())
    def get_agency(self, report: Report) -> dict[str, Any] | None:
        return named(report.agency)


class ITReportInputSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=20_000),
                                    help_text="{section key: text}")
    submit = serializers.BooleanField(required=False, default=False, help_text="Submit it to the Department now.")


class ReturnInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class RoundRowSerializer(serializers.Serializer):
    agency = NamedSerializer()
    report = serializers.IntegerField(allow_null=True)
    state = RoundStateField()
    late = serializers.BooleanField()


class IncidentSerializer(serializers.ModelSerializer):
    kind = IncidentKindField(read_only=True)
    agency = serializers.SerializerMethodField()
    reported_by = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = ["id", "agency", "kind", "title", "occurred_at", "impact", "handling", "closed_at", "reported_by",
                  "reported_at"]

    @extend_schema_field(NamedSerializer())
    def get_agency(self, incident: Incident) -> dict[str, Any] | None:
        return named(incident.agency)

    @extend_schema_field(NamedSerializer())
    def get_reported_by(self, incident: Incident) -> dict[str, Any] | None:
        return named(incident.reported_by)


class IncidentPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = IncidentSerializer(many=True)


class IncidentInputSerializer(serializers.Serializer):
    kind = IncidentKindField()
    title = serializers.CharField(max_length=300, allow_blank=True)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    impact = serializers.CharField(max_length=20_000, required=False, default="", allow_blank=True)
    handling = serializers.CharField(max_length=20_000, required=False, default="", allow_blank=True)


class CloseInputSerializer(serializers.Serializer):
    handling = serializers.CharField(max_length=20_000, allow_blank=True)


class StatsQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="First day (default: 1 January), from 2000 to 2100")
    end = serializers.DateField(required=False, help_text="Last day (default: today), from 2000 to 2100")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name in ("start", "end"):
            if name in attrs and not 2000 <= attrs[name].year <= 2100:
                raise serializers.ValidationError({name: [_("Give a date from 2000 to 2100.")]})
        if "start" in attrs and "end" in attrs and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": [_("The last day cannot be before the first.")]})
        return attrs


class StatsRowSerializer(serializers.Serializer):
    agency = serializers.CharField()
    kinds = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()


class IncidentStatsSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    by_agency = StatsRowSerializer(many=True)
    by_kind = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()

"""REST API of the schedules: the entries of a range in the caller's own schedule, a unit's or
the agency's (published weeks, drafts too for the office and the leaders), and the caller's
personal entries created and changed. The same selectors and services as the pages: NotAllowed
is a 404, bad input a 400 with Vietnamese messages (in the caller's language)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core.api import ObjectId, caller, enum_field, invalid, pk_or_404, service_call, validated
from qlvb.org import permissions
from qlvb.org.http import signed_in
from qlvb.org.models import Person, Unit
from qlvb.schedules import selectors, services
from qlvb.schedules.models import Entry, Scope

NOT_FOUND = OpenApiResponse(description="No such entry (or schedule) visible to the caller, or the caller may not "
                                        "change it.")
BAD_INPUT = OpenApiResponse(description="Invalid input: `{field: [messages]}`; `non_field_errors` for the rest.")
MAX_DAYS = 92  # one request reads at most a quarter

EntryScopeField = enum_field("ScheduleEntryScopeEnum", [v for v, _l in Scope.choices],
                             "The schedule the entry belongs to.")


class SchedulePersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class ScheduleUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ScheduleEntrySerializer(serializers.ModelSerializer):
    scope = EntryScopeField(read_only=True)
    chair = SchedulePersonSerializer(read_only=True, allow_null=True)
    people = serializers.SerializerMethodField()
    units = serializers.SerializerMethodField()
    preparing_unit = ScheduleUnitSerializer(read_only=True, allow_null=True)
    published = serializers.SerializerMethodField(help_text="Its week (month) is published; null outside the "
                                                            "agency and reception schedules.")
    adjusted = serializers.SerializerMethodField(help_text="Changed after its schedule was published.")
    cancelled = serializers.SerializerMethodField()

    class Meta:
        model = Entry
        fields = ["id", "scope", "unit", "title", "place", "starts_at", "ends_at", "chair", "chair_text", "people",
                  "units", "guests", "preparing_unit", "documents", "notes", "published", "adjusted", "adjusted_at",
                  "cancelled", "cancelled_at", "source_incoming", "updated_at"]

    @extend_schema_field(SchedulePersonSerializer(many=True))
    def get_people(self, entry: Entry) -> list[dict[str, Any]]:
        return [{"id": a.person_id, "full_name": a.person.full_name} for a in entry.attendees.all()]

    @extend_schema_field(ScheduleUnitSerializer(many=True))
    def get_units(self, entry: Entry) -> list[dict[str, Any]]:
        return [{"id": u.pk, "name": u.name} for u in entry.units.all()]

    def get_published(self, entry: Entry) -> bool | None:
        return entry.period.is_published if entry.period is not None else None

    def get_adjusted(self, entry: Entry) -> bool:
        return entry.is_adjusted

    def get_cancelled(self, entry: Entry) -> bool:
        return entry.is_cancelled


class ScheduleEntryInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    chair = ObjectId(required=False, allow_null=True, default=None, help_text="A person of the agency.")
    chair_text = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    people = serializers.ListField(child=ObjectId(), required=False, default=list, max_length=200,
                                   help_text="People of the agency taking part (the caller is always in).")
    units = serializers.ListField(child=ObjectId(), required=False, default=list, max_length=100)
    guests = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    preparing_unit = ObjectId(required=False, allow_null=True, default=None)
    documents = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    notes = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def _day(request: Request, name: str, default: date) -> date:
    value = request.query_params.get(name)
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(name, "YYYY-MM-DD") from None


@extend_schema(
    methods=["GET"], summary="Schedule entries in a range", tags=["schedules"],
    parameters=[
        OpenApiParameter("schedule", str, enum=["me", "unit", "agency", "reception"],
                         description="me (default), unit, agency or reception."),
        OpenApiParameter("unit", int, description="The unit, for schedule=unit."),
        OpenApiParameter("start", date, description="First day (default: this week's Monday)."),
        OpenApiParameter("end", date, description=f"Last day (default: start + 6; at most {MAX_DAYS} days)."),
    ],
    responses={200: ScheduleEntrySerializer(many=True), 400: BAD_INPUT, 404: NOT_FOUND})
@extend_schema(methods=["POST"], summary="Add a personal entry to my schedule", tags=["schedules"],
               request=ScheduleEntryInputSerializer,
               responses={201: ScheduleEntrySerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET", "POST"])
def entry_list(request: Request) -> Response:
    person = signed_in(request.user)
    if request.method == "POST":
        return _create(request, person)
    start = _day(request, "start", selectors.week_start(timezone.localdate()))
    end = _day(request, "end", start + timedelta(days=6))
    if end < start or (end - start).days >= MAX_DAYS:
        raise invalid("end", f"0–{MAX_DAYS - 1} days after start")
    which = request.query_params.get("schedule") or "me"
    if which == "me":
        entries = selectors.personal_entries(person, start, end)
    elif which == "unit":
        unit = Unit.objects.filter(pk=pk_or_404(request.query_params.get("unit", ""))).first()
        if unit is None:
            raise NotFound()
        entries = selectors.unit_entries(person, unit, start, end)  # Http404: DRF answers 404
    elif which in ("agency", "reception"):
        if person.agency_id is None:
            raise NotFound()
        entries = selectors.agency_entries(person, person.agency_id, which, start, end)
    else:
        raise invalid("schedule", "me, unit, agency, reception")
    return Response(ScheduleEntrySerializer(list(entries), many=True).data)


def _resolve(person: Person, agency_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """Ids to the agency's people and units; an unknown or foreign one is a 400."""
    ids = set(data["people"]) | ({data["chair"]} if data["chair"] else set())
    people = {p.pk: p for p in Person.objects.filter(pk__in=sorted(ids))}
    unit_ids = set(data["units"]) | ({data["preparing_unit"]} if data["preparing_unit"] else set())
    units = {u.pk: u for u in Unit.objects.filter(pk__in=sorted(unit_ids), agency_id=agency_id)}
    for pk in ids:
        if pk not in people or agency_id not in permissions.member_agency_ids(people[pk]):
            raise invalid("people", f"{pk}")
    for pk in unit_ids:
        if pk not in units:
            raise invalid("units", f"{pk}")
    return {**data, "chair": people.get(data["chair"]) if data["chair"] else None,
            "people": [people[pk] for pk in data["people"]], "units": [units[pk] for pk in data["units"]],
            "preparing_unit": units.get(data["preparing_unit"]) if data["preparing_unit"] else None}


def _create(request: Request, person: Person) -> Response:
    agency = person.agency
    if agency is None:
        raise NotFound()
    data = _resolve(person, agency.pk, validated(ScheduleEntryInputSerializer, request))
    entry = service_call(lambda: services.save_entry(by=caller(request), agency=agency, scope=Scope.PERSONAL,
                                                     **data))
    return Response(ScheduleEntrySerializer(selectors.get_entry(person, entry.pk)).data,
                    status=status.HTTP_201_CREATED)


@extend_schema(methods=["GET"], summary="A schedule entry", tags=["schedules"],
               responses={200: ScheduleEntrySerializer, 404: NOT_FOUND})
@extend_schema(methods=["PUT"], summary="Change one of my personal entries", tags=["schedules"],
               request=ScheduleEntryInputSerializer,
               responses={200: ScheduleEntrySerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET", "PUT"])
def entry_detail(request: Request, pk: str) -> Response:
    person = signed_in(request.user)
    entry = selectors.get_entry(person, pk_or_404(pk))  # Http404: DRF answers 404
    if request.method == "PUT":
        if entry.scope != Scope.PERSONAL or not selectors.can_edit(person, entry):
            raise NotFound()
        data = _resolve(person, entry.agency_id, validated(ScheduleEntryInputSerializer, request))
        service_call(lambda: services.save_entry(by=caller(request), agency=entry.agency, scope=entry.scope,
                                                 entry=entry, **data))
        entry = selectors.get_entry(person, entry.pk)
    return Response(ScheduleEntrySerializer(entry).data)


# --- Reports back after an invitation (001 Đ16) -----------------------------------------------------


class ScheduleReportFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ScheduleReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = SchedulePersonSerializer(help_text="The attendee who reports.")
    filed_by = SchedulePersonSerializer(allow_null=True, help_text="Who typed it for the attendee (delegation).")
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    files = ScheduleReportFileSerializer(many=True, source="files.all")


class ScheduleReportInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, help_text="What the meeting concluded, and what falls to the "
                                                            "agency.")


@extend_schema(methods=["GET"], summary="The reports back on an entry made from an invitation", tags=["schedules"],
               operation_id="schedules_entry_reports_list",
               responses={200: ScheduleReportSerializer(many=True), 404: NOT_FOUND})
@extend_schema(methods=["POST"], summary="Report back after the meeting of an invitation (an attendee, once it "
                                         "has started)", tags=["schedules"],
               operation_id="schedules_entry_reports_create", request=ScheduleReportInputSerializer,
               responses={201: ScheduleReportSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET", "POST"])
def entry_reports(request: Request, pk: str) -> Response:
    person = signed_in(request.user)
    entry = selectors.get_entry(person, pk_or_404(pk))  # Http404: DRF answers 404
    if request.method == "POST":
        if not selectors.may_report(person, entry):
            raise NotFound()
        data = validated(ScheduleReportInputSerializer, request)
        report = service_call(lambda: services.file_report(by=caller(request), entry=entry, text=data["text"]))
        found = next(r for r in selectors.reports_of(entry) if r.pk == report.pk)
        return Response(ScheduleReportSerializer(found).data, status=status.HTTP_201_CREATED)
    return Response(ScheduleReportSerializer(selectors.reports_of(entry), many=True).data)

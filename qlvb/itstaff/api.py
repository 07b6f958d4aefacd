"""REST API of the IT staff registry, reports and incidents (seed 004): the same rules as the pages
(404 for what the caller may not see or do; 400 with Vietnamese messages, nothing saved)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core.api import caller, named, pk_or_404, service_call, validated
from qlvb.core.paging import ApiPagination
from qlvb.itstaff import rules, selectors, services
from qlvb.itstaff import serializers as s
from qlvb.itstaff.models import Report, ReportTemplate
from qlvb.org.http import signed_in
from qlvb.org.models import Agency, Person

NOT_FOUND = OpenApiResponse(description="Not visible to the caller, or the caller may not do this.")
BAD_INPUT = OpenApiResponse(description="Invalid input: `{field: [messages]}`; `non_field_errors` for the rest.")
TAGS = ["itstaff"]


def _agency(person: Person) -> Agency:
    agency = selectors.own_agency(person)
    if agency is None:
        raise NotFound()
    return agency


def _row(row: selectors.AgencyRow) -> dict[str, Any]:
    return {"agency": named(row.agency), "staff": s.StaffSerializer(row.staff, many=True).data,
            "flagged": row.flagged, "reasons": row.reasons, "meetings_missed": row.meetings_missed,
            "open_incidents": row.open_incidents, "reports_overdue": row.reports_overdue}


def _staff_detail(person: Person, pk: int) -> dict[str, Any]:
    staff = selectors.get_staff(person, pk)
    return dict(s.StaffDetailSerializer(staff, context={"decision": selectors.decision_link(person, staff)}).data)


@extend_schema(operation_id="v1_itstaff_department", summary="The Department's view of every agency", tags=TAGS,
               responses={200: s.AgencyRowSerializer(many=True), 404: NOT_FOUND})
@api_view(["GET"])
def department(request: Request) -> Response:
    """Every agency's IT staff, with those below the standard of 004 Đ4 flagged and why: for the
    Department's people only."""
    return Response([_row(r) for r in selectors.department_view(signed_in(request.user))])


@extend_schema(operation_id="v1_itstaff_agency", summary="An agency's IT staff registry", tags=TAGS,
               responses={200: s.AgencyRowSerializer, 404: NOT_FOUND})
@api_view(["GET"])
def agency_registry(request: Request, pk: str) -> Response:
    person = signed_in(request.user)
    agency = selectors.agency_or_404(person, pk_or_404(pk))
    return Response(_row(selectors.registry(person, agency)))


@extend_schema(operation_id="v1_itstaff_staff_create", summary="Register an IT staff member", tags=TAGS,
               request=s.StaffInputSerializer, responses={201: s.StaffDetailSerializer, 400: BAD_INPUT,
                                                           404: NOT_FOUND})
@api_view(["POST"])
def staff_create(request: Request) -> Response:
    """The caller's agency (its leaders and office) registers one of its people as IT staff."""
    person = signed_in(request.user)
    agency = _agency(person)
    data = validated(s.StaffInputSerializer, request)
    member = Person.objects.filter(pk=data.pop("person")).first()
    if member is None:
        raise NotFound()
    decision = data.pop("decision")
    staff = service_call(lambda: services.register_staff(
        by=caller(request), agency=agency, person=member,
        decision=(decision.split(":")[0], int(decision.split(":")[1])) if decision else None, **data))
    return Response(_staff_detail(person, staff.pk), status=201)


@extend_schema(operation_id="v1_itstaff_staff_retrieve", summary="One IT staff member", tags=TAGS,
               responses={200: s.StaffDetailSerializer, 404: NOT_FOUND})
@api_view(["GET"])
def staff_detail(request: Request, pk: str) -> Response:
    """With the assignment decision only if the caller may open it."""
    return Response(_staff_detail(signed_in(request.user), pk_or_404(pk)))


@extend_schema(operation_id="v1_itstaff_certificate_create", summary="Add a certificate", tags=TAGS,
               request=s.CertificateInputSerializer, responses={201: s.StaffDetailSerializer, 400: BAD_INPUT,
                                                                 404: NOT_FOUND})
@api_view(["POST"])
def certificate_create(request: Request, pk: str) -> Response:
    person = signed_in(request.user)
    staff = selectors.get_staff(person, pk_or_404(pk))
    data = validated(s.CertificateInputSerializer, request)
    service_call(lambda: services.add_certificate(by=caller(request), staff=staff, **data))
    return Response(_staff_detail(person, staff.pk), status=201)


@extend_schema(operation_id="v1_itstaff_training_create", summary="Record a training or a meeting", tags=TAGS,
               request=s.TrainingInputSerializer, responses={201: s.StaffDetailSerializer, 400: BAD_INPUT,
                                                              404: NOT_FOUND})
@api_view(["POST"])
def training_create(request: Request, pk: str) -> Response:
    """A training attended, or a meeting of the Department attended or missed (004 Đ6.1.e)."""
    person = signed_in(request.user)
    staff = selectors.get_staff(person, pk_or_404(pk))
    data = validated(s.TrainingInputSerializer, request)
    service_call(lambda: services.add_training(by=caller(request), staff=staff, **data))
    return Response(_staff_detail(person, staff.pk), status=201)


@extend_schema(methods=["GET"], operation_id="v1_itstaff_templates_list", summary="IT report templates", tags=TAGS,
               responses={200: s.TemplateSerializer(many=True), 404: NOT_FOUND})
@extend_schema(methods=["POST"], operation_id="v1_itstaff_templates_create", summary="Publish a report template",
               tags=TAGS, request=s.TemplateInputSerializer,
               responses={201: s.TemplateSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET", "POST"])
def templates(request: Request) -> Response:
    """GET: the rounds published (for the Department and every agency's leaders and office).
    POST: the Department's leaders and office publish one (six months or year, sections, deadline)."""
    person = signed_in(request.user)
    if request.method == "GET":
        if not (rules.is_department(person) or rules.managed_agency_ids(person)):
            raise NotFound()
        return Response(s.TemplateSerializer(selectors.templates()[:100], many=True).data)
    data = validated(s.TemplateInputSerializer, request)
    template = service_call(lambda: services.publish_template(by=caller(request), **data))
    return Response(s.TemplateSerializer(template).data, status=201)


@extend_schema(operation_id="v1_itstaff_round", summary="A round compiled for the province", tags=TAGS,
               responses={200: s.RoundRowSerializer(many=True), 404: NOT_FOUND})
@api_view(["GET"])
def round_rows(request: Request, pk: str) -> Response:
    """Every agency: submitted, returned, accepted or missing, and late (the Department only)."""
    person = signed_in(request.user)
    template = selectors.get_template(person, pk_or_404(pk))
    return Response([{"agency": named(r.agency), "report": r.report.pk if r.report else None, "state": r.state,
                      "late": r.late} for r in selectors.compiled(person, template)])


@extend_schema(methods=["GET"], operation_id="v1_itstaff_report_mine", summary="My agency's report of a round",
               tags=TAGS, responses={200: s.ITReportSerializer, 404: NOT_FOUND})
@extend_schema(methods=["PUT"], operation_id="v1_itstaff_report_write", summary="Write my agency's report",
               tags=TAGS, request=s.ITReportInputSerializer,
               responses={200: s.ITReportSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET", "PUT"])
def my_report(request: Request, pk: str) -> Response:
    """PUT: write the sections (while drafted or returned); `submit: true` sends it to the Department."""
    person = signed_in(request.user)
    template: ReportTemplate = selectors.get_template(person, pk_or_404(pk))
    agency = _agency(person)
    if request.method == "GET":
        report = Report.objects.filter(template=template, agency=agency).select_related("agency", "template").first()
        if report is None:
            raise NotFound()
        return Response(s.ITReportSerializer(report).data)
    data = validated(s.ITReportInputSerializer, request)

    def write() -> Report:
        from django.db import transaction

        with transaction.atomic():
            report = services.save_report(by=caller(request), template=template, agency=agency,
                                          answers=data["answers"])
            if data["submit"]:
                services.submit_report(by=caller(request), report=report)
        return report

    report = service_call(write)
    return Response(s.ITReportSerializer(selectors.get_report(person, report.pk)).data)


@extend_schema(operation_id="v1_itstaff_report_retrieve", summary="One IT report", tags=TAGS,
               responses={200: s.ITReportSerializer, 404: NOT_FOUND})
@api_view(["GET"])
def report_detail(request: Request, pk: str) -> Response:
    return Response(s.ITReportSerializer(selectors.get_report(signed_in(request.user), pk_or_404(pk))).data)


def _decide(request: Request, pk: str, action: str) -> Response:
    person = signed_in(request.user)
    report = selectors.get_report(person, pk_or_404(pk))
    if action == "return":
        data = validated(s.ReturnInputSerializer, request)
        service_call(lambda: services.return_report(by=caller(request), report=report, reason=data["reason"]))
    elif action == "accept":
        service_call(lambda: services.accept_report(by=caller(request), report=report))
    else:
        service_call(lambda: services.submit_report(by=caller(request), report=report))
    return Response(s.ITReportSerializer(selectors.get_report(person, report.pk)).data)


@extend_schema(operation_id="v1_itstaff_report_submit", summary="Submit (or resubmit) a report", tags=TAGS,
               request=None, responses={200: s.ITReportSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def report_submit(request: Request, pk: str) -> Response:
    return _decide(request, pk, "submit")


@extend_schema(operation_id="v1_itstaff_report_return", summary="Return a report for completion", tags=TAGS,
               request=s.ReturnInputSerializer, responses={200: s.ITReportSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def report_return(request: Request, pk: str) -> Response:
    return _decide(request, pk, "return")


@extend_schema(operation_id="v1_itstaff_report_accept", summary="Accept a report", tags=TAGS, request=None,
               responses={200: s.ITReportSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def report_accept(request: Request, pk: str) -> Response:
    return _decide(request, pk, "accept")


@extend_schema(methods=["GET"], operation_id="v1_itstaff_incidents_list", summary="IT incidents", tags=TAGS,
               responses={200: s.IncidentPageSerializer, 404: NOT_FOUND})
@extend_schema(methods=["POST"], operation_id="v1_itstaff_incidents_create", summary="Report an IT incident",
               tags=TAGS, request=s.IncidentInputSerializer,
               responses={201: s.IncidentSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET", "POST"])
def incidents(request: Request) -> Response:
    """GET: the incidents the caller may see (the Department: all), newest first, with `limit` and
    `offset`. POST: the caller's agency reports one; the time of occurrence is required."""
    person = signed_in(request.user)
    if request.method == "GET":
        if not (rules.is_department(person) or rules.managed_agency_ids(person)):
            raise NotFound()
        paginator = ApiPagination()
        rows = paginator.paginate_queryset(selectors.incidents_of(person), request)
        return paginator.get_paginated_response(s.IncidentSerializer(rows, many=True).data)
    agency = _agency(person)
    data = validated(s.IncidentInputSerializer, request)
    incident = service_call(lambda: services.report_incident(by=caller(request), agency=agency, **data))
    return Response(s.IncidentSerializer(selectors.get_incident(person, incident.pk)).data, status=201)


@extend_schema(operation_id="v1_itstaff_incident_retrieve", summary="One IT incident", tags=TAGS,
               responses={200: s.IncidentSerializer, 404: NOT_FOUND})
@api_view(["GET"])
def incident_detail(request: Request, pk: str) -> Response:
    return Response(s.IncidentSerializer(selectors.get_incident(signed_in(request.user), pk_or_404(pk))).data)


@extend_schema(operation_id="v1_itstaff_incident_close", summary="Close an IT incident", tags=TAGS,
               request=s.CloseInputSerializer, responses={200: s.IncidentSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def incident_close(request: Request, pk: str) -> Response:
    person = signed_in(request.user)
    incident = selectors.get_incident(person, pk_or_404(pk))
    data = validated(s.CloseInputSerializer, request)
    service_call(lambda: services.close_incident(by=caller(request), incident=incident, handling=data["handling"]))
    return Response(s.IncidentSerializer(selectors.get_incident(person, incident.pk)).data)


@extend_schema(operation_id="v1_itstaff_incident_stats", summary="IT incidents by agency and kind", tags=TAGS,
               parameters=[s.StatsQuerySerializer], responses={200: s.IncidentStatsSerializer, 400: BAD_INPUT,
                                                                404: NOT_FOUND})
@api_view(["GET"])
def incident_stats(request: Request) -> Response:
    """Incidents that occurred from `start` to `end` (whole days), by agency and kind."""
    person = signed_in(request.user)
    if not (rules.is_department(person) or rules.managed_agency_ids(person)):
        raise NotFound()
    query = s.StatsQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    today = timezone.localdate()
    first = query.validated_data.get("start") or today.replace(month=1, day=1)
    last = query.validated_data.get("end") or today
    tz = timezone.get_current_timezone()
    stats = selectors.incident_stats(person, datetime.combine(first, time.min, tz),
                                     datetime.combine(last + timedelta(days=1), time.min, tz))
    return Response({"start": stats.start, "end": stats.end, "by_kind": stats.by_kind, "total": stats.total,
                     "by_agency": [{"agency": n, "kinds": k, "total": t} for n, k, t in stats.by_agency]})

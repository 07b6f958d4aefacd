"""REST API of periodic reports (001 Đ15): the caller's and the readable reports, a new report
(assembled at once), one report with its snapshot and sections, editing the sections, assembling
again, sending, deleting a draft; the reports sent to the caller and the leaders' overview of a
period. The same rules as the pages: someone who may not see a report gets 404."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core.api import caller, invalid, pk_or_404, service_call, validated
from qlvb.core.paging import ApiPagination
from qlvb.org.http import signed_in
from qlvb.org.models import Agency, Unit
from qlvb.reports import rules, selectors, services
from qlvb.reports import serializers as s
from qlvb.reports.models import PeriodicReport

NOT_FOUND = OpenApiResponse(description="No such report visible to the caller, or the caller may not do this.")
BAD_INPUT = OpenApiResponse(description="Invalid input: `{field: [messages]}`; `non_field_errors` for the rest.")
TAGS = ["reports"]


def _report(request: Request, pk: Any) -> PeriodicReport:
    return selectors.get_report(signed_in(request.user), pk_or_404(pk))


def _detail(request: Request, report: PeriodicReport) -> dict[str, Any]:
    person = signed_in(request.user)
    report = selectors.get_report(person, report.pk)  # afresh, with what the detail shows
    editable = report.is_draft and rules.may_edit(person, report)
    data = dict(s.PeriodicReportSerializer(report).data)
    data.update({
        "title": selectors.title(report), "snapshot": report.snapshot, "assembled_at": report.assembled_at,
        "results": report.results, "shortcomings": report.shortcomings, "proposals": report.proposals,
        "next_plan": report.next_plan,
        "recipients": s.ReportRecipientSerializer(selectors.recipients_of(report), many=True).data,
        "actions": dict.fromkeys(("edit", "assemble", "send", "delete"), editable),
    })
    return data


@extend_schema(methods=["GET"], operation_id="v1_reports_list", summary="Reports I write or may read", tags=TAGS,
               parameters=[s.ReportListQuerySerializer],
               responses={200: s.PeriodicReportPageSerializer, 400: BAD_INPUT})
@extend_schema(methods=["POST"], operation_id="v1_reports_create", summary="Make a report (assembled at once)",
               tags=TAGS, request=s.NewPeriodicReportSerializer,
               responses={201: s.PeriodicReportDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET", "POST"])
def report_list(request: Request) -> Response:
    """GET: the reports the caller may open (`mine`: only those he writes), newest period first,
    paginated with `limit` and `offset`. POST: a unit's head makes the unit's report for the period
    holding `day`; a deputy director (no `unit`) his weekly report on his fields. It is assembled
    at once from the tasks, documents and programme items, as a draft."""
    person = signed_in(request.user)
    if request.method == "GET":
        query = s.ReportListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        reports = (selectors.mine(person) if query.validated_data["mine"]
                   else selectors.with_list_data(selectors.visible(person)))
        if query.validated_data.get("status"):
            reports = reports.filter(status=query.validated_data["status"])
        paginator = ApiPagination()
        rows = paginator.paginate_queryset(reports.order_by("-period_start", "kind", "id"), request)
        return paginator.get_paginated_response(s.PeriodicReportSerializer(rows, many=True).data)
    data = validated(s.NewPeriodicReportSerializer, request)
    if data.get("unit"):
        unit = Unit.objects.filter(pk=data["unit"]).first()
        if unit is None:
            raise NotFound()
        report = service_call(lambda: services.create_unit_report(by=caller(request), unit=unit, kind=data["kind"],
                                                                  day=data["day"]))
    else:
        report = service_call(lambda: services.create_deputy_report(by=caller(request), day=data["day"],
                                                                    kind=data["kind"]))
    return Response(_detail(request, report), status=201)


@extend_schema(methods=["GET"], operation_id="v1_reports_retrieve", summary="Get a report", tags=TAGS,
               responses={200: s.PeriodicReportDetailSerializer, 404: NOT_FOUND})
@extend_schema(methods=["PATCH"], operation_id="v1_reports_sections", summary="Write a draft's sections", tags=TAGS,
               request=s.ReportSectionsSerializer,
               responses={200: s.PeriodicReportDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@extend_schema(methods=["DELETE"], operation_id="v1_reports_delete", summary="Delete a draft", tags=TAGS,
               responses={204: None, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET", "PATCH", "DELETE"])
def report_detail(request: Request, pk: str) -> Response:
    """GET: the report with its snapshot (the figures and lists assembled from the system, frozen
    once sent), its sections, its recipients (and when each read it) and what the caller may do.
    A recipient's first GET marks it read. PATCH: the draft's sections (results, shortcomings,
    proposals, next_plan); a sent report is refused (400). DELETE: a draft only."""
    report = _report(request, pk)
    if request.method == "GET":
        services.mark_read(by=caller(request), report=report)
        return Response(_detail(request, report))
    if request.method == "DELETE":
        service_call(lambda: services.delete_draft(by=caller(request), report=report))
        return Response(status=204)
    data = validated(s.ReportSectionsSerializer, request)
    service_call(lambda: services.edit(by=caller(request), report=report, **data))
    return Response(_detail(request, report))


@extend_schema(operation_id="v1_reports_assemble", summary="Assemble a draft's figures again", tags=TAGS,
               request=None, responses={200: s.PeriodicReportDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def assemble(request: Request, pk: str) -> Response:
    report = _report(request, pk)
    service_call(lambda: services.assemble(by=caller(request), report=report))
    return Response(_detail(request, report))


@extend_schema(operation_id="v1_reports_send", summary="Send a draft to the leadership", tags=TAGS, request=None,
               responses={200: s.PeriodicReportDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def send(request: Request, pk: str) -> Response:
    """To the director and, for a unit's report, the leaders in charge of its fields (001 Đ15.2–3).
    The results must be written; from then on the report never changes."""
    report = _report(request, pk)
    service_call(lambda: services.send(by=caller(request), report=report))
    return Response(_detail(request, report))


@extend_schema(operation_id="v1_reports_received", summary="Reports sent to me", tags=TAGS,
               responses={200: s.ReportReceivedPageSerializer})
@api_view(["GET"])
def received(request: Request) -> Response:
    paginator = ApiPagination()
    rows = paginator.paginate_queryset(selectors.received(signed_in(request.user)), request)
    return paginator.get_paginated_response(s.ReportReceivedSerializer(rows, many=True).data)


def _row(row: selectors.OverviewRow) -> dict[str, Any]:
    report = row.report
    return {"unit": {"id": row.unit.pk, "name": row.unit.name} if row.unit else None,
            "deputy": {"id": row.deputy.pk, "name": row.deputy.full_name} if row.deputy else None,
            "report": report.pk if report else None,
            "status": "missing" if report is None else report.status, "sent_at": report.sent_at if report else None}


@extend_schema(operation_id="v1_reports_overview", summary="Who has reported in a period", tags=TAGS,
               parameters=[s.ReportOverviewQuerySerializer],
               responses={200: s.ReportOverviewSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET"])
def overview(request: Request) -> Response:
    """For the leaders and the office: each reporting unit's report of the period (and, for a
    week, each deputy director's): sent, a draft, or missing."""
    person = signed_in(request.user)
    query = s.ReportOverviewQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    ids = rules.overseer_agency_ids(person)
    agency = Agency.objects.filter(pk=person.agency_id if person.agency_id in ids else min(ids, default=0)).first()
    if agency is None:
        raise NotFound()
    kind = query.validated_data["kind"]
    if kind not in PeriodicReport.Kind.values:
        raise invalid("kind", _("Choose the kind of report."))
    found = selectors.overview(person, agency, kind, query.validated_data.get("day") or timezone.localdate())
    return Response({"kind": found.kind, "period_start": found.start, "period_end": found.end, "label": found.label,
                     "missing": found.missing, "units": [_row(r) for r in found.units],
                     "deputies": [_row(r) for r in found.deputies]})

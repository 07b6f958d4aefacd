"""REST API of leave and overtime: my requests (and asking), one request, deciding and cancelling
it, the approvals waiting for me, my balance, the office's register, overtime. Someone who may
not see a request gets 404, like a page."""

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
from qlvb.leave import rules, selectors, services
from qlvb.leave import serializers as s
from qlvb.leave.models import LeaveRequest
from qlvb.org.http import signed_in
from qlvb.org.models import Person

NOT_FOUND = OpenApiResponse(description="No such request visible to the caller, or the caller may not do this.")
BAD_INPUT = OpenApiResponse(description="Invalid input: `{field: [messages]}`; `non_field_errors` for the rest.")
TAGS = ["leave"]


def _leave(request: Request, pk: Any) -> LeaveRequest:
    return selectors.get_request(signed_in(request.user), pk_or_404(pk))


def _cover(pk: int | None) -> Person | None:
    """The colleague named by id (None: nobody); an unknown id is refused like one of another agency."""
    if pk is None:
        return None
    person = Person.objects.filter(pk=pk).first()
    if person is None:
        raise invalid("cover", _("The colleague must hold a post in force in this agency."))
    return person


def _page(request: Request, rows: Any, serializer: Any) -> Response:
    paginator = ApiPagination()
    page: Any = paginator.paginate_queryset(rows, request)
    return paginator.get_paginated_response(serializer(page, many=True).data)


@extend_schema(methods=["GET"], operation_id="v1_leave_list", summary="My leave requests", tags=TAGS,
               responses={200: s.LeavePageSerializer})
@extend_schema(methods=["POST"], operation_id="v1_leave_create", summary="Ask for leave", tags=TAGS,
               request=s.LeaveInputSerializer, responses={201: s.LeaveSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET", "POST"])
def leave_list(request: Request) -> Response:
    """GET: the caller's requests, newest first (`limit`, `offset`). POST: a request, sent to the
    approver the agency's rules name (001 Đ18); refused with 400 (nothing saved) when it ends before
    it starts, overlaps another, exceeds the annual balance, has less notice than required without
    an emergency reason, or comes from a leader without a delegation in force for the period."""
    person = signed_in(request.user)
    if request.method == "GET":
        return _page(request, selectors.my_requests(person).select_related("person", "decided_by", "cover"),
                     s.LeaveSerializer)
    data = validated(s.LeaveInputSerializer, request)
    data["cover"] = _cover(data.get("cover"))
    leave = service_call(lambda: services.request_leave(by=caller(request), **data))
    return Response(s.LeaveSerializer(_leave(request, leave.pk)).data, status=201)


@extend_schema(operation_id="v1_leave_retrieve", summary="Get a leave request", tags=TAGS,
               responses={200: s.LeaveSerializer, 404: NOT_FOUND})
@api_view(["GET"])
def leave_detail(request: Request, pk: str) -> Response:
    """For the person, the approver and the agency's office only (404 for anyone else)."""
    return Response(s.LeaveSerializer(_leave(request, pk)).data)


@extend_schema(operation_id="v1_leave_decide", summary="Approve or refuse a leave request", tags=TAGS,
               request=s.DecisionInputSerializer, responses={200: s.LeaveSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def decide(request: Request, pk: str) -> Response:
    """The approver named on the request; a refusal needs its reason (`note`)."""
    leave = _leave(request, pk)
    data = validated(s.DecisionInputSerializer, request)
    action = services.approve if data["approve"] else services.refuse
    service_call(lambda: action(by=caller(request), leave=leave, note=data["note"]))
    return Response(s.LeaveSerializer(_leave(request, pk)).data)


@extend_schema(operation_id="v1_leave_cancel", summary="Cancel my leave request", tags=TAGS, request=None,
               responses={200: s.LeaveSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def cancel(request: Request, pk: str) -> Response:
    leave = _leave(request, pk)
    service_call(lambda: services.cancel(by=caller(request), leave=leave))
    return Response(s.LeaveSerializer(_leave(request, pk)).data)


@extend_schema(operation_id="v1_leave_cover", summary="Name the colleague who holds the tasks during the leave",
               tags=TAGS, request=s.CoverInputSerializer, responses={200: s.LeaveSerializer, 400: BAD_INPUT,
                                                                      404: NOT_FOUND})
@api_view(["POST"])
def cover(request: Request, pk: str) -> Response:
    """The person, the approver or the office, while the request is in force and not over: the
    colleague (of the agency, active, not the person, not away on the same days) takes the person's
    open tasks from the first day and gives back what is still open the day after the last; null
    removes him (what he holds goes back at once). 400 with nothing changed for a bad colleague."""
    leave = _leave(request, pk)
    chosen = _cover(validated(s.CoverInputSerializer, request)["cover"])
    service_call(lambda: services.set_cover(by=caller(request), leave=leave, cover=chosen))
    return Response(s.LeaveSerializer(_leave(request, pk)).data)


@extend_schema(operation_id="v1_leave_approvals", summary="Leave requests waiting for my approval", tags=TAGS,
               responses={200: s.LeavePageSerializer})
@api_view(["GET"])
def approvals(request: Request) -> Response:
    person = signed_in(request.user)
    return _page(request, selectors.waiting_for(person).select_related("approver", "decided_by", "cover"),
                 s.LeaveSerializer)


@extend_schema(operation_id="v1_leave_balance", summary="My annual leave balance", tags=TAGS,
               parameters=[s.YearQuerySerializer], responses={200: s.BalanceSerializer, 400: BAD_INPUT})
@api_view(["GET"])
def balance(request: Request) -> Response:
    """Entitlement (12 days + 1 per 5 years of service) + carried over − taken; `available` also
    deducts what waits for approval."""
    person = signed_in(request.user)
    query = s.YearQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    b = selectors.balance(person, query.validated_data.get("year") or timezone.localdate().year)
    return Response({"year": b.year, "started_on": b.started_on, "entitlement": b.entitlement, "carried": b.carried,
                     "taken": b.taken, "pending": b.pending, "remaining": b.remaining, "available": b.available})


@extend_schema(operation_id="v1_leave_register", summary="The office's leave register", tags=TAGS,
               parameters=[s.YearQuerySerializer], responses={200: s.LeavePageSerializer, 400: BAD_INPUT,
                                                              404: NOT_FOUND})
@api_view(["GET"])
def register(request: Request) -> Response:
    """The leave granted or announced in the year (or month), for the agency's office and leaders."""
    person = signed_in(request.user)
    if person.agency_id is None or not rules.may_keep(person, person.agency_id):
        raise NotFound()
    query = s.YearQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    rows = selectors.register(person.agency_id, query.validated_data.get("year") or timezone.localdate().year,
                              query.validated_data.get("month")).select_related("approver", "cover")
    return _page(request, rows, s.LeaveSerializer)


@extend_schema(methods=["GET"], operation_id="v1_overtime_list", summary="Overtime of a month", tags=TAGS,
               parameters=[s.YearQuerySerializer], responses={200: s.OvertimeSerializer(many=True), 400: BAD_INPUT})
@extend_schema(methods=["POST"], operation_id="v1_overtime_create", summary="Declare overtime", tags=TAGS,
               request=s.OvertimeInputSerializer, responses={201: s.OvertimeSerializer, 400: BAD_INPUT,
                                                             404: NOT_FOUND})
@api_view(["GET", "POST"])
def overtime(request: Request) -> Response:
    """GET: the month's declarations (the caller's own; the office and leaders: the agency's).
    POST: declare work outside office hours or at the weekend to the Chánh Văn phòng (001 Đ19.1)."""
    person = signed_in(request.user)
    if person.agency_id is None:
        raise NotFound()
    if request.method == "POST":
        data = validated(s.OvertimeInputSerializer, request)
        row = service_call(lambda: services.declare_overtime(by=caller(request), **data))
        return Response(s.OvertimeSerializer(row).data, status=201)
    query = s.YearQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    today = timezone.localdate()
    keeps = rules.may_keep(person, person.agency_id)
    rows = selectors.overtime(person.agency_id, query.validated_data.get("year") or today.year,
                              query.validated_data.get("month") or today.month, None if keeps else person.pk)
    return Response(s.OvertimeSerializer(rows[:1000], many=True).data)


RULE_FIELDS = ("unit_head_max_days", "field_leader_max_days", "notice_days", "base_days", "carry_years")


@extend_schema(methods=["GET"], operation_id="v1_leave_rules_retrieve", summary="The agency's leave rules", tags=TAGS,
               responses={200: s.RulesSerializer, 404: NOT_FOUND})
@extend_schema(methods=["PUT"], operation_id="v1_leave_rules_update", summary="Change the agency's leave rules",
               tags=TAGS, request=s.RulesSerializer, responses={200: s.RulesSerializer, 400: BAD_INPUT,
                                                                 404: NOT_FOUND})
@api_view(["GET", "PUT"])
def agency_rules(request: Request) -> Response:
    """The caller's agency's rules, for its leaders and administrators (404 for anyone else). PUT
    replaces them all; a unit head may not grant more than the deputy in charge (400, nothing saved)."""
    person = signed_in(request.user)
    agency_id = person.agency_id
    if agency_id is None or not rules.may_set_rules(person, agency_id):
        raise NotFound()
    if request.method == "PUT":
        data = validated(s.RulesSerializer, request)
        service_call(lambda: services.set_rules(by=caller(request), agency_id=agency_id, **data))
    row = rules.rules_for(agency_id)
    return Response(s.RulesSerializer({name: getattr(row, name) for name in RULE_FIELDS}).data)

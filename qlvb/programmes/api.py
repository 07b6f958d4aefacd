"""REST API of work programmes: the caller's programmes, one programme with its items and their
status, the items (an adjustment with its reason once approved), submit / approve / return, tasks
from items, reviews, and the leader's view of the fields he is in charge of. What the caller may
not see answers 404, like what does not exist."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core.api import caller, pk_or_404, service_call, validated
from qlvb.core.paging import ApiPagination
from qlvb.org.http import signed_in
from qlvb.org.models import Field, Person, Unit
from qlvb.programmes import selectors, services
from qlvb.programmes import serializers as s
from qlvb.programmes.models import Item, Programme

NOT_FOUND = OpenApiResponse(description="No such programme visible to the caller, or the caller may not do this.")
BAD_INPUT = OpenApiResponse(description="Invalid input: `{field: [messages]}`; `non_field_errors` for the rest.")
TAG = ["programmes"]


def _programme(request: Request, pk: Any) -> Programme:
    return selectors.get_programme(signed_in(request.user), pk_or_404(pk))


def _detail(request: Request, programme: Programme) -> dict[str, Any]:
    person = signed_in(request.user)
    d = selectors.detail(programme)
    data = dict(s.ProgrammeSerializer(programme).data)
    data.update({"items": s.ProgrammeItemRowSerializer(d.rows, many=True).data, "counts": d.counts,
                 "adjustments": s.ProgrammeAdjustmentSerializer(d.adjustments, many=True).data,
                 "actions": selectors.actions(person, programme)})
    return data


def _item_values(programme: Programme, data: dict[str, Any]) -> dict[str, Any]:
    agency_id = programme.agency_id
    return {
        "title": data["title"], "product": data["product"], "starts": data.get("starts"), "due": data.get("due"),
        "nature": data["nature"],
        "responsible_unit": Unit.objects.filter(pk=data.get("responsible_unit") or 0, agency_id=agency_id).first(),
        "responsible_person": Person.objects.filter(pk=data.get("responsible_person") or 0).first(),
        "coordinating_units": list(Unit.objects.filter(pk__in=data["coordinating_units"], agency_id=agency_id)),
        "field": Field.objects.filter(pk=data.get("field") or 0, agency_id=agency_id).first(),
    }


@extend_schema(methods=["GET"], operation_id="v1_programmes_list", summary="My work programmes", tags=TAG,
               parameters=[s.ProgrammeListQuerySerializer], responses={200: s.ProgrammePageSerializer, 400: BAD_INPUT})
@extend_schema(methods=["POST"], operation_id="v1_programmes_create", summary="Create a work programme", tags=TAG,
               request=s.ProgrammeCreateSerializer,
               responses={201: s.ProgrammeDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET", "POST"])
def programme_list(request: Request) -> Response:
    """GET: `tab` mine, unit, agency or waiting (for the caller's approval), of a `year`. POST: a
    draft programme of the agency (its office, its leaders), of a unit (its head, the leaders) or
    of the caller himself, for a year, a half (`number` 1–2), a quarter (1–4), a month (1–12) or
    the week of `week_of`."""
    person = signed_in(request.user)
    if request.method == "GET":
        query = s.ProgrammeListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        paginator = ApiPagination()
        rows = paginator.paginate_queryset(
            selectors.programme_list(person, query.validated_data["tab"], query.validated_data.get("year")), request)
        return paginator.get_paginated_response(s.ProgrammeSerializer(rows, many=True).data)
    data = validated(s.ProgrammeCreateSerializer, request)
    agency = person.agency
    if agency is None:
        raise NotFound()
    unit = Unit.objects.filter(pk=data.get("owner_unit") or 0, agency=agency).first()
    programme = service_call(lambda: services.create(
        by=caller(request), agency=agency, scope=data["scope"], period=data["period"], year=data.get("year"),
        number=data.get("number"), week_of=data.get("week_of"), owner_unit=unit, title=data["title"]))
    return Response(_detail(request, programme), status=201)


@extend_schema(operation_id="v1_programmes_retrieve", summary="Get a work programme", tags=TAG,
               responses={200: s.ProgrammeDetailSerializer, 404: NOT_FOUND})
@api_view(["GET"])
def programme_detail(request: Request, pk: str) -> Response:
    """The programme with its items, each with its status from its tasks, the counts, the
    adjustments and what the caller may do."""
    return Response(_detail(request, _programme(request, pk)))


@extend_schema(operation_id="v1_programmes_items_create", summary="Add an item to a programme", tags=TAG,
               request=s.ProgrammeItemInputSerializer,
               responses={201: s.ProgrammeDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def item_add(request: Request, pk: str) -> Response:
    """The responsible unit is required (400, nothing saved, otherwise); once the programme is
    approved the `reason` is required too: the addition is an adjustment."""
    programme = _programme(request, pk)
    data = validated(s.ProgrammeItemInputSerializer, request)
    service_call(lambda: services.add_item(by=caller(request), programme=programme, reason=data["reason"],
                                           **_item_values(programme, data)))
    return Response(_detail(request, _programme(request, pk)), status=201)


def _item(programme: Programme, item_pk: str) -> Item:
    try:
        return selectors.get_item(programme, pk_or_404(item_pk))
    except Http404:
        raise NotFound() from None


@extend_schema(operation_id="v1_programmes_items_update", summary="Change (adjust) a programme item", tags=TAG,
               request=s.ProgrammeItemInputSerializer,
               responses={200: s.ProgrammeDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def item_update(request: Request, pk: str, item_pk: str) -> Response:
    programme = _programme(request, pk)
    item = _item(programme, item_pk)
    data = validated(s.ProgrammeItemInputSerializer, request)
    service_call(lambda: services.update_item(by=caller(request), item=item, reason=data["reason"],
                                              **_item_values(programme, data)))
    return Response(_detail(request, _programme(request, pk)))


@extend_schema(operation_id="v1_programmes_items_withdraw", summary="Withdraw a programme item", tags=TAG,
               request=s.ProgrammeReasonSerializer,
               responses={200: s.ProgrammeDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def item_withdraw(request: Request, pk: str, item_pk: str) -> Response:
    programme = _programme(request, pk)
    item = _item(programme, item_pk)
    data = validated(s.ProgrammeReasonSerializer, request)
    service_call(lambda: services.withdraw_item(by=caller(request), item=item, reason=data["reason"]))
    return Response(_detail(request, _programme(request, pk)))


def _decision(verb: str, summary: str) -> Any:
    @extend_schema(operation_id=f"v1_programmes_{verb}", summary=summary, tags=TAG, request=s.ProgrammeNoteSerializer,
                   responses={200: s.ProgrammeDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
    @api_view(["POST"])
    def view(request: Request, pk: str) -> Response:
        programme = _programme(request, pk)
        data = validated(s.ProgrammeNoteSerializer, request)
        by = caller(request)
        if verb == "submit":
            service_call(lambda: services.submit(by=by, programme=programme))
        elif verb == "approve":
            service_call(lambda: services.approve(by=by, programme=programme, note=data["note"]))
        else:
            service_call(lambda: services.send_back(by=by, programme=programme, note=data["note"]))
        return Response(_detail(request, _programme(request, pk)))

    return view


submit = _decision("submit", "Submit a programme for approval")
approve = _decision("approve", "Approve a submitted programme")
send_back = _decision("return", "Return a submitted programme with a note")


@extend_schema(operation_id="v1_programmes_tasks_create", summary="Make tasks of programme items", tags=TAG,
               request=s.ProgrammeMakeTasksSerializer,
               responses={201: s.ProgrammeTasksMadeSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def make_tasks(request: Request, pk: str) -> Response:
    """Tasks from the approved programme's items: the responsible person (or unit) owns each,
    the coordinating units coordinate, the due date is the deadline."""
    programme = _programme(request, pk)
    data = validated(s.ProgrammeMakeTasksSerializer, request)
    items = list(Item.objects.filter(programme=programme, pk__in=data["items"])
                 .select_related("responsible_unit", "responsible_person").prefetch_related("coordinating_units"))
    made = service_call(lambda: services.make_tasks(by=caller(request), programme=programme, items=items))
    return Response({"tasks": [t.pk for t in made]}, status=201)


@extend_schema(operation_id="v1_programmes_reviews_create", summary="Review a programme (sơ kết, tổng kết)",
               tags=TAG, request=s.ProgrammeReviewInputSerializer,
               responses={201: s.ProgrammeReviewSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def review(request: Request, pk: str) -> Response:
    programme = _programme(request, pk)
    data = validated(s.ProgrammeReviewInputSerializer, request)
    proposals = [_item_values(programme, p) for p in data["proposals"]]
    record = service_call(lambda: services.review(by=caller(request), programme=programme, starts=data.get("starts"),
                                                  ends=data.get("ends"), assessment=data["assessment"],
                                                  proposals=proposals))
    return Response(s.ProgrammeReviewSerializer(record).data, status=201)


@extend_schema(operation_id="v1_programmes_fields", summary="Programme items of the fields I am in charge of",
               tags=TAG, parameters=[s.ProgrammeFieldsQuerySerializer],
               responses={200: s.ProgrammeFieldGroupSerializer(many=True), 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET"])
def fields(request: Request) -> Response:
    """By field and responsible unit, with the counts (000 Đ11.2); this quarter unless `start` and
    `end` are given. A leader may name any `field` of his agency."""
    person = signed_in(request.user)
    query = s.ProgrammeFieldsQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    led, allowed = selectors.fields_of(person)
    if not allowed:
        raise NotFound()
    wanted = set(query.validated_data["field"])
    chosen = [f for f in allowed if f.pk in wanted] or led or allowed
    start, end = selectors.quarter_of(timezone.localdate())
    data = query.validated_data
    groups = selectors.field_view(chosen, data.get("start", start), data.get("end", end))
    return Response(s.ProgrammeFieldGroupSerializer(groups, many=True).data)

"""REST API of hand-overs (000 Đ4.1.d): the agency's past hand-overs, one record, a person's open
work by provider (preview) and the hand-over itself. Who may not: 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core import handover
from qlvb.core.api import caller, invalid, named, pk_or_404, service_call, validated
from qlvb.core.paging import ApiPagination
from qlvb.handover import selectors, services
from qlvb.handover import serializers as s
from qlvb.handover.models import HandOver
from qlvb.org.http import signed_in
from qlvb.org.models import Person

NOT_FOUND = OpenApiResponse(description="No such person or record visible to the caller, or the caller may not.")
BAD_INPUT = OpenApiResponse(description="Invalid input: `{field: [messages]}`; `non_field_errors` for the rest.")
TAGS = ["handovers"]


@extend_schema(operation_id="v1_handovers_list", summary="Past hand-overs of my agency", tags=TAGS,
               responses={200: s.HandOverPageSerializer, 404: NOT_FOUND})
@api_view(["GET"])
def hand_over_list(request: Request) -> Response:
    """The agency's hand-overs, newest first (leaders and administrators; a unit head: his units'),
    paginated with `limit` and `offset`."""
    person = signed_in(request.user)
    if person.agency_id is None:
        raise NotFound()
    try:
        rows = selectors.hand_overs(person, person.agency_id)
    except Http404 as error:
        raise NotFound() from error
    paginator = ApiPagination()
    page = paginator.paginate_queryset(rows, request)
    return paginator.get_paginated_response(s.HandOverSerializer(page, many=True).data)


@extend_schema(operation_id="v1_handovers_retrieve", summary="Get a hand-over record", tags=TAGS,
               responses={200: s.HandOverSerializer, 404: NOT_FOUND})
@api_view(["GET"])
def hand_over_detail(request: Request, pk: str) -> Response:
    person = signed_in(request.user)
    record = HandOver.objects.select_related("person", "successor", "by").filter(pk=pk_or_404(pk)).first()
    if record is None or not selectors.may_see(person, record):
        raise NotFound()
    return Response(s.HandOverSerializer(record).data)


def _subject(request: Request, pk: str) -> tuple[Person, Any]:
    viewer = signed_in(request.user)
    subject = Person.objects.select_related("agency").filter(pk=pk_or_404(pk)).first()
    if subject is None or subject.agency is None:
        raise NotFound()
    try:
        return selectors.person_for(viewer, subject.pk, subject.agency.pk), subject.agency
    except Http404 as error:
        raise NotFound() from error


@extend_schema(methods=["GET"], operation_id="v1_handovers_preview", summary="A person's open work", tags=TAGS,
               responses={200: s.PreviewSerializer, 404: NOT_FOUND})
@extend_schema(methods=["POST"], operation_id="v1_handovers_create", summary="Hand over a person's open work",
               tags=TAGS, request=s.HandOverInputSerializer,
               responses={201: s.HandOverSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET", "POST"])
def person_work(request: Request, pk: str) -> Response:
    """GET: what the person holds open in his agency, by provider (counts and the first items).
    POST: hand it all over in one transaction to `successor` (or per provider in `successors`);
    a successor of another agency, the person himself or one without a post in force: 400,
    nothing changed."""
    subject, agency = _subject(request, pk)
    if request.method == "GET":
        work = selectors.open_work(subject, agency.pk)
        return Response({"person": named(subject), "agency": agency.pk, "total": sum(w.count for w in work),
                         "work": [{"name": w.name, "title": str(w.label), "count": w.count,
                                   "sample": [{"title": i.label, "url": i.url, "detail": i.detail} for i in w.sample]}
                                  for w in work]})
    data = validated(s.HandOverInputSerializer, request)
    names = {p.name for p in handover.providers()}
    unknown = sorted(set(data["successors"]) - names)
    if unknown:
        raise invalid("successors", _("Unknown kind of work: %(names)s.") % {"names": ", ".join(unknown)})
    ids = {data["successor"], *data["successors"].values()}
    people = {p.pk: p for p in Person.objects.filter(pk__in=sorted(ids))}
    if len(people) != len(ids):
        raise invalid("successor", _("The successor must hold a post in force in this agency."))
    record = service_call(lambda: services.hand_over(
        by=caller(request), person=subject, agency=agency, successor=people[data["successor"]],
        per_provider={name: people[pk] for name, pk in data["successors"].items()}, note=data["note"]))
    return Response(s.HandOverSerializer(record).data, status=201)

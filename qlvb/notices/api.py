"""REST API of internal notices: the caller's lists, one notice (with the links the caller may
open), publishing one, marking it read, and who has read it (the sender and the office)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core.api import caller, invalid, named, pk_or_404, service_call, validated
from qlvb.core.paging import ApiPagination
from qlvb.notices import rules, selectors, services
from qlvb.notices import serializers as s
from qlvb.notices.models import Notice
from qlvb.org.http import signed_in
from qlvb.org.models import Person, Position, Unit

NOT_FOUND = OpenApiResponse(description="No such notice visible to the caller, or the caller may not do this.")
BAD_INPUT = OpenApiResponse(description="Invalid input: `{field: [messages]}`; `non_field_errors` for the rest.")
TAGS = ["notices"]


def _notice(request: Request, pk: Any) -> Notice:
    return selectors.get_notice(signed_in(request.user), pk_or_404(pk))


def _detail(request: Request, notice: Notice) -> dict[str, Any]:
    person = signed_in(request.user)
    d = selectors.detail(person, notice)
    data = dict(s.NoticeSerializer(notice).data)
    data["is_read"] = d.read_at is not None
    data.update({
        "body": notice.body,
        "audience": {"everyone": notice.to_everyone,
                     "units": [named(a.unit) for a in d.audience if a.unit_id],
                     "positions": [named(a.position) for a in d.audience if a.position_id],
                     "people": [named(a.person) for a in d.audience if a.person_id]},
        "links": [{"kind": link.kind, "document_id": link.document_id, "name": link.name, "url": url}
                  for link, url in d.links],
        "hidden_links": d.hidden_links,
        "files": [{"id": f.pk, "name": f.name, "url": reverse("notices:file", args=[notice.pk, f.pk, "download"])}
                  for f in d.files],
        "read_at": d.read_at,
    })
    return data


def _many(model: Any, ids: list[int], field: str, message: str) -> list[Any]:
    found = list(model.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise invalid(field, message)
    return found


@extend_schema(methods=["GET"], operation_id="v1_notices_list", summary="My notices", tags=TAGS,
               parameters=[s.NoticeListQuerySerializer], responses={200: s.NoticePageSerializer, 400: BAD_INPUT})
@extend_schema(methods=["POST"], operation_id="v1_notices_create", summary="Publish a notice", tags=TAGS,
               request=s.NoticeInputSerializer, responses={201: s.NoticeDetailSerializer, 400: BAD_INPUT,
                                                           404: NOT_FOUND})
@api_view(["GET", "POST"])
def notice_list(request: Request) -> Response:
    """GET: one of the caller's lists (`mine`, `unread`, `sent`), paginated with `limit` and
    `offset`. POST: the leaders and the office publish to the agency (or its units, positions,
    people); a unit head to his unit only. A notice to nobody is refused (400), nothing saved."""
    person = signed_in(request.user)
    if request.method == "GET":
        query = s.NoticeListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        paginator = ApiPagination()
        rows = paginator.paginate_queryset(selectors.notice_list(person, query.validated_data["list"]), request)
        return paginator.get_paginated_response(s.NoticeSerializer(rows, many=True).data)
    agency = person.agency
    if agency is None or not rules.may_send(person, agency.pk):
        raise NotFound()
    data = validated(s.NoticeInputSerializer, request)
    units = _many(Unit, data["units"], "units", _("Only units of the agency can be addressed."))
    positions = _many(Position, data["positions"], "positions", _("Only positions of the agency can be addressed."))
    people = _many(Person, data["people"], "people", _("Choose people of the agency."))
    links = [(value.split(":")[0], int(value.split(":")[1])) for value in data["links"]]
    notice = service_call(lambda: services.publish(
        by=caller(request), agency=agency, title=data["title"], body=data["body"], to_everyone=data["to_everyone"],
        units=units, positions=positions, people=people, pinned=data["pinned"], expires_on=data["expires_on"],
        links=links))
    return Response(_detail(request, _notice(request, notice.pk)), status=201)


@extend_schema(operation_id="v1_notices_retrieve", summary="Get a notice", tags=TAGS,
               responses={200: s.NoticeDetailSerializer, 404: NOT_FOUND})
@api_view(["GET"])
def notice_detail(request: Request, pk: str) -> Response:
    """The notice, its audience, the links the caller may open, its files. Reading it through the
    API does not mark it read: POST `read/` does."""
    return Response(_detail(request, _notice(request, pk)))


@extend_schema(operation_id="v1_notices_read", summary="Mark a notice read", tags=TAGS, request=None,
               responses={200: s.NoticeDetailSerializer, 404: NOT_FOUND})
@api_view(["POST"])
def mark_read(request: Request, pk: str) -> Response:
    notice = _notice(request, pk)
    service_call(lambda: services.mark_read(by=caller(request), notice=notice))
    return Response(_detail(request, notice))


@extend_schema(operation_id="v1_notices_receipts", summary="Who has read a notice", tags=TAGS,
               responses={200: s.NoticeReceiptsSerializer, 404: NOT_FOUND})
@api_view(["GET"])
def receipts(request: Request, pk: str) -> Response:
    """The addressees who have read it (with when) and those who have not: for its sender and the
    agency's office and leaders (404 for anyone else)."""
    person = signed_in(request.user)
    notice = _notice(request, pk)
    if not rules.may_see_receipts(person, notice):
        raise NotFound()
    r = selectors.receipts(notice)
    return Response({"read_count": r.read_count, "unread_count": r.unread_count, "total": r.total,
                     "read": [{"person": named(p), "read_at": at} for p, at in r.read],
                     "unread": [named(p) for p in r.unread]})

"""REST API of the disclosure register (002 Đ20–Đ21): the register (filtered), recording a
disclosure, one disclosure, and the register's export for inspection. For the agency's office and
leaders only (404 for anyone else)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core.api import caller, pk_or_404, service_call, validated
from qlvb.core.paging import ApiPagination
from qlvb.disclosures import rules, selectors, services, views
from qlvb.disclosures import serializers as s
from qlvb.org.http import signed_in
from qlvb.org.models import Person

NOT_FOUND = OpenApiResponse(description="No such disclosure visible to the caller, or the caller may not do this.")
BAD_INPUT = OpenApiResponse(description="Invalid input: `{field: [messages]}`; `non_field_errors` for the rest.")
TAGS = ["disclosures"]


def _keeper(request: Request) -> Person:
    person = signed_in(request.user)
    if not rules.may_keep(person, person.agency_id):
        raise NotFound()
    return person


def _filters(request: Request, serializer: Any = s.DisclosureQuerySerializer) -> tuple[selectors.Filters, dict]:
    query = serializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    return selectors.Filters(category=data.get("category") or "", state=data.get("state") or "",
                             since=data.get("since"), until=data.get("until")), data


@extend_schema(methods=["GET"], operation_id="v1_disclosures_list", summary="The disclosure register", tags=TAGS,
               parameters=[s.DisclosureQuerySerializer],
               responses={200: s.DisclosurePageSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@extend_schema(methods=["POST"], operation_id="v1_disclosures_create", summary="Record a disclosure", tags=TAGS,
               request=s.DisclosureInputSerializer,
               responses={201: s.DisclosureSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET", "POST"])
def disclosure_list(request: Request) -> Response:
    """GET: the register, filtered by `category`, `state`, and the date of issue or receipt
    (`since`, `until`). POST: a matter to disclose from its source document; the deadline is
    computed on the agency's calendar; a secret document is refused (400), nothing saved."""
    person = _keeper(request)
    if request.method == "GET":
        filters, _data = _filters(request)
        paginator = ApiPagination()
        rows = paginator.paginate_queryset(selectors.register(person, filters), request)
        return paginator.get_paginated_response(s.DisclosureSerializer(rows, many=True).data)
    agency = person.agency
    if agency is None:
        raise NotFound()
    data = validated(s.DisclosureInputSerializer, request)
    disclosure = service_call(lambda: services.create(by=caller(request), agency=agency, **data),
                              rename={"source": "source_id"})
    return Response(s.DisclosureSerializer(selectors.get_disclosure(person, disclosure.pk)).data, status=201)


@extend_schema(operation_id="v1_disclosures_retrieve", summary="Get a disclosure", tags=TAGS,
               responses={200: s.DisclosureSerializer, 404: NOT_FOUND})
@api_view(["GET"])
def disclosure_detail(request: Request, pk: str) -> Response:
    person = _keeper(request)
    return Response(s.DisclosureSerializer(selectors.get_disclosure(person, pk_or_404(pk))).data)


@extend_schema(operation_id="v1_disclosures_export", summary="Export the register for inspection", tags=TAGS,
               parameters=[s.DisclosureExportQuerySerializer],
               responses={(200, "text/csv"): OpenApiTypes.BINARY,
                          (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                              OpenApiTypes.BINARY, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET"])
def export(request: Request) -> Any:
    """The register (filtered as the list) as CSV or XLSX (`output`; DRF keeps `format` for itself)."""
    person = _keeper(request)
    filters, data = _filters(request, s.DisclosureExportQuerySerializer)
    return views.export(selectors.register(person, filters)[:50_000], data.get("output") or "xlsx")

"""REST API of the statistics (R28, R29; 003 Đ13–Đ15, Đ18): a statistic with its trend and its
breakdown, the list behind any of its figures, the drafts waiting, a person's compliance figures,
and the scopes the caller may open. Every endpoint reads its parameters as the pages do
(params.read, scopes.resolve, periods.from_params), so an answer equals the page's figures: a
scope the caller may not open is 404, a period written wrongly 400 with the reason in Vietnamese."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core.api import invalid, named
from qlvb.core.http import no_store
from qlvb.core.paging import ApiPagination
from qlvb.org.http import signed_in
from qlvb.org.models import Person
from qlvb.statistics import params, periods, scopes, selectors
from qlvb.statistics import serializers as s
from qlvb.statistics.models import Item

NOT_FOUND = OpenApiResponse(description="A scope the caller may not open (another agency, a colleague's figures, "
                                        "figures by person without leading them), or a value no statistic has.")
BAD_INPUT = OpenApiResponse(description="Invalid input: `{field: [messages]}` (in Vietnamese); a period written "
                                        "wrongly is reported under `period`.")
TAGS = ["statistics"]


def _checked(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The query parameters' form (400); what they mean is read by the statistics' own modules."""
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def _period_error(error: DjangoValidationError) -> serializers.ValidationError:
    return invalid("period", " ".join(error.messages))


def _asked(request: Request, serializer_class: type[serializers.Serializer], today: date) -> params.Asked:
    _checked(serializer_class, request)
    try:
        return params.read(signed_in(request.user), request.query_params, today=today)  # Http404 → 404
    except DjangoValidationError as error:
        raise _period_error(error) from error


def _oldest_first(pair: tuple[str, dict[str, Any]]) -> tuple[bool, str]:
    oldest = pair[1]["oldest"]
    return oldest is None, oldest.isoformat() if oldest else ""


def _paged(request: Request, rows: Any, serializer_class: type[serializers.Serializer]) -> tuple[Response, bool]:
    """A page of statistics rows, and whether it shows a secret document (sent with no-store, R7)."""
    paginator = ApiPagination()
    page: list[Item] = paginator.paginate_queryset(rows, request) or []
    return paginator.get_paginated_response(serializer_class(page, many=True).data), any(i.secret for i in page)


@extend_schema(summary="A statistic: figures by outcome, their trend and breakdown", tags=TAGS,
               parameters=[s.StatisticQuerySerializer],
               responses={200: s.StatisticsFiguresSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET"])
def figures(request: Request) -> Response:
    """The work of a scope in a period (default: the caller's dashboard, this month, incoming
    documents received): `totals` by outcome (total, done on time, done late, pending, overdue, on
    working-day deadlines), `previous` the same for the period before, and with `by` one row per
    value of that dimension. Secret documents count only for a caller who may open them. The list
    behind each figure is `items/` with the same parameters and `outcome`."""
    person = signed_in(request.user)
    today = timezone.localdate()
    asked = _asked(request, s.StatisticQuerySerializer, today)
    query = asked.query
    before = query.period.previous()
    rows = selectors.by(person, query, asked.by, today) if asked.by else []
    return Response({
        "scope": s.scope_data(query.scope), "period": s.period_data(query.period), "kind": query.kind,
        "basis": query.basis, "by": asked.by, "filters": query.filters, "leads_people": asked.leads_people,
        "totals": selectors.totals(person, query, today), "previous_period": s.period_data(before),
        "previous": selectors.totals(person, replace(query, period=before), today),
        "rows": [{"key": None if row.key is None else str(row.key), "label": row.label, **row.counts}
                 for row in rows]})


@extend_schema(summary="The list behind a figure", tags=TAGS, parameters=[s.ItemsQuerySerializer],
               responses={200: s.StatisticsItemPageSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET"])
def items(request: Request) -> Response:
    """The documents, reviews or tasks counted by one figure of `figures/` (the same parameters,
    and `outcome`), newest first, paginated with `limit` and `offset`: `count` equals the figure."""
    person = signed_in(request.user)
    today = timezone.localdate()
    asked = _asked(request, s.ItemsQuerySerializer, today)
    rows = selectors.items(person, asked.query, asked.outcome, today)
    response, secret = _paged(request, rows, s.StatisticsItemSerializer)
    return no_store(response, secret)


@extend_schema(summary="Drafts waiting: where each one waits and since when", tags=TAGS,
               parameters=[s.DraftsQuerySerializer],
               responses={200: s.StatisticsDraftPageSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET"])
def drafts(request: Request) -> Response:
    """The outgoing documents of a scope not yet issued (003 Đ13, Đ15.1), longest waiting first:
    their status, the person holding each (the drafter, the reviewer in hand, the signer) and
    since when; `by_status` counts them by status with the oldest wait. Paginated with `limit`
    and `offset`."""
    person = signed_in(request.user)
    _checked(s.DraftsQuerySerializer, request)
    scope = scopes.resolve(person, request.query_params)  # Http404 → 404
    waiting = sorted(selectors.waiting_by_status(person, scope).items(), key=_oldest_first)
    response, secret = _paged(request, selectors.waiting_drafts(person, scope), s.StatisticsDraftSerializer)
    response.data = {"scope": s.scope_data(scope),
                     "by_status": [{"status": status, "count": row["n"], "oldest": row["oldest"],
                                    "newest": row["newest"]} for status, row in waiting],
                     **response.data}
    return no_store(response, secret)


@extend_schema(summary="A person's compliance figures (003 Đ18)", tags=TAGS, parameters=[s.ComplianceQuerySerializer],
               responses={200: s.StatisticsComplianceSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET"])
def compliance(request: Request) -> Response:
    """How a person used the system in a period (default: the caller, this month), as their
    evaluation counts it: incoming documents handled, reviews and tasks by outcome with the rate
    done on time among those due, and the working days with a log-in. Visible to the person and
    their leaders, never to colleagues (404)."""
    person = signed_in(request.user)
    data = _checked(s.ComplianceQuerySerializer, request)
    asked = {"scope": "person", "person": str(data.get("person") or person.pk)}
    if data.get("agency"):
        asked["agency"] = str(data["agency"])
    scope = scopes.resolve(person, asked)  # Http404 → 404
    today = timezone.localdate()
    try:
        period = periods.from_params(request.query_params, today)
    except DjangoValidationError as error:
        raise _period_error(error) from error
    found = selectors.compliance(person, scope, period, today)
    return Response({
        "scope": s.scope_data(scope), "period": s.period_data(period),
        "handled": found.handled, "handled_rate": found.handled_rate, "reviews": found.reviews,
        "review_rate": found.review_rate, "tasks": found.tasks, "task_rate": found.task_rate,
        "login_days": found.login_days, "working_days": found.working_days, "login_rate": found.login_rate})


@extend_schema(summary="The statistics the caller may open", tags=TAGS, responses=s.StatisticsScopesSerializer)
@api_view(["GET"])
def scope_list(request: Request) -> Response:
    """Each agency where the caller may open statistics (two posts: two agencies, home first), the
    levels open there (`scope` of the other endpoints, with `agency`) and the one the caller's
    dashboard opens on: a client builds its menu from it."""
    person = signed_in(request.user)
    return Response({"agencies": [_agency_scopes(person, agency.pk, named(agency))
                                  for agency in scopes.agencies_of(person)]})


def _agency_scopes(person: Person, agency_id: int, agency: Any) -> dict[str, Any]:
    return {"agency": agency, "levels": scopes.levels_open_to(person, agency_id),
            "default": scopes.default_level(person, agency_id)}

"""REST API of consultations: the caller's lists, one consultation with what the caller may do,
preparing one with its questions (and opening it), answering, closing, the compiled results
(organisers; participants once published) and their publication; requests to meet the director."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.consultations import rules, selectors, services
from qlvb.consultations import serializers as s
from qlvb.consultations.models import Consultation, MeetingRequest
from qlvb.core.api import caller, named, pk_or_404, service_call, validated
from qlvb.core.paging import ApiPagination
from qlvb.org.http import signed_in
from qlvb.org.models import Unit

NOT_FOUND = OpenApiResponse(description="No such consultation visible to the caller, or the caller may not do this.")
BAD_INPUT = OpenApiResponse(description="Invalid input: `{field: [messages]}`; `non_field_errors` for the rest.")
TAGS = ["consultations"]


def _consultation(request: Request, pk: Any) -> Consultation:
    return selectors.get_consultation(signed_in(request.user), pk_or_404(pk))


def _detail(request: Request, consultation: Consultation) -> dict[str, Any]:
    person = signed_in(request.user)
    d = selectors.detail(person, consultation)
    data = dict(s.ConsultationSerializer(consultation).data)
    document = None
    if d.document is not None:
        doc, url = d.document
        document = {"kind": consultation.document_kind, "id": doc.pk, "title": str(doc)[:300], "url": url}
    data.update({
        "units": [named(u) for u in d.units], "document": document,
        "questions": s.QuestionSerializer(d.questions, many=True).data, "answered": d.answered,
        "participants": d.participants, "answers": d.answers,
        "actions": selectors.actions(person, consultation, d),
    })
    return data


@extend_schema(methods=["GET"], operation_id="v1_consultations_list", summary="My consultations", tags=TAGS,
               parameters=[s.ConsultationListQuerySerializer],
               responses={200: s.ConsultationPageSerializer, 400: BAD_INPUT})
@extend_schema(methods=["POST"], operation_id="v1_consultations_create", summary="Prepare a consultation",
               tags=TAGS, request=s.ConsultationInputSerializer,
               responses={201: s.ConsultationDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET", "POST"])
def consultation_list(request: Request) -> Response:
    """GET: one of the caller's lists (`to_answer`, `open`, `closed`, `mine`), paginated with
    `limit` and `offset`. POST: a leader or the office (everyone, or units), or a unit head (his
    units) prepares a consultation with its questions; closing before opening is refused (400),
    nothing saved; `open: true` opens it at once."""
    person = signed_in(request.user)
    if request.method == "GET":
        query = s.ConsultationListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        paginator = ApiPagination()
        rows = paginator.paginate_queryset(selectors.consultation_list(person, query.validated_data["list"]), request)
        return paginator.get_paginated_response(s.ConsultationSerializer(rows, many=True).data)
    data = validated(s.ConsultationInputSerializer, request)
    agency = person.agency
    if agency is None:
        raise NotFound()
    by = caller(request)

    def act() -> Consultation:
        with transaction.atomic():
            consultation = services.create(
                by=by, agency=agency, title=data["title"], subject=data["subject"], topic=data["topic"],
                description=data["description"], opens_on=data["opens_on"], closes_on=data["closes_on"],
                everyone=data["everyone"], units=list(Unit.objects.filter(pk__in=data["units"])),
                anonymous=data["anonymous"], document_kind=data["document_kind"], document_id=data["document_id"],
                lets_choose=data["lets_choose"])
            for question in data["questions"]:
                services.add_question(by=by, consultation=consultation, kind=question["kind"], text=question["text"],
                                      options=question["options"], required=question["required"])
            if data["open"]:
                consultation = services.open_consultation(by=by, consultation=consultation)
        return consultation

    consultation = service_call(act)
    return Response(_detail(request, _consultation(request, consultation.pk)), status=201)


@extend_schema(operation_id="v1_consultations_retrieve", summary="Get a consultation", tags=TAGS,
               responses={200: s.ConsultationDetailSerializer, 404: NOT_FOUND})
@api_view(["GET"])
def consultation_detail(request: Request, pk: str) -> Response:
    """The consultation, its questions, the document consulted on (only if the caller may see it),
    whether the caller answered, and what the caller may do."""
    return Response(_detail(request, _consultation(request, pk)))


@extend_schema(operation_id="v1_consultations_questions_create", summary="Add a question", tags=TAGS,
               request=s.QuestionInputSerializer,
               responses={201: s.ConsultationDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def add_question(request: Request, pk: str) -> Response:
    person = signed_in(request.user)
    consultation = _consultation(request, pk)
    if not rules.may_manage(person, consultation):
        raise NotFound()
    data = validated(s.QuestionInputSerializer, request)
    service_call(lambda: services.add_question(by=caller(request), consultation=consultation, kind=data["kind"],
                                               text=data["text"], options=data["options"],
                                               required=data["required"]))
    return Response(_detail(request, _consultation(request, pk)), status=201)


def _step(request: Request, pk: str, action: Any) -> Response:
    consultation = _consultation(request, pk)
    service_call(lambda: action(by=caller(request), consultation=consultation))
    return Response(_detail(request, _consultation(request, pk)))


@extend_schema(operation_id="v1_consultations_open", summary="Open a consultation", tags=TAGS, request=None,
               responses={200: s.ConsultationDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def open_consultation(request: Request, pk: str) -> Response:
    """The people consulted see it and are told."""
    return _step(request, pk, services.open_consultation)


@extend_schema(operation_id="v1_consultations_close", summary="Close a consultation now", tags=TAGS, request=None,
               responses={200: s.ConsultationDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def close(request: Request, pk: str) -> Response:
    return _step(request, pk, services.close)


@extend_schema(operation_id="v1_consultations_publish", summary="Publish the results", tags=TAGS, request=None,
               responses={200: s.ConsultationDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def publish(request: Request, pk: str) -> Response:
    """After the closing: the people consulted see the results, and the event
    `consultation.results_published` has the disclosures register record them (002 Đ20.8)."""
    return _step(request, pk, services.publish_results)


@extend_schema(operation_id="v1_consultations_answer", summary="Answer a consultation", tags=TAGS,
               request=s.AnswerInputSerializer,
               responses={201: s.AnswerResultSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def answer(request: Request, pk: str) -> Response:
    """Once, between the opening and the closing dates, as oneself. Anonymous: no response id is
    given back — nothing, anywhere, links the answer to the caller."""
    consultation = _consultation(request, pk)
    data = validated(s.AnswerInputSerializer, request)
    answers = {str(k): v for k, v in data["answers"].items()}
    response = service_call(lambda: services.answer(by=caller(request), consultation=consultation, answers=answers,
                                                    anonymously=data["anonymously"]))
    return Response({"anonymous": response is None, "response": str(response.pk) if response else None}, status=201)


@extend_schema(operation_id="v1_consultations_results", summary="Compiled results", tags=TAGS,
               responses={200: s.ResultsSerializer, 404: NOT_FOUND})
@api_view(["GET"])
def results(request: Request, pk: str) -> Response:
    """Counts per choice, agree/disagree per article with the comments, the opinions listed (with
    their authors only when the consultation is named). Organisers; participants once published."""
    consultation = _consultation(request, pk)
    if not rules.may_see_results(signed_in(request.user), consultation):
        raise NotFound()
    return Response(s.results_data(selectors.results(consultation)))


# --- Requests to meet the director ---------------------------------------------------------------

@extend_schema(methods=["GET"], operation_id="v1_consultations_meeting_requests_list",
               summary="Requests to meet the director", tags=TAGS, parameters=[s.MeetingRequestListQuerySerializer],
               responses={200: s.MeetingRequestPageSerializer, 400: BAD_INPUT})
@extend_schema(methods=["POST"], operation_id="v1_consultations_meeting_requests_create",
               summary="Ask to meet the director", tags=TAGS, request=s.MeetingRequestInputSerializer,
               responses={201: s.MeetingRequestSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET", "POST"])
def meeting_requests(request: Request) -> Response:
    """GET `list=mine` (default) or `to_answer` (the director, his deputies, the office). POST: ask
    to meet the director with a subject and a reason (002 Đ7)."""
    person = signed_in(request.user)
    if request.method == "GET":
        query = s.MeetingRequestListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows_qs = (selectors.my_requests(person) if query.validated_data["list"] == "mine"
                   else selectors.requests_to_answer(person))
        paginator = ApiPagination()
        rows = paginator.paginate_queryset(rows_qs.select_related("requester", "answered_by"), request)
        return paginator.get_paginated_response(s.MeetingRequestSerializer(rows, many=True).data)
    data = validated(s.MeetingRequestInputSerializer, request)
    agency = person.agency
    if agency is None:
        raise NotFound()
    found = service_call(lambda: services.request_meeting(by=caller(request), agency=agency,
                                                          subject=data["subject"], reason=data["reason"]))
    return Response(s.MeetingRequestSerializer(found).data, status=201)


def _request(request: Request, pk: Any) -> MeetingRequest:
    return selectors.get_request(signed_in(request.user), pk_or_404(pk))


@extend_schema(methods=["GET"], operation_id="v1_consultations_meeting_requests_retrieve",
               summary="Get a request to meet the director", tags=TAGS,
               responses={200: s.MeetingRequestSerializer, 404: NOT_FOUND})
@api_view(["GET"])
def meeting_request(request: Request, pk: str) -> Response:
    return Response(s.MeetingRequestSerializer(_request(request, pk)).data)


@extend_schema(operation_id="v1_consultations_meeting_requests_answer", summary="Answer a request with a time",
               tags=TAGS, request=s.MeetingRequestAnswerSerializer,
               responses={200: s.MeetingRequestSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def answer_meeting_request(request: Request, pk: str) -> Response:
    """The director or the office arranges a time (`meets_at`, `place`), or declines (`decline`,
    with a `note`); the requester is told."""
    found = _request(request, pk)
    if not rules.may_answer_requests(signed_in(request.user), found.agency_id):
        raise NotFound()
    data = validated(s.MeetingRequestAnswerSerializer, request)
    answered = service_call(lambda: services.answer_meeting_request(
        by=caller(request), request=found, meets_at=data["meets_at"], place=data["place"], note=data["note"],
        decline=data["decline"]))
    return Response(s.MeetingRequestSerializer(answered).data)

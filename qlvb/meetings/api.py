"""REST API of meetings: the caller's lists, one meeting with everything the caller may see of it,
preparing one (and sending its invitations), answering an invitation, the minutes (drafted,
submitted, approved), the conclusions (added, published) and turning them into tasks."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core.api import caller, invalid, named, pk_or_404, service_call, validated
from qlvb.core.paging import ApiPagination
from qlvb.meetings import rules, selectors, services
from qlvb.meetings import serializers as s
from qlvb.meetings.models import Meeting
from qlvb.org.http import signed_in
from qlvb.org.models import Person, Unit

NOT_FOUND = OpenApiResponse(description="No such meeting visible to the caller, or the caller may not do this.")
BAD_INPUT = OpenApiResponse(description="Invalid input: `{field: [messages]}`; `non_field_errors` for the rest.")
TAGS = ["meetings"]


def _meeting(request: Request, pk: Any) -> Meeting:
    return selectors.get_meeting(signed_in(request.user), pk_or_404(pk))


def _detail(request: Request, meeting: Meeting) -> dict[str, Any]:
    person = signed_in(request.user)
    d = selectors.detail(person, meeting)
    can = selectors.actions(person, meeting, d)
    data = dict(s.MeetingSerializer(meeting).data)
    people = {p.pk: p for p in d.expected}
    data.update({
        "invitees": [{"id": i.pk, "person": named(i.person), "unit": named(i.unit), "answer": i.answer,
                      "note": i.note, "substitute": named(i.substitute)} for i in d.invitees],
        "agenda": s.MeetingAgendaItemSerializer(d.agenda, many=True).data,
        "documents": [{"id": doc.pk, "kind": doc.kind, "document_id": doc.document_id, "name": doc.name, "url": url}
                      for doc, url in d.documents],
        "attendance": [{"person": named(people.get(pk)) or {"id": pk, "name": ""}, "status": row.status}
                       for pk, row in d.attendance.items()],
        "minutes": None if d.minutes is None else {
            "body": d.minutes.body, "status": d.minutes.status, "drafted_by": named(d.minutes.drafted_by),
            "approved_by": named(d.minutes.approved_by), "approved_at": d.minutes.approved_at,
            "return_note": d.minutes.return_note},
        "conclusions": [{"id": r.conclusion.pk, "order": r.conclusion.order, "text": r.conclusion.text,
                         "owner_person": named(r.conclusion.owner_person),
                         "owner_unit": named(r.conclusion.owner_unit), "deadline": r.conclusion.deadline,
                         "tasks": [{"id": t.pk, "status": t.status, "progress": t.progress, "deadline": t.deadline}
                                   for t in r.tasks]} for r in d.conclusions],
        "actions": {**{k: bool(v) for k, v in can.items() if k != "answer"}, "answer": [i.pk for i in can["answer"]]},
    })
    return data


def _person_or_error(pk: int | None, field: str) -> Person | None:
    if not pk:
        return None
    found = Person.objects.filter(pk=pk).first()
    if found is None:
        raise invalid(field, _("The person must be of this agency."))
    return found


@extend_schema(methods=["GET"], operation_id="v1_meetings_list", summary="My meetings", tags=TAGS,
               parameters=[s.MeetingListQuerySerializer], responses={200: s.MeetingPageSerializer, 400: BAD_INPUT})
@extend_schema(methods=["POST"], operation_id="v1_meetings_create", summary="Prepare a meeting", tags=TAGS,
               request=s.MeetingInputSerializer,
               responses={201: s.MeetingDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET", "POST"])
def meeting_list(request: Request) -> Response:
    """GET: one of the caller's lists (`upcoming`, `past`, `to_answer`), paginated with `limit`
    and `offset`. POST: the office, a leader or a unit head prepares a meeting; a meeting without
    a chair is refused (400), nothing saved; `invite: true` sends the invitations at once."""
    person = signed_in(request.user)
    if request.method == "GET":
        query = s.MeetingListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        paginator = ApiPagination()
        rows = paginator.paginate_queryset(selectors.meeting_list(person, query.validated_data["list"]), request)
        return paginator.get_paginated_response(s.MeetingSerializer(rows, many=True).data)
    data = validated(s.MeetingInputSerializer, request)
    agency = person.agency
    if agency is None:
        raise NotFound()
    by = caller(request)

    def act() -> Meeting:
        with transaction.atomic():
            meeting = services.create(
                by=by, agency=agency, kind=data["kind"], title=data["title"], starts_at=data["starts_at"],
                ends_at=data["ends_at"], place=data["place"], chair=_person_or_error(data.get("chair"), "chair"),
                secretary=_person_or_error(data.get("secretary"), "secretary"),
                organising_unit=Unit.objects.filter(pk=data.get("organising_unit") or 0).first(),
                people=list(Person.objects.filter(pk__in=data["people"])),
                units=list(Unit.objects.filter(pk__in=data["units"])))
            if data["invite"]:
                services.invite(by=by, meeting=meeting)
        return meeting

    meeting = service_call(act)
    return Response(_detail(request, _meeting(request, meeting.pk)), status=201)


@extend_schema(operation_id="v1_meetings_retrieve", summary="Get a meeting", tags=TAGS,
               responses={200: s.MeetingDetailSerializer, 404: NOT_FOUND})
@api_view(["GET"])
def meeting_detail(request: Request, pk: str) -> Response:
    """The meeting with its invitees and answers, agenda, the documents the caller may see,
    attendance, minutes, conclusions with their tasks' status, and what the caller may do."""
    return Response(_detail(request, _meeting(request, pk)))


@extend_schema(operation_id="v1_meetings_invite", summary="Send the invitations", tags=TAGS, request=None,
               responses={200: s.MeetingDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def invite(request: Request, pk: str) -> Response:
    meeting = _meeting(request, pk)
    service_call(lambda: services.invite(by=caller(request), meeting=meeting))
    return Response(_detail(request, _meeting(request, pk)))


@extend_schema(operation_id="v1_meetings_answer", summary="Answer an invitation", tags=TAGS,
               request=s.MeetingAnswerInputSerializer,
               responses={200: s.MeetingDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def answer(request: Request, pk: str) -> Response:
    """The invitee (for a unit, its head) will attend, cannot (with a note), or sends a substitute."""
    person = signed_in(request.user)
    meeting = _meeting(request, pk)
    data = validated(s.MeetingAnswerInputSerializer, request)
    mine = rules.invitees_to_answer(person, meeting)
    wanted = data.get("invitee")
    invitee = next((i for i in mine if (i.pk == wanted if wanted else i.person_id == person.pk)), None)
    if invitee is None:
        raise NotFound()
    substitute = _person_or_error(data.get("substitute"), "substitute")
    service_call(lambda: services.answer(by=caller(request), invitee=invitee, answer=data["answer"],
                                         note=data["note"], substitute=substitute))
    return Response(_detail(request, _meeting(request, pk)))


@extend_schema(operation_id="v1_meetings_minutes", summary="Draft, submit, approve or return the minutes",
               tags=TAGS, request=s.MeetingMinutesInputSerializer,
               responses={200: s.MeetingDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def minutes(request: Request, pk: str) -> Response:
    """`save` or `submit` (the secretary, with `body`); `approve` or `return` (the chair, a
    return with its `note`). Approved minutes are frozen."""
    meeting = _meeting(request, pk)
    data = validated(s.MeetingMinutesInputSerializer, request)
    by = caller(request)
    if data["action"] in ("save", "submit"):
        service_call(lambda: services.save_minutes(by=by, meeting=meeting, body=data["body"],
                                                   submit=data["action"] == "submit"))
    else:
        service_call(lambda: services.decide_minutes(by=by, meeting=meeting, approve=data["action"] == "approve",
                                                     note=data["note"]))
    return Response(_detail(request, _meeting(request, pk)))


@extend_schema(operation_id="v1_meetings_conclusions", summary="Add a conclusion", tags=TAGS,
               request=s.MeetingConclusionInputSerializer,
               responses={200: s.MeetingDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def conclusions(request: Request, pk: str) -> Response:
    """One of the chair's conclusions, with its owner (a person or a unit) and its deadline (a date
    or working days from today); `publish: true` then publishes the conclusions notice."""
    meeting = _meeting(request, pk)
    data = validated(s.MeetingConclusionInputSerializer, request)
    by = caller(request)
    owner_person = _person_or_error(data.get("owner_person"), "owner_person")
    owner_unit = Unit.objects.filter(pk=data.get("owner_unit") or 0).first()
    if data.get("owner_unit") and owner_unit is None:
        raise invalid("owner_unit", _("The owner must be of this agency."))
    service_call(lambda: services.add_conclusion(
        by=by, meeting=meeting, text=data["text"], owner_person=owner_person, owner_unit=owner_unit,
        deadline=data.get("deadline"), working_days=None if data.get("deadline") else data.get("working_days")),
        rename={"owner": "owner_person"})
    if data["publish"]:
        service_call(lambda: services.publish_conclusions(by=by, meeting=_meeting(request, pk)))
    return Response(_detail(request, _meeting(request, pk)))


@extend_schema(operation_id="v1_meetings_conclusion_remove", summary="Remove a conclusion not yet published",
               tags=TAGS, request=None, responses={200: s.MeetingDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["DELETE"])
def conclusion_remove(request: Request, pk: str, item: str) -> Response:
    meeting = _meeting(request, pk)
    conclusion = meeting.conclusions.filter(pk=pk_or_404(item)).first()
    if conclusion is None:
        raise NotFound()
    service_call(lambda: services.remove_conclusion(by=caller(request), meeting=meeting, conclusion=conclusion))
    return Response(_detail(request, _meeting(request, pk)))


@extend_schema(operation_id="v1_meetings_agenda_add", summary="Add an agenda item", tags=TAGS,
               request=s.MeetingAgendaInputSerializer,
               responses={200: s.MeetingDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def agenda(request: Request, pk: str) -> Response:
    """An item of the agenda of a meeting being prepared or invited, with its presenter."""
    meeting = _meeting(request, pk)
    data = validated(s.MeetingAgendaInputSerializer, request)
    presenter = _person_or_error(data.get("presenter"), "presenter")
    service_call(lambda: services.add_agenda_item(by=caller(request), meeting=meeting, title=data["title"],
                                                  presenter=presenter))
    return Response(_detail(request, _meeting(request, pk)))


@extend_schema(operation_id="v1_meetings_agenda_remove", summary="Remove an agenda item", tags=TAGS,
               request=None, responses={200: s.MeetingDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["DELETE"])
def agenda_remove(request: Request, pk: str, item: str) -> Response:
    meeting = _meeting(request, pk)
    row = meeting.agenda.filter(pk=pk_or_404(item)).first()
    if row is None:
        raise NotFound()
    service_call(lambda: services.remove_agenda_item(by=caller(request), meeting=meeting, item=row))
    return Response(_detail(request, _meeting(request, pk)))


@extend_schema(operation_id="v1_meetings_publish", summary="Publish the conclusions notice", tags=TAGS,
               request=None, responses={200: s.MeetingDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def publish(request: Request, pk: str) -> Response:
    meeting = _meeting(request, pk)
    service_call(lambda: services.publish_conclusions(by=caller(request), meeting=meeting))
    return Response(_detail(request, _meeting(request, pk)))


@extend_schema(operation_id="v1_meetings_make_tasks", summary="Turn the conclusions into tasks", tags=TAGS,
               request=None, responses={201: s.MeetingTasksMadeSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def make_tasks(request: Request, pk: str) -> Response:
    """In one step, each published conclusion with an owner and a deadline becomes a task (the
    chair or a leader); none is made twice."""
    meeting = _meeting(request, pk)
    made = service_call(lambda: services.make_tasks(by=caller(request), meeting=meeting))
    return Response({"tasks": [t.pk for t in made], "meeting": _detail(request, _meeting(request, pk))}, status=201)


@extend_schema(operation_id="v1_meetings_cancel", summary="Cancel a meeting", tags=TAGS,
               request=s.MeetingCancelInputSerializer,
               responses={200: s.MeetingDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def cancel(request: Request, pk: str) -> Response:
    """A meeting not yet held, with the reason; its schedule entry goes and the invitees are told."""
    meeting = _meeting(request, pk)
    data = validated(s.MeetingCancelInputSerializer, request)
    service_call(lambda: services.cancel(by=caller(request), meeting=meeting, reason=data["reason"]))
    return Response(_detail(request, _meeting(request, pk)))

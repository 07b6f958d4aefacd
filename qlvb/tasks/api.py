"""REST API of tasks: the caller's lists and counts, one task, assigning, reporting, extensions,
completion and evaluation; and the integration endpoint through which the provincial committee's
task software (UBND tỉnh) assigns a task to an agency, idempotently."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, parser_classes
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core.api import caller, invalid, pk_or_404, service_call, validated
from qlvb.core.paging import ApiPagination
from qlvb.org.http import signed_in
from qlvb.org.models import Agency, Person, Unit
from qlvb.tasks import selectors, services
from qlvb.tasks import serializers as s
from qlvb.tasks.models import Task
from qlvb.tasks.services import Owner

NOT_FOUND = OpenApiResponse(description="No such task visible to the caller, or the caller may not do this.")
BAD_INPUT = OpenApiResponse(description="Invalid input: `{field: [messages]}`; `non_field_errors` for the rest.")
PARSERS = [JSONParser, MultiPartParser, FormParser]


def _task(request: Request, pk: Any) -> Task:
    return selectors.get_task(signed_in(request.user), pk_or_404(pk))  # Http404 → 404


def _detail(request: Request, task: Task) -> dict[str, Any]:
    person = signed_in(request.user)
    d = selectors.detail(person, task)
    data = dict(s.TaskSerializer(task).data)
    data.update({
        "coordinators": s.CoordinatorSerializer(d.coordinators, many=True).data,
        "subtasks": s.TaskSerializer(d.subtasks, many=True).data,
        "reports": s.ReportSerializer(d.reports, many=True).data,
        "extensions": s.ExtensionSerializer(d.extensions, many=True).data,
        "links": s.LinkSerializer([link for link, _url in d.links], many=True).data,
        "actions": {k: bool(v) for k, v in selectors.actions(person, task).items()
                    if k in ("report", "extend", "complete", "evaluate", "split", "decide")},
    })
    return data


def _links(data: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    return [(link["kind"], link["document_id"], link["role"]) for link in data]


@extend_schema(methods=["GET"], operation_id="v1_tasks_list", summary="My tasks", tags=["tasks"],
               parameters=[s.TaskListQuerySerializer], responses={200: s.TaskPageSerializer, 400: BAD_INPUT})
@extend_schema(methods=["POST"], summary="Assign a task (or a sub-task)", tags=["tasks"], request=s.AssignSerializer,
               responses={201: s.TaskDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["GET", "POST"])
def task_list(request: Request) -> Response:
    """GET: one of the caller's lists (`to_do`, `overdue`, `due_soon`, `coordinating`, `assigned`,
    `done`), open ones by deadline, paginated with `limit` and `offset`. POST: a leader assigns to
    anyone of the agency, a unit head within his units; the owner of a task breaks it down
    (`parent`). A deadline before today is refused (400), nothing saved."""
    person = signed_in(request.user)
    if request.method == "GET":
        query = s.TaskListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        paginator = ApiPagination()
        rows = paginator.paginate_queryset(selectors.task_list(person, query.validated_data["list"]), request)
        return paginator.get_paginated_response(s.TaskSerializer(rows, many=True).data)
    data = validated(s.AssignSerializer, request)
    agency = person.agency
    if agency is None:
        raise NotFound()
    owner_person = Person.objects.filter(pk=data.get("owner_person") or 0).first()
    owner_unit = Unit.objects.filter(pk=data.get("owner_unit") or 0, agency=agency).first()
    if data.get("owner_person") and owner_person is None:
        raise invalid("owner_person", _("The owner must be of this agency."))
    parent = selectors.get_task(person, data["parent"]) if data.get("parent") else None
    people = list(Person.objects.filter(pk__in=data["coordinators"]))
    units = list(Unit.objects.filter(pk__in=data["coordinating_units"]))
    task = service_call(lambda: services.assign(
        by=caller(request), agency=agency, title=data["title"], description=data["description"],
        owner=Owner(person=owner_person, unit=owner_unit), deadline=data.get("deadline"),
        working_days=None if data.get("deadline") else data.get("working_days"), coordinators=people,
        coordinating_units=units, parent=parent, source=data["source"], source_ref=data["source_ref"],
        links=_links(data["links"])), rename={"owner": "owner_person"})
    return Response(_detail(request, task), status=201)


@extend_schema(summary="Count my tasks", tags=["tasks"], responses=s.TaskCountsSerializer)
@api_view(["GET"])
def counts(request: Request) -> Response:
    return Response(selectors.counts(signed_in(request.user)))


@extend_schema(summary="Get a task", tags=["tasks"], responses={200: s.TaskDetailSerializer, 404: NOT_FOUND})
@api_view(["GET"])
def task_detail(request: Request, pk: str) -> Response:
    """The task with its coordinators, sub-tasks, reports, extension requests, the linked documents
    the caller may see and what the caller may do with it."""
    return Response(_detail(request, _task(request, pk)))


@extend_schema(summary="Report progress", tags=["tasks"],
               request={"multipart/form-data": s.ReportInputSerializer, "application/json": s.ReportInputSerializer},
               responses={200: s.TaskDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
@parser_classes(PARSERS)
def report(request: Request, pk: str) -> Response:
    """The owner reports the per cent done, a coordinator his part; files as multipart parts `files`."""
    task = _task(request, pk)
    data = validated(s.ReportInputSerializer, request)
    service_call(lambda: services.report(by=caller(request), task=task, note=data["note"],
                                         progress=data.get("progress"), uploads=data["files"]))
    return Response(_detail(request, _task(request, pk)))


@extend_schema(summary="Ask for an extension of the deadline", tags=["tasks"], request=s.ExtensionInputSerializer,
               responses={200: s.TaskDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def extension(request: Request, pk: str) -> Response:
    task = _task(request, pk)
    data = validated(s.ExtensionInputSerializer, request)
    service_call(lambda: services.request_extension(by=caller(request), task=task, deadline=data["deadline"],
                                                    reason=data["reason"]))
    return Response(_detail(request, _task(request, pk)))


@extend_schema(summary="Decide the waiting extension request", tags=["tasks"], request=s.DecideInputSerializer,
               responses={200: s.TaskDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def decide(request: Request, pk: str) -> Response:
    """The assigner or a leader approves (the deadline moves) or rejects (with a note)."""
    task = _task(request, pk)
    data = validated(s.DecideInputSerializer, request)
    pending = selectors.pending_extension(task)
    if pending is None:
        raise invalid("non_field_errors", _("No extension request is waiting."))
    service_call(lambda: services.decide_extension(by=caller(request), request=pending, approve=data["approve"],
                                                   note=data["note"]))
    return Response(_detail(request, _task(request, pk)))


@extend_schema(summary="Complete a task", tags=["tasks"],
               request={"multipart/form-data": s.CompleteInputSerializer,
                        "application/json": s.CompleteInputSerializer},
               responses={200: s.TaskDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
@parser_classes(PARSERS)
def complete(request: Request, pk: str) -> Response:
    """The owner completes it with the result, files and the documents that close it (`links`)."""
    task = _task(request, pk)
    data = validated(s.CompleteInputSerializer, request)
    service_call(lambda: services.complete(by=caller(request), task=task, result=data["result"],
                                           uploads=data["files"], links=_links(data["links"])))
    return Response(_detail(request, _task(request, pk)))


@extend_schema(summary="Evaluate a completed task", tags=["tasks"], request=s.EvaluateInputSerializer,
               responses={200: s.TaskDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def evaluate(request: Request, pk: str) -> Response:
    task = _task(request, pk)
    data = validated(s.EvaluateInputSerializer, request)
    service_call(lambda: services.evaluate(by=caller(request), task=task, evaluation=data["evaluation"],
                                           note=data["note"]))
    return Response(_detail(request, _task(request, pk)))


@extend_schema(summary="Change a task (its assigner or a leader)", tags=["tasks"], request=s.ChangeInputSerializer,
               responses={200: s.TaskDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def change(request: Request, pk: str) -> Response:
    """Title, instruction, deadline or owner; what is left out stays. Every change is recorded
    before and after; a new owner must be one the caller may assign to (else 404)."""
    task = _task(request, pk)
    data = validated(s.ChangeInputSerializer, request)
    owner = Owner(person=task.owner_person, unit=task.owner_unit)
    if data.get("owner_person") or data.get("owner_unit"):
        person = Person.objects.filter(pk=data.get("owner_person") or 0).first()
        unit = Unit.objects.filter(pk=data.get("owner_unit") or 0, agency_id=task.agency_id).first()
        if (data.get("owner_person") and person is None) or (data.get("owner_unit") and unit is None):
            raise invalid("owner_person", _("The owner must be of this agency."))
        owner = Owner(person=person, unit=unit)
    service_call(lambda: services.change(
        by=caller(request), task=task, title=data.get("title", task.title),
        description=data.get("description", task.description), deadline=data.get("deadline", task.deadline),
        owner=owner, reason=data["reason"]), rename={"owner": "owner_person"})
    return Response(_detail(request, _task(request, pk)))


@extend_schema(summary="Withdraw a task (its assigner or a leader)", tags=["tasks"],
               request=s.WithdrawInputSerializer,
               responses={200: s.TaskDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
@api_view(["POST"])
def withdraw(request: Request, pk: str) -> Response:
    """With its open sub-tasks; the reason is required."""
    task = _task(request, pk)
    data = validated(s.WithdrawInputSerializer, request)
    service_call(lambda: services.withdraw(by=caller(request), task=task, reason=data["reason"]))
    return Response(_detail(request, _task(request, pk)))


@extend_schema(summary="Assign a task from the provincial committee (integration)", tags=["tasks"],
               request=s.ProvincialTaskSerializer,
               responses={201: s.ProvincialResultSerializer,
                          200: OpenApiResponse(s.ProvincialResultSerializer,
                                               description="This idempotency key was sent before: the same task."),
                          400: BAD_INPUT,
                          404: OpenApiResponse(description="The caller is not an account of the provincial task "
                                                           "software, or no agency has this code.")})
@api_view(["POST"])
def provincial(request: Request) -> Response:
    """For the provincial committee's task software (UBND tỉnh, 003 Đ7), with the API token of an
    account the installation names in `QLVB_PROVINCIAL_TASK_ACCOUNTS`. The agency's head receives
    the task (its office when it has no head) and breaks it down. Sending the same
    `idempotency_key` again creates nothing and answers 200 with the same task."""
    person = signed_in(request.user)
    if person.username not in services.provincial_accounts():
        raise NotFound()
    data = validated(s.ProvincialTaskSerializer, request)
    agency = Agency.objects.filter(code=data["agency_code"]).first()
    if agency is None:
        raise NotFound()
    task, created = service_call(lambda: services.receive_provincial(
        by=caller(request), agency=agency, title=data["title"], description=data["description"],
        deadline=data["deadline"], reference=data["reference"], idempotency_key=data["idempotency_key"]))
    return Response({"id": task.pk, "created": created, "status": task.status, "deadline": task.deadline},
                    status=201 if created else 200)

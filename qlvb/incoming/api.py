"""REST endpoints for incoming documents (văn bản đến): work lists, the document, registration,
routing and handling.

Reads go through the selectors, so a caller only ever sees what the pages would show them;
a document they may not see is a 404, like one that does not exist. Writes go through the same
services as the pages: NotAllowed becomes 404, a Django ValidationError becomes 400 with the
messages keyed by field (in the request's language: Vietnamese unless the language cookie says
otherwise).

The API acts as the caller themself: there is no "acting for" switch here. A delegate who wants to
act for a leader does it in the web interface; an API token always carries its owner's own
authority (Actor(person=request.user), never on_behalf_of).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core.api import caller, invalid, pk_or_404, service_call, validated
from qlvb.core.http import mark_secret, no_store, secret_marked
from qlvb.core.text import fold
from qlvb.dossiers.selectors import fileable_dossiers
from qlvb.incoming import rules, selectors, services
from qlvb.incoming import serializers as s
from qlvb.incoming.models import Assignment, IncomingDocument
from qlvb.org import permissions
from qlvb.org.http import signed_in
from qlvb.org.models import Person, Unit
from qlvb.registers.models import Register
from qlvb.registers.services import default_register, ensure_default_registers

NOT_FOUND = OpenApiResponse(description="No such document (or routing) visible to the caller, or the caller may "
                                        "not do this with it.")
BAD_INPUT = OpenApiResponse(description="Invalid input: `{field: [messages]}`; `non_field_errors` for the rest.")


# --- Helpers ---------------------------------------------------------------------------------

def _document(request: Request, pk: Any) -> IncomingDocument:
    document = selectors.get_document(signed_in(request.user), pk_or_404(pk))  # Http404 → 404
    mark_secret(request, bool(document.secrecy))  # the answer is sent with no-store (R7)
    return document


def _assignment_of(document: IncomingDocument, pk: int, field: str = "assignment") -> Assignment:
    assignment = document.assignments.filter(pk=pk).first()
    if assignment is None:
        raise invalid(field, _("This document has no such routing."))
    return assignment


def _assignment_data(assignment: Assignment) -> dict[str, Any]:
    fresh = Assignment.objects.select_related("assignee_person", "assignee_unit", "assigned_by",
                                              "on_behalf_of").get(pk=assignment.pk)
    return s.IncomingAssignmentSerializer(fresh).data


def _tree(nodes: list[selectors.Node]) -> list[Assignment]:
    """The routing tree as assignments carrying their node's notes, children and flag."""
    result = []
    for node in nodes:
        assignment: Any = node.assignment  # given the node's attributes, read by IncomingRoutingNodeSerializer
        assignment.changeable = node.changeable
        assignment.node_notes = node.notes
        assignment.node_children = _tree(node.children)
        result.append(assignment)
    return result


def _detail(request: Request, document: IncomingDocument) -> dict[str, Any]:
    person = signed_in(request.user)
    shown: Any = document  # given what IncomingDocumentDetailSerializer reads (its fields' `source`)
    shown.api_files = selectors.files_of(document)
    shown.api_routing = _tree(selectors.routing_tree(document, person))
    shown.api_general_notes = selectors.general_notes(document)
    shown.api_my_open = selectors.my_open_assignments(person, document)
    shown.my_assignments = shown.api_my_open
    shown.api_can_route = rules.may_route_top(person, document)
    shown.api_can_complete = services.main_handler_assignment(person, document) is not None
    shown.api_can_reopen = rules.may_reopen(person, document)
    return s.IncomingDocumentDetailSerializer(document, context={"request": request}).data


def _target(document: IncomingDocument, data: dict[str, Any], field: str) -> services.Target:
    deadline = data.get("deadline")
    if data.get("unit"):
        unit = Unit.objects.filter(pk=data["unit"], agency_id=document.agency_id, is_active=True).first()
        if unit is None:
            raise invalid(field, _("Unknown recipient."))
        return services.Target(unit=unit, deadline=deadline)
    person = Person.objects.filter(pk=data["person"], is_active=True).first()
    if person is None or document.agency_id not in permissions.member_agency_ids(person):
        raise invalid(field, _("Unknown recipient."))
    return services.Target(person=person, deadline=deadline)


def _filtered(documents: QuerySet[IncomingDocument], query: dict[str, Any]) -> QuerySet[IncomingDocument]:
    q = (query.get("q") or "").strip()
    if q:
        documents = documents.filter(Q(summary__icontains=q) | Q(notation__icontains=q) | Q(number=q)
                                     | Q(issuer_name__icontains=q) | Q(summary__icontains=fold(q)))
    if query.get("doc_type"):
        documents = documents.filter(doc_type=query["doc_type"])
    urgency = query.get("urgency")
    if urgency == "any":
        documents = documents.exclude(urgency="")
    elif urgency == "normal":
        documents = documents.filter(urgency="")
    elif urgency:
        documents = documents.filter(urgency=urgency)
    return documents.order_by(*s.ORDERINGS[query["ordering"]])


# --- Documents -------------------------------------------------------------------------------

@extend_schema(tags=["incoming"])
@extend_schema_view(
    list=extend_schema(
        summary="List incoming documents",
        parameters=[s.IncomingListQuerySerializer],
        responses={200: s.IncomingDocumentListSerializer(many=True), 400: BAD_INPUT},
    ),
    retrieve=extend_schema(
        summary="Get an incoming document",
        responses={200: s.IncomingDocumentDetailSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Register an incoming document",
        request={"multipart/form-data": s.IncomingRegistrationSerializer},
        responses={
            201: s.IncomingDocumentDetailSerializer,
            400: BAD_INPUT,
            404: OpenApiResponse(description="The caller is not a clerk (văn thư) of their agency."),
            409: OpenApiResponse(s.IncomingDuplicatesSerializer,
                                 description="It looks like a registered document; nothing was saved. Send again "
                                             "with `confirm_duplicate=true` to register it anyway."),
        },
    ),
)
class IncomingDocumentViewSet(viewsets.GenericViewSet):
    """Incoming documents visible to the caller."""

    queryset = IncomingDocument.objects.none()  # for the schema; every action asks the selectors
    serializer_class = s.IncomingDocumentListSerializer
    filter_backends: list[Any] = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        """Every answer showing a secret document (its page, its files, a list holding one) is
        kept by no cache (R7)."""
        return no_store(super().finalize_response(request, response, *args, **kwargs), secret_marked(request))

    def list(self, request: Request) -> Response:
        """The documents of one of the caller's work lists (`list`, default `all`: every document the
        caller may see), newest first, with the caller's own open routing of each. Paginated with
        `limit` and `offset`."""
        query = s.IncomingListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        person = signed_in(request.user)
        documents = _filtered(selectors.work_list(person, query.validated_data["list"]), query.validated_data)
        page = self.paginate_queryset(selectors.with_list_data(documents, person))
        mark_secret(request, any(d.secrecy for d in page or []))
        data = s.IncomingDocumentListSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, pk: str) -> Response:
        """The document with its files, routing tree and notes, the caller's open routings of it and
        what the caller may do with it. Opening a secret document is recorded."""
        document = _document(request, pk)
        services.record_opening(by=caller(request), document=document)
        return Response(_detail(request, document))

    def create(self, request: Request) -> Response:
        """A clerk (văn thư) registers an incoming document: the next arrival number of the register
        (default: the ordinary register, or the secret one for a secret document) and presentation to
        a leader (default: the leader in charge of its field, else the head) — all or nothing.
        With `save_as_draft=true` it is kept waiting for registration, without a number (no
        duplicate check). Files are sent as multipart parts named `files` and `attachments`."""
        person = signed_in(request.user)
        agency = person.agency
        if agency is None or not rules.is_clerk(person, agency.pk):
            raise NotFound()
        ensure_default_registers(agency)
        serializer = s.IncomingRegistrationSerializer(data=request.data, context={"request": request,
                                                                                   "agency": agency})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        fields = serializer.document_fields()
        uploads, attachments = data["files"], data["attachments"]  # checked by the service
        by = caller(request)
        if data["save_as_draft"]:
            document = service_call(lambda: services.save_draft(
                by=by, agency=agency, fields=fields, uploads=uploads, attachments=attachments),
                rename={"uploads": "files"})
        else:
            duplicates = services.find_duplicates(
                agency=agency, national_id=fields["national_id"], number=fields["number"],
                notation=fields["notation"], issuer_name=fields["issuer_name"])
            if duplicates and not data["confirm_duplicate"]:
                return Response({
                    "detail": _("This document seems to be registered already. Check the list below; "
                                "tick the box to register it anyway."),
                    "duplicates": s.IncomingDuplicateSerializer(duplicates, many=True).data,
                }, status=status.HTTP_409_CONFLICT)
            document = service_call(lambda: services.register_document(
                by=by, agency=agency, register=data.get("register") or default_register(
                    agency=agency, direction=Register.Direction.INCOMING, secret=bool(fields["secrecy"])),
                fields=fields, uploads=uploads, attachments=attachments, presented_to=data.get("presented_to")),
                rename={"uploads": "files"})
        return Response(_detail(request, _document(request, document.pk)), status=status.HTTP_201_CREATED)

    @extend_schema(summary="Route an incoming document", request=s.IncomingRouteSerializer,
                   responses={201: s.IncomingAssignmentSerializer(many=True), 400: BAD_INPUT, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def route(self, request: Request, pk: str) -> Response:
        """Route the document (R9): one main handler, coordinators and recipients for information,
        each `{"unit": id}` or `{"person": id}`, with a directive and a deadline (a date, or
        `deadline_days` working days from today). Without `parent_assignment` it is the leader's
        routing (the leader it was presented to, or any leader of the agency); with it, the holder of
        that routing (e.g. the head of the unit it went to) passes it down, within their own
        deadline. Returns the routings created."""
        document = _document(request, pk)
        data = validated(s.IncomingRouteSerializer, request)
        main = _target(document, data["main"], "main") if data.get("main") else None
        coordinators = [_target(document, item, "coordinators") for item in data["coordinators"]]
        informed = [_target(document, item, "informed") for item in data["informed"]]
        parent = None
        if data["parent_assignment"]:
            parent = _assignment_of(document, data["parent_assignment"], "parent_assignment")
        deadline = services.resolve_deadline(agency_id=document.agency_id, deadline=data["deadline"],
                                             days=data["deadline_days"])
        created = service_call(lambda: services.route(
            by=caller(request), document=document, main=main, coordinators=coordinators, informed=informed,
            directive=data["directive"], deadline=deadline, parent=parent))
        return Response(s.IncomingAssignmentSerializer(created, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Record progress or a proposal", request=s.IncomingProgressSerializer,
                   responses={201: s.IncomingNoteSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str) -> Response:
        """The holder of a routing (main handler or coordinator) records progress or a proposal;
        the routing is then in progress."""
        document = _document(request, pk)
        data = validated(s.IncomingProgressSerializer, request)
        assignment = _assignment_of(document, data["assignment"])
        note = service_call(lambda: services.record_progress(by=caller(request), assignment=assignment,
                                                              text=data["text"], kind=data["kind"]))
        return Response(s.IncomingNoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Send a coordinator's contribution", request=s.IncomingNoteInputSerializer,
                   responses={201: s.IncomingNoteSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def contribute(self, request: Request, pk: str) -> Response:
        """A coordinator sends its contribution to the main handler; its part (and everything it
        passed down) is done."""
        document = _document(request, pk)
        data = validated(s.IncomingNoteInputSerializer, request)
        assignment = _assignment_of(document, data["assignment"])
        note = service_call(lambda: services.contribute(by=caller(request), assignment=assignment,
                                                         text=data["text"]))
        return Response(s.IncomingNoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Mark a document received for information as read",
                   request=s.IncomingAssignmentRefSerializer,
                   responses={200: s.IncomingAssignmentSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        """The recipient of a for-information routing marks it as read (done)."""
        document = _document(request, pk)
        data = validated(s.IncomingAssignmentRefSerializer, request)
        assignment = _assignment_of(document, data["assignment"])
        service_call(lambda: services.mark_read(by=caller(request), assignment=assignment))
        return Response(_assignment_data(assignment))

    @extend_schema(summary="Complete the handling of a document", request=s.IncomingCompleteSerializer,
                   responses={200: s.IncomingDocumentDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        """The main handler (the holder of the deepest open main routing) finishes the document
        (kết thúc xử lý): every open routing except those for information is closed, and the
        document is filed into the given dossiers."""
        document = _document(request, pk)
        data = validated(s.IncomingCompleteSerializer, request)
        wanted = set(data["dossiers"])
        dossiers = list(fileable_dossiers(signed_in(request.user)).filter(pk__in=wanted))
        if len(dossiers) != len(wanted):
            raise invalid("dossiers", _("Choose open dossiers of yours or of your units."))
        service_call(lambda: services.complete(by=caller(request), document=document, note=data["note"],
                                                dossiers=dossiers))
        return Response(_detail(request, _document(request, pk)))

    @extend_schema(summary="Reopen a completed document", request=s.IncomingReasonSerializer,
                   responses={200: s.IncomingDocumentDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        """A leader, or whoever completed it, reopens a completed document with a reason; the
        routings closed by the completion are open again."""
        document = _document(request, pk)
        data = validated(s.IncomingReasonSerializer, request)
        service_call(lambda: services.reopen(by=caller(request), document=document, reason=data["reason"]))
        return Response(_detail(request, _document(request, pk)))


# --- Routings --------------------------------------------------------------------------------

@extend_schema(tags=["incoming"])
class IncomingAssignmentViewSet(viewsets.GenericViewSet):
    """Routings (assignments) of incoming documents visible to the caller."""

    queryset = Assignment.objects.none()  # for the schema
    serializer_class = s.IncomingAssignmentSerializer
    filter_backends: list[Any] = []
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def _assignment(self, pk: str) -> Assignment:
        assignment = Assignment.objects.filter(
            pk=pk_or_404(pk), document__in=selectors.visible_documents(signed_in(self.request.user))).first()
        if assignment is None:
            raise NotFound()
        return assignment

    @extend_schema(summary="Withdraw a routing", request=s.IncomingReasonSerializer,
                   responses={200: s.IncomingAssignmentSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """Whoever made a routing withdraws it, with a reason, and everything routed below it."""
        assignment = self._assignment(pk)
        data = validated(s.IncomingReasonSerializer, request)
        service_call(lambda: services.withdraw(by=caller(request), assignment=assignment, reason=data["reason"]))
        return Response(_assignment_data(assignment))

    @extend_schema(summary="Change a routing's deadline", request=s.IncomingDeadlineSerializer,
                   responses={200: s.IncomingAssignmentSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def deadline(self, request: Request, pk: str) -> Response:
        """Whoever made a routing gives it a new deadline, with a reason (recorded with the old one)."""
        assignment = self._assignment(pk)
        data = validated(s.IncomingDeadlineSerializer, request)
        service_call(lambda: services.change_deadline(by=caller(request), assignment=assignment,
                                                       deadline=data["deadline"], reason=data["reason"]))
        return Response(_assignment_data(assignment))


@extend_schema(summary="Count the caller's incoming work", responses=s.IncomingCountsSerializer, tags=["incoming"])
@api_view(["GET"])
def counts(request: Request) -> Response:
    """How many documents each of the caller's work lists holds (as in the navigation)."""
    return Response(s.IncomingCountsSerializer(selectors.counts(signed_in(request.user))).data)

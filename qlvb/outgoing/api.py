"""REST endpoints for outgoing documents (văn bản đi): work lists, the document and its files,
drafting, the review loop, signing and issuing.

Reads go through the selectors, so a caller only ever sees what the pages would show them;
a document they may not see is a 404, like one that does not exist. Writes go through the same
services as the pages: NotAllowed becomes 404, a Django ValidationError becomes 400 with the
messages keyed by field (in the request's language: Vietnamese unless the language cookie says
otherwise).

The API acts as the caller themself: there is no "acting for" switch here (Actor(person=request.user),
never on_behalf_of) — which also keeps signing personal, as the service requires.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core.api import caller, invalid, pk_or_404, service_call, validated
from qlvb.core.http import mark_secret, no_store, secret_marked
from qlvb.files.models import StoredFile
from qlvb.files.views import file_response
from qlvb.org.http import signed_in
from qlvb.org.models import Person
from qlvb.outgoing import initials, rules, selectors, services
from qlvb.outgoing import serializers as s
from qlvb.outgoing.models import OutgoingDocument
from qlvb.registers.models import Register
from qlvb.signatures.api import session_data

NOT_FOUND = OpenApiResponse(description="No such document (or file) visible to the caller, or the caller may not "
                                        "do this with it now.")
BAD_INPUT = OpenApiResponse(description="Invalid input: `{field: [messages]}`; `non_field_errors` for the rest. "
                                        "Nothing was changed.")
FILE = {(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The file's bytes."),
        404: NOT_FOUND}
DETAIL = {200: s.OutgoingDocumentDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND}


# --- Helpers ---------------------------------------------------------------------------------

def _document(request: Request, pk: Any) -> OutgoingDocument:
    document = selectors.get_document(signed_in(request.user), pk_or_404(pk))  # Http404 → 404
    mark_secret(request, bool(document.secrecy))  # the answer is sent with no-store (R7)
    return document


def _signers(document: OutgoingDocument) -> list[Person]:
    candidates = Person.objects.filter(signing_authorities__agency=document.agency, is_active=True).distinct()
    return [p for p in candidates if rules.can_sign(p, document)]


def _detail(request: Request, document: OutgoingDocument) -> dict[str, Any]:
    person = signed_in(request.user)
    shown: Any = document  # given what OutgoingDocumentDetailSerializer reads (its fields' `source`)
    shown.api_recipients = list(document.recipients.select_related("agency", "unit", "person"))
    shown.api_steps = list(document.steps.select_related("reviewer", "acted_by", "version")
                           .order_by("round", "order"))
    shown.api_versions = list(document.versions.select_related("author", "stored").order_by("number"))
    shown.api_attachments = list(document.attachments.select_related("stored"))
    step = rules.current_step(document)
    holds = rules.holds_draft(person, document)
    may_edit = services._may_edit(person, document)  # the service's own rule, so the flag never disagrees
    after_approval = document.status in (OutgoingDocument.Status.APPROVED, OutgoingDocument.Status.SIGNED)
    is_clerk = rules.is_clerk(person, document.agency_id)
    shown.api_can_edit = may_edit
    shown.api_can_add_version = (person.pk in (document.drafter_id, document.signer_id) or is_clerk
                                 if after_approval else may_edit)
    shown.api_can_submit = holds
    shown.api_can_review = step is not None and step.reviewer_id == person.pk
    shown.api_can_sign = document.status == OutgoingDocument.Status.APPROVED and document.signer_id == person.pk
    shown.api_signing_order, shown.api_co_issuers, shown.api_can_seal = [], [], False
    if document.signing_mode:  # several signers (outgoing/cosigning.py)
        from qlvb.outgoing.views import _several

        several = _several(document, person)
        shown.api_signing_order = [{"person": row["row"].person, "agency": row["row"].agency,
                                    "capacity": row["row"].capacity, "approved": row["approved"],
                                    "signed": row["signed"]} for row in several["several_signers"]]
        shown.api_co_issuers = several["co_issuers"]
        shown.api_can_sign = several["may_sign"]
        shown.api_can_review = rules.pending_step(document, person) is not None
        shown.api_can_seal = document.status == OutgoingDocument.Status.SEALING and any(
            c.sealed_at is None and rules.is_clerk(person, c.agency_id) for c in several["co_issuers"])
    signing = services.signing_session(document) if document.status == OutgoingDocument.Status.SIGNED else None
    shown.api_signing_session = (session_data(signing) if signing is not None and signing.may_see(person)
                                 else None)
    shown.api_can_issue = (document.status == OutgoingDocument.Status.SIGNED and is_clerk
                           and not (signing is not None and signing.is_waiting))
    shown.api_signers = _signers(document) if holds else []
    shown.api_initials = initials.shown(document)
    my_step = step if shown.api_can_review else None
    shown.api_initial_mode = initials.mode(document, my_step)
    session = initials.latest_session(my_step) if my_step is not None else None
    shown.api_initial_session = session_data(session) if session is not None and session.may_see(person) else None
    return s.OutgoingDocumentDetailSerializer(document, context={"request": request}).data


def _fresh_detail(request: Request, document: OutgoingDocument, code: int = status.HTTP_200_OK) -> Response:
    # Read again through the selector: the action may have changed what the caller can see or do.
    return Response(_detail(request, _document(request, document.pk)), status=code)


def _fields_serializer(request: Request, document: OutgoingDocument | None, serializer_class: Any,
                       **kwargs: Any) -> Any:
    agency = document.agency if document is not None else signed_in(request.user).agency
    serializer = serializer_class(data=request.data, context={"request": request, "agency": agency,
                                                              "person": request.user}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer


# --- Documents -------------------------------------------------------------------------------

@extend_schema(tags=["outgoing"])
@extend_schema_view(
    list=extend_schema(
        summary="List outgoing documents",
        parameters=[s.OutgoingListQuerySerializer],
        responses={200: s.OutgoingDocumentListSerializer(many=True), 400: BAD_INPUT},
    ),
    retrieve=extend_schema(
        summary="Get an outgoing document",
        responses={200: s.OutgoingDocumentDetailSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Start a draft",
        request={"multipart/form-data": s.OutgoingDraftSerializer},
        responses={201: s.OutgoingDocumentDetailSerializer, 400: BAD_INPUT,
                   404: OpenApiResponse(description="The caller has no post in an agency, or may not answer the "
                                                    "incoming document given as `reply_to`.")},
    ),
)
class OutgoingDocumentViewSet(viewsets.GenericViewSet):
    """Outgoing documents visible to the caller."""

    queryset = OutgoingDocument.objects.none()  # for the schema; every action asks the selectors
    serializer_class = s.OutgoingDocumentListSerializer
    filter_backends: list[Any] = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        """Every answer showing a secret document (its page, its files, a list holding one) is
        kept by no cache (R7)."""
        return no_store(super().finalize_response(request, response, *args, **kwargs), secret_marked(request))

    def list(self, request: Request) -> Response:
        """The documents of one of the caller's work lists (`list`, default `mine`), newest first (the
        issued ones by issue date, the others by their last change). Paginated with `limit` and
        `offset`; the issued list's `count` stops at 1001 (more than the 1000 a list shows)."""
        query = s.OutgoingListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        name = query.validated_data["list"]
        q = (query.validated_data.get("q") or "").strip()
        if name == "issued":
            # As the page reads it (selectors.issued_newest): a page of each branch of the rule from
            # its own index, not a sort of every issued document; counted up to the cap and one.
            rows = self.paginate_queryset(selectors.issued_newest(signed_in(request.user), q))
            issued = selectors.documents_in_order([pk for pk, _at in rows or []])
            mark_secret(request, any(d.secrecy for d in issued))
            data = s.OutgoingDocumentListSerializer(issued, many=True, context={"request": request}).data
            return self.get_paginated_response(data)
        documents = selectors.work_list(signed_in(request.user), name)
        if q:
            documents = documents.filter(summary__icontains=q)
        ordering = ("-issued_at", "-id") if name in ("issued", "received") else ("-updated_at", "-id")
        page = self.paginate_queryset(selectors.with_list_data(documents).order_by(*ordering))
        mark_secret(request, any(d.secrecy for d in page or []))
        data = s.OutgoingDocumentListSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, pk: str) -> Response:
        """The document with its recipients, review loop, versions and files, and what the caller may
        do with it now. Opening a secret document is recorded."""
        document = _document(request, pk)
        services.record_opening(by=caller(request), document=document)
        return Response(_detail(request, document))

    def create(self, request: Request) -> Response:
        """A specialist starts a draft in their agency: its fields, recipients, the draft file (`upload`,
        DOCX or PDF) and `attachments`, as multipart. The drafting unit defaults to the unit of the
        caller's main post."""
        agency = signed_in(request.user).agency
        if agency is None:
            raise NotFound()
        serializer = _fields_serializer(request, None, s.OutgoingDraftSerializer)
        data = serializer.validated_data
        reply_to = None
        if data["reply_to"] is not None:
            from qlvb.incoming.selectors import visible_documents as visible_incoming

            reply_to = visible_incoming(signed_in(request.user)).filter(pk=data["reply_to"]).first()
            if reply_to is None:
                raise invalid("reply_to", _("No such incoming document."))
        upload = data.get("upload")
        document = service_call(lambda: services.create_draft(
            by=caller(request), agency=agency, fields=serializer.document_fields(),
            uploads=[upload] if upload else [], attachments=data["attachments"],
            recipients=serializer.recipients() or [], drafting_unit=data.get("drafting_unit"), reply_to=reply_to,
            related_incoming=[reply_to] if reply_to else [], comment=data["comment"]),
            rename={"uploads": "upload"})
        return _fresh_detail(request, document, status.HTTP_201_CREATED)

    @extend_schema(summary="Change a draft", request=s.OutgoingChangeSerializer, responses=DETAIL)
    @action(detail=True, methods=["post"], url_path="update", url_name="update")
    def update_draft(self, request: Request, pk: str) -> Response:
        """The drafter while the draft is theirs, or the reviewer whose turn it is, changes its fields;
        only the fields sent change. Sending any of `agencies`, `units`, `people` or `paper` replaces
        all the recipients."""
        document = _document(request, pk)
        serializer = _fields_serializer(request, document, s.OutgoingChangeSerializer, partial=True)
        service_call(lambda: services.update_draft(by=caller(request), document=document,
                                                    fields=serializer.document_fields(),
                                                    recipients=serializer.recipients()))
        return _fresh_detail(request, document)

    @extend_schema(summary="Add a draft version", request={"multipart/form-data": s.OutgoingVersionInputSerializer},
                   responses={201: s.OutgoingDocumentDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
    @action(detail=True, methods=["post"], url_path="versions", url_name="versions")
    def add_version(self, request: Request, pk: str) -> Response:
        """A new version (DOCX or PDF) from the drafter or the reviewer whose turn it is. A change after
        the signer approved sends the draft back to the signer."""
        document = _document(request, pk)
        data = validated(s.OutgoingVersionInputSerializer, request)
        service_call(lambda: services.add_version(by=caller(request), document=document, upload=data["upload"],
                                                   comment=data["comment"]))
        return _fresh_detail(request, document, status.HTTP_201_CREATED)

    @extend_schema(summary="Submit a draft for review", request=s.OutgoingSubmitSerializer, responses=DETAIL)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """The drafter sends the draft up the loop (unit head → office format check → signer) for the
        chosen signer, who must have the authority to sign it."""
        document = _document(request, pk)
        data = validated(s.OutgoingSubmitSerializer, request)
        service_call(lambda: services.submit(by=caller(request), document=document, signer=data["signer"],
                                              comment=data["comment"], cosigners=data["cosigners"],
                                              co_issuers=data["co_issuers"], mode=data["mode"],
                                              needed=data["needed"]))
        return _fresh_detail(request, document)

    @extend_schema(summary="Approve a draft", request=s.OutgoingApproveSerializer, responses=DETAIL)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """The reviewer whose turn it is approves and forwards it; after the signer's approval it waits
        for the signature. A `disagreement` with the drafter is shown to the signer. With `certificate`
        (and `secret`), the unit head or format checker initials the draft (ký nháy) first, when the
        agency uses initials; when it requires them, approving without is refused (400)."""
        from qlvb.signatures.models import Certificate

        document = _document(request, pk)
        data = validated(s.OutgoingApproveSerializer, request)
        initial = None
        if data["certificate"] is not None:
            certificate = Certificate.objects.filter(pk=data["certificate"], person=signed_in(request.user),
                                                     is_active=True).first()
            if certificate is None:
                raise invalid("certificate", _("Choose one of your certificates."))
            initial = initials.Request(certificate, data["secret"])
        service_call(lambda: services.approve(by=caller(request), document=document, opinion=data["opinion"],
                                               disagreement=data["disagreement"], initial=initial))
        return _fresh_detail(request, document)

    @extend_schema(summary="Return a draft", request=s.OutgoingReturnSerializer, responses=DETAIL)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_draft(self, request: Request, pk: str) -> Response:
        """The reviewer whose turn it is sends it back with what should change: to the drafter, or to
        the previous reviewer."""
        document = _document(request, pk)
        data = validated(s.OutgoingReturnSerializer, request)
        service_call(lambda: services.return_draft(by=caller(request), document=document, opinion=data["opinion"],
                                                    to=data["to"]))
        return _fresh_detail(request, document)

    @extend_schema(summary="Sign an approved document", request=s.OutgoingSignSerializer, responses=DETAIL)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        """The signer signs with one of their certificates and its passphrase or PIN, checked now; the
        signature is applied when the clerk issues it, over the numbered and dated text."""
        from qlvb.signatures.models import Certificate

        document = _document(request, pk)
        data = validated(s.OutgoingSignSerializer, request)
        certificate = Certificate.objects.filter(pk=data["certificate"], person=signed_in(request.user),
                                                 is_active=True).first()
        if certificate is None:
            raise invalid("certificate", _("Choose one of your certificates."))
        service_call(lambda: services.authorise_signing(by=caller(request), document=document,
                                                         certificate=certificate, secret=data["secret"]))
        return _fresh_detail(request, document)

    @extend_schema(summary="Number and issue a signed document", request=s.OutgoingIssueSerializer,
                   responses=DETAIL)
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str) -> Response:
        """A clerk numbers and dates it in the register, has the signer's and the agency's signatures
        applied and sends it to its recipients — all or nothing."""
        document = _document(request, pk)
        data = validated(s.OutgoingIssueSerializer, request)
        register = None
        if data["register"] is not None:
            register = Register.objects.filter(pk=data["register"], agency_id=document.agency_id,
                                               direction=Register.Direction.OUTGOING, is_active=True).first()
            if register is None:
                raise invalid("register", _("Choose a register."))
        service_call(lambda: services.issue(by=caller(request), document=document, register=register))
        return _fresh_detail(request, document)

    # --- Files ---

    def _file(self, stored: StoredFile | None, filename: str) -> HttpResponseBase:
        if stored is None:
            raise NotFound()
        return file_response(self.request._request, stored, filename=filename, inline=False)

    @extend_schema(summary="Download the current draft version", responses=FILE)
    @action(detail=True, methods=["get"], url_path="draft-file", url_name="draft-file")
    def draft_file(self, request: Request, pk: str) -> HttpResponseBase:
        """The latest draft version (DOCX or PDF)."""
        version = services.current_version(_document(request, pk))
        return self._file(version.stored if version else None, version.name if version else "")

    @extend_schema(summary="Download a draft version", responses=FILE,
                   parameters=[OpenApiParameter("number", int, OpenApiParameter.PATH,
                                                description="The version's number.")])
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>[0-9]+)", url_name="version-file")
    def version_file(self, request: Request, pk: str, number: str) -> HttpResponseBase:
        document = _document(request, pk)
        version = document.versions.select_related("stored").filter(number=int(number)).first()
        return self._file(version.stored if version else None, version.name if version else "")

    @extend_schema(summary="Download the issued document", responses=FILE)
    @action(detail=True, methods=["get"], url_path="issued-file", url_name="issued-file")
    def issued_file(self, request: Request, pk: str) -> HttpResponseBase:
        """The issued PDF with the signer's and the agency's signatures; 404 before issuing."""
        document = _document(request, pk)
        return self._file(document.issued_file, f"{document.reference.replace('/', '-')}.pdf")

    @extend_schema(summary="Download a reviewer's initialled PDF", responses=FILE,
                   parameters=[OpenApiParameter("initial_id", int, OpenApiParameter.PATH,
                                                description="The initial's id (the detail's `initials`).")])
    @action(detail=True, methods=["get"], url_path=r"initials/(?P<initial_id>[0-9]+)", url_name="initial-file")
    def initial_file(self, request: Request, pk: str, initial_id: str) -> HttpResponseBase:
        """The draft version's PDF with the reviewer's initial signature in it."""
        document = _document(request, pk)
        initial = document.initials.select_related("signed", "version").filter(pk=int(initial_id)).first()
        if initial is None:
            raise NotFound()
        return self._file(initial.signed, f"ky-nhay-v{initial.version.number}.pdf")

    @extend_schema(summary="Download an attachment", responses=FILE,
                   parameters=[OpenApiParameter("attachment_id", int, OpenApiParameter.PATH,
                                                description="The attachment's id.")])
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_id>[0-9]+)",
            url_name="attachment-file")
    def attachment_file(self, request: Request, pk: str, attachment_id: str) -> HttpResponseBase:
        """The attachment as uploaded, or once issued the PDF the agency signed."""
        document = _document(request, pk)
        attachment = document.attachments.select_related("stored", "signed").filter(pk=int(attachment_id)).first()
        if attachment is None:
            raise NotFound()
        return self._file(attachment.signed or attachment.stored, attachment.name)


@extend_schema(summary="Count the caller's outgoing work", responses=s.OutgoingCountsSerializer, tags=["outgoing"])
@api_view(["GET"])
def counts(request: Request) -> Response:
    """How many drafts wait for the caller's review or signature, and (clerks) to be issued — as in the
    navigation."""
    return Response(s.OutgoingCountsSerializer(selectors.counts(signed_in(request.user))).data)


# --- Joint documents of other agencies (outgoing/cosigning.py) ----------------------------------

@extend_schema(tags=["outgoing"])
class JointDocumentViewSet(viewsets.GenericViewSet):
    """Other agencies' joint documents that the caller works on for his own agency: as its clerk
    (to record and seal) or as its signer. Nothing else of the lead agency's documents: 404."""

    queryset = OutgoingDocument.objects.none()
    serializer_class = s.OutgoingDocumentListSerializer
    filter_backends: list[Any] = []

    def _joint(self, request: Request, pk: Any) -> OutgoingDocument:
        document = selectors.joint_document(signed_in(request.user), pk_or_404(pk))
        mark_secret(request, bool(document.secrecy))
        return document

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        return no_store(super().finalize_response(request, response, *args, **kwargs), secret_marked(request))

    @extend_schema(summary="List joint documents of other agencies", parameters=[
        OpenApiParameter("list", str, enum=selectors.JOINT_LISTS, description="`to_seal` (default) waiting for "
                         "the caller's agency's seal, `to_sign` waiting for the caller's approval or signature, "
                         "`all`.")], responses={200: s.OutgoingDocumentListSerializer(many=True), 404: NOT_FOUND})
    def list(self, request: Request) -> Response:
        name = request.query_params.get("list", "to_seal")
        documents = selectors.with_list_data(selectors.joint_documents(signed_in(request.user), name))
        page = self.paginate_queryset(documents.order_by("-updated_at", "-id"))
        mark_secret(request, any(d.secrecy for d in page or []))
        return self.get_paginated_response(
            s.OutgoingDocumentListSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(summary="Get a joint document of another agency", responses={200: s.OutgoingDocumentDetailSerializer,
                                                                                404: NOT_FOUND})
    def retrieve(self, request: Request, pk: str) -> Response:
        document = self._joint(request, pk)
        services.record_opening(by=caller(request), document=document)
        return Response(_detail(request, document))

    @extend_schema(summary="Record a joint document in the agency's register and seal it", request=None,
                   responses=DETAIL)
    @action(detail=True, methods=["post"])
    def seal(self, request: Request, pk: str) -> Response:
        """The caller, clerk of a co-issuing agency, records the document in his agency's outgoing
        register (its next number there; the document keeps the lead's number) and seals it over
        his agency's signer's signature; it is sent once every agency sealed it."""
        document = self._joint(request, pk)
        service_call(lambda: services.seal_joint(by=caller(request), document=document))
        return Response(_detail(request, self._joint(request, pk)))

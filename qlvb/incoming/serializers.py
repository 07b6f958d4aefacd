"""Serializers of the incoming-documents API (qlvb.incoming.api).

Reads render what the selectors give; writes only check the shape of the input and resolve ids
within the caller's agency — the rules themselves live in the services.

Every choice field is rendered as a named enum component (``Incoming…Enum``) so the OpenAPI
schema stays free of enum-name collisions with other apps' ``status``, ``role`` or ``kind``.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qlvb.core import kinds
from qlvb.core.api import ObjectId, choice_values, enum_field
from qlvb.core.doctypes import DOCUMENT_TYPE_NAMES, DOCUMENT_TYPES, Priority, Secrecy, Urgency
from qlvb.files.api import UploadField
from qlvb.files.models import StoredFile
from qlvb.incoming.models import Assignment, HandlingNote, IncomingDocument, IncomingFile
from qlvb.incoming.selectors import LISTS
from qlvb.org.models import Agency, Field, Person
from qlvb.registers.models import Register

# The reading of a file's text, told by the digitisation app through core.kinds (registered in its
# ready(), before the URLs and so this module are imported).
_EXTRACTION = kinds.file_detail("text_extraction")

# --- Enums ---------------------------------------------------------------------------------

StatusField = enum_field(
    "IncomingStatusEnum", choice_values(IncomingDocument.Status.choices),
    "`draft` waiting for registration (no arrival number yet) · `registered` waiting for the leader's routing · "
    "`routed` · `in_progress` · `completed`.")
SourceField = enum_field("IncomingSourceEnum", choice_values(IncomingDocument.Source.choices),
                         "How the document arrived: `paper` or `electronic`.")
DocTypeField = enum_field("IncomingDocTypeEnum", choice_values(DOCUMENT_TYPES),
                          "Document type code of NĐ 30/2020 Phụ lục III, e.g. `QĐ` Quyết định, `CV` Công văn, "
                          "`GM` Giấy mời.")
UrgencyField = enum_field("IncomingUrgencyEnum", choice_values(Urgency.choices),
                          "Urgency: empty for normal, `khan` Khẩn, `thuong_khan` Thượng khẩn, `hoa_toc` Hỏa tốc.")
SecrecyField = enum_field("IncomingSecrecyEnum", choice_values(Secrecy.choices),
                          "Secrecy: empty for not secret, `mat` Mật, `toi_mat` Tối mật, `tuyet_mat` Tuyệt mật. "
                          "A secret document is registered in the secret register and is only visible to its people.")
PriorityField = enum_field("IncomingPriorityEnum", choice_values(Priority.choices),
                           "Priority: empty for normal, `high`.")
AssignmentRoleField = enum_field("IncomingAssignmentRoleEnum", choice_values(Assignment.Role.choices),
                                 "`main` main handler (chủ trì), `coordinate` coordinator (phối hợp), "
                                 "`info` for information (để biết).")
AssignmentStateField = enum_field("IncomingAssignmentStateEnum", choice_values(Assignment.State.choices),
                                  "`pending` new, `in_progress`, `done`, `withdrawn`.")
AssigneeTypeField = enum_field("IncomingAssigneeTypeEnum", ["unit", "person"],
                               "Whether the routing went to a unit (its heads hold it) or to a person.")
FileRoleField = enum_field("IncomingFileRoleEnum", choice_values(IncomingFile.Role.choices),
                           "`main` the document itself, `attachment` an attachment.")
FileKindField = enum_field("IncomingFileKindEnum", choice_values(StoredFile.Kind.choices),
                           "Kind decided from the file's bytes: `pdf`, `image`, `docx` or `other`.")
NoteKindField = enum_field("IncomingNoteKindEnum", choice_values(HandlingNote.Kind.choices),
                           "`progress`, `proposal`, `contribution` (a coordinator's), `completion`, `reopening`.")
ProgressKindField = enum_field("IncomingProgressKindEnum", ["progress", "proposal"],
                               "`progress` a progress report, `proposal` a proposal to the leader.")


# --- Small pieces ----------------------------------------------------------------------------

class IncomingRefSerializer(serializers.Serializer):
    """A person, unit, register or field of work: its id and name."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, obj: Any) -> str:
        return getattr(obj, "full_name", None) or getattr(obj, "name", "") or str(obj)


class IncomingMyAssignmentSerializer(serializers.ModelSerializer):
    """The caller's own open routing of the document (to them, or to a unit they head)."""

    role = AssignmentRoleField(read_only=True)
    state = AssignmentStateField(read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "role", "deadline", "state"]
        read_only_fields = fields


class IncomingAssignmentSerializer(serializers.ModelSerializer):
    """One routing (a node of the routing tree)."""

    role = AssignmentRoleField(read_only=True)
    state = AssignmentStateField(read_only=True)
    assignee_type = serializers.SerializerMethodField()
    assignee = serializers.SerializerMethodField()
    assigned_by = IncomingRefSerializer(read_only=True)
    on_behalf_of = IncomingRefSerializer(read_only=True, allow_null=True,
                                         help_text="The leader the routing was made for, when made by a delegate.")

    class Meta:
        model = Assignment
        fields = ["id", "document", "parent", "role", "state", "assignee_type", "assignee", "assigned_by",
                  "on_behalf_of", "directive", "deadline", "created_at", "started_at", "done_at",
                  "withdrawn_reason"]
        read_only_fields = fields

    @extend_schema_field(AssigneeTypeField())
    def get_assignee_type(self, obj: Assignment) -> str:
        return "unit" if obj.assignee_unit_id else "person"

    @extend_schema_field(IncomingRefSerializer())
    def get_assignee(self, obj: Assignment) -> dict[str, Any]:
        return IncomingRefSerializer(obj.assignee).data


class IncomingNoteSerializer(serializers.ModelSerializer):
    """What a handler wrote: progress, a proposal, a contribution, the completion or a reopening."""

    kind = NoteKindField(read_only=True)
    author = IncomingRefSerializer(read_only=True)
    on_behalf_of = IncomingRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = HandlingNote
        fields = ["id", "assignment", "kind", "text", "author", "on_behalf_of", "at"]
        read_only_fields = fields


class IncomingRoutingNodeSerializer(IncomingAssignmentSerializer):
    """A routing with the notes written under it and the routings made below it."""

    changeable = serializers.BooleanField(read_only=True,
                                          help_text="The caller made this routing and may withdraw it or change "
                                                    "its deadline.")
    notes = IncomingNoteSerializer(source="node_notes", many=True, read_only=True)

    class Meta(IncomingAssignmentSerializer.Meta):
        fields = [*IncomingAssignmentSerializer.Meta.fields, "changeable", "notes", "children"]
        read_only_fields = fields

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["children"] = IncomingRoutingNodeSerializer(source="node_children", many=True, read_only=True)
        return fields


class IncomingFileSerializer(serializers.ModelSerializer):
    role = FileRoleField(read_only=True)
    kind = FileKindField(source="stored.kind", read_only=True)
    size = serializers.IntegerField(source="stored.size", read_only=True, help_text="Bytes.")
    content_type = serializers.CharField(source="stored.content_type", read_only=True)
    page_count = serializers.IntegerField(source="stored.page_count", read_only=True, allow_null=True)
    url = serializers.SerializerMethodField(help_text="Download address (the web page's, with the session).")
    text_extraction = serializers.SerializerMethodField(help_text="Reading of its text (OCR); null if never asked.")

    class Meta:
        model = IncomingFile
        fields = ["id", "name", "role", "kind", "size", "content_type", "page_count", "url", "text_extraction"]
        read_only_fields = fields

    def get_url(self, obj: IncomingFile) -> str:
        path = reverse("incoming:file", args=[obj.document_id, obj.pk, "download"])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(_EXTRACTION.schema if _EXTRACTION else OpenApiTypes.OBJECT)
    def get_text_extraction(self, obj: IncomingFile) -> dict | None:
        detail = kinds.file_detail("text_extraction")
        return detail.value("incoming", obj.document_id, obj.stored_id) if detail else None


# --- Documents -----------------------------------------------------------------------------

class IncomingDocumentListSerializer(serializers.ModelSerializer):
    """One row of a work list."""

    register = IncomingRefSerializer(read_only=True, allow_null=True)
    status = StatusField(read_only=True)
    doc_type = DocTypeField(read_only=True)
    doc_type_name = serializers.SerializerMethodField()
    urgency = UrgencyField(read_only=True)
    secrecy = SecrecyField(read_only=True)
    priority = PriorityField(read_only=True)
    issuer = serializers.CharField(source="issuer_name", read_only=True)
    reference = serializers.CharField(read_only=True, help_text="Số, ký hiệu as written, e.g. `15/QĐ-UBND`.")
    presented_to = IncomingRefSerializer(read_only=True, allow_null=True)
    is_urgent = serializers.BooleanField(read_only=True)
    my_assignment = serializers.SerializerMethodField(
        help_text="The caller's open routing of the document (to them or a unit they head), if any.")

    class Meta:
        model = IncomingDocument
        fields = ["id", "arrival_number", "arrival_year", "register", "status", "issuer", "number", "notation",
                  "reference", "document_date", "doc_type", "doc_type_name", "summary", "urgency", "secrecy",
                  "priority", "deadline", "received_at", "presented_to", "is_urgent", "my_assignment"]
        read_only_fields = fields

    def get_doc_type_name(self, obj: IncomingDocument) -> str:
        return DOCUMENT_TYPE_NAMES.get(obj.doc_type, obj.doc_type)

    @extend_schema_field(IncomingMyAssignmentSerializer(allow_null=True))
    def get_my_assignment(self, obj: IncomingDocument) -> dict[str, Any] | None:
        current = next((a for a in getattr(obj, "my_assignments", []) if a.is_open), None)
        return IncomingMyAssignmentSerializer(current).data if current else None


class IncomingDocumentDetailSerializer(IncomingDocumentListSerializer):
    """The whole document: its fields, files, routing tree and notes, and what the caller may do."""

    # A declared field (DRF's metaclass takes it off the class), not the Field.source attribute.
    source = SourceField(read_only=True)  # type: ignore[assignment]
    issuer_agency: serializers.PrimaryKeyRelatedField[Agency] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True)
    field = IncomingRefSerializer(read_only=True, allow_null=True)
    completed_by = IncomingRefSerializer(read_only=True, allow_null=True)
    files = IncomingFileSerializer(source="api_files", many=True, read_only=True)
    routing = IncomingRoutingNodeSerializer(source="api_routing", many=True, read_only=True,
                                            help_text="The routing tree: the leader's routings, each with the "
                                                      "routings made below it.")
    general_notes = IncomingNoteSerializer(source="api_general_notes", many=True, read_only=True,
                                           help_text="Notes not tied to a routing (e.g. a reopening). Notes of a "
                                                     "routing are in its node of `routing`.")
    my_assignments = IncomingAssignmentSerializer(source="api_my_open", many=True, read_only=True,
                                                  help_text="The caller's open routings of the document: the ids "
                                                            "to send with progress, contribute and read.")
    can_route = serializers.BooleanField(source="api_can_route", read_only=True,
                                         help_text="The caller may make the leader's routing.")
    can_complete = serializers.BooleanField(source="api_can_complete", read_only=True,
                                            help_text="The caller is the main handler and may complete it.")
    can_reopen = serializers.BooleanField(source="api_can_reopen", read_only=True)

    class Meta(IncomingDocumentListSerializer.Meta):
        fields = [*IncomingDocumentListSerializer.Meta.fields,
                  "source", "issuer_agency", "issuer_code", "national_id", "pages", "copies", "signer_name",
                  "signer_position", "field", "reply_deadline", "notes", "presented_at", "routing_due_at",
                  "routed_at", "completed_at", "completed_by", "completion_note", "created_at",
                  "files", "routing", "general_notes", "my_assignments", "can_route", "can_complete", "can_reopen"]
        read_only_fields = fields


class IncomingDuplicateSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = IncomingDocument
        fields = ["id", "reference", "arrival_number", "arrival_year", "issuer_name", "received_at"]
        read_only_fields = fields


class IncomingDuplicatesSerializer(serializers.Serializer):
    """The registration was refused because the document seems registered already."""

    detail = serializers.CharField()
    duplicates = IncomingDuplicateSerializer(many=True)


class IncomingCountsSerializer(serializers.Serializer):
    """How many documents each of the caller's work lists holds."""

    drafts = serializers.IntegerField(help_text="Waiting for registration (clerks).")
    to_route = serializers.IntegerField(help_text="Presented to the caller, waiting for routing.")
    to_handle = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    overdue = serializers.IntegerField()
    due_soon = serializers.IntegerField()
    for_info = serializers.IntegerField()


# --- Input -----------------------------------------------------------------------------------

ORDERINGS = {
    "-received_at": ("-received_at", "-id"), "received_at": ("received_at", "id"),
    "-arrival_number": ("-arrival_year", "-arrival_number", "-id"),
    "arrival_number": ("arrival_year", "arrival_number", "id"),
    "deadline": ("deadline", "-received_at", "-id"), "-deadline": ("-deadline", "-received_at", "-id"),
    "-document_date": ("-document_date", "-id"), "document_date": ("document_date", "id"),
}
URGENCY_FILTERS = ["any", "normal", *[v for v in choice_values(Urgency.choices) if v]]


class IncomingListQuerySerializer(serializers.Serializer):
    list = serializers.ChoiceField(
        choices=LISTS, default="all",
        help_text="The work list: `to_handle` new tasks, `in_progress`, `overdue`, `due_soon`, `for_info` "
                  "received for information and not read, `done`, `to_route` presented to the caller and waiting "
                  "for routing, `drafts` waiting for registration (clerks), `all` every document the caller may "
                  "see (default).")
    q = serializers.CharField(required=False, allow_blank=True, max_length=200,
                              help_text="Text in the summary, notation or issuer, or the exact number.")
    doc_type = serializers.ChoiceField(choices=DOCUMENT_TYPES, required=False, help_text="Document type code.")
    urgency = serializers.ChoiceField(choices=URGENCY_FILTERS, required=False,
                                      help_text="`any` any urgent document, `normal` not urgent, or one level.")
    ordering = serializers.ChoiceField(choices=[*ORDERINGS], default="-received_at",
                                       help_text="Sort order; `-` for descending.")


def _narrow(field: serializers.Field, queryset: QuerySet[Any]) -> None:
    """Set the queryset of a related field (to the caller's agency's rows)."""
    # The DRF stubs type RelatedField.queryset as "QuerySet | Manager", and mypy then applies
    # Manager.__get__ to every access of it.
    cast(serializers.RelatedField, field).queryset = queryset  # type: ignore[arg-type]


class IncomingRegistrationSerializer(serializers.Serializer):
    """Register an incoming document (or keep it as a draft): its fields and files, as multipart."""

    register = serializers.PrimaryKeyRelatedField(
        queryset=Register.objects.none(), required=False, allow_null=True,
        help_text="Incoming register of the caller's agency; empty: the ordinary or the secret one by secrecy.")
    received_at = serializers.DateTimeField(required=False, help_text="Arrival time; default now.")
    # A declared field (DRF's metaclass takes it off the class), not the Field.source attribute.
    source = SourceField(required=False, default=IncomingDocument.Source.PAPER)  # type: ignore[assignment]
    issuer_agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.none(), required=False, allow_null=True,
        help_text="Issuing agency from the directory; or type `issuer_name`.")
    issuer_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    issuer_code = serializers.CharField(max_length=35, required=False, allow_blank=True, default="")
    number = serializers.CharField(max_length=11, required=False, allow_blank=True, default="")
    notation = serializers.CharField(max_length=30, required=False, allow_blank=True, default="",
                                     help_text="e.g. `QĐ-UBND` for 15/QĐ-UBND.")
    national_id = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    document_date = serializers.DateField()
    doc_type = DocTypeField()
    summary = serializers.CharField(max_length=500)
    urgency = UrgencyField(required=False, allow_blank=True, default="")
    secrecy = SecrecyField(required=False, allow_blank=True, default="")
    priority = PriorityField(required=False, allow_blank=True, default="")
    pages = serializers.IntegerField(min_value=1, max_value=10000, required=False, allow_null=True, default=None)
    copies = serializers.IntegerField(min_value=1, max_value=10000, required=False, allow_null=True, default=None)
    signer_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    signer_position = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    field = serializers.PrimaryKeyRelatedField(queryset=Field.objects.none(), required=False, allow_null=True,
                                               default=None, help_text="Field of work of the caller's agency.")
    reply_deadline = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    presented_to = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.none(), required=False, allow_null=True, default=None,
        help_text="Leader to present it to; empty: the leader in charge of its field, else the head.")
    files = serializers.ListField(child=UploadField(), required=False, default=list,
                                  help_text="The scanned document or its electronic file (PDF, images, DOCX); "
                                            "images are combined into one PDF. Required unless `save_as_draft`.")
    attachments = serializers.ListField(child=UploadField(), required=False, default=list)
    save_as_draft = serializers.BooleanField(required=False, default=False,
                                             help_text="Keep it waiting for registration, without a number.")
    confirm_duplicate = serializers.BooleanField(
        required=False, default=False, help_text="Register it even though it looks like a registered document.")

    DOCUMENT_FIELDS = ["received_at", "source", "issuer_agency", "issuer_name", "issuer_code", "number", "notation",
                       "national_id", "document_date", "doc_type", "summary", "urgency", "secrecy", "priority",
                       "pages", "copies", "signer_name", "signer_position", "field", "reply_deadline", "notes"]

    def get_fields(self) -> dict[str, serializers.Field]:
        from qlvb.incoming.forms import leaders_of

        fields = super().get_fields()
        agency = self.context.get("agency")
        if agency is not None:
            _narrow(fields["register"], Register.objects.filter(
                agency=agency, direction=Register.Direction.INCOMING, is_active=True))
            _narrow(fields["issuer_agency"], Agency.objects.filter(is_active=True).exclude(pk=agency.pk))
            _narrow(fields["field"], Field.objects.filter(agency=agency))
            _narrow(fields["presented_to"], Person.objects.filter(pk__in=[p.pk for p in leaders_of(agency)]))
        return fields

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if not data.get("issuer_agency") and not (data.get("issuer_name") or "").strip():
            raise serializers.ValidationError({"issuer_name": _("Choose the issuing agency or type its name.")})
        return data

    def document_fields(self) -> dict[str, Any]:
        data = self.validated_data
        fields = {name: data[name] for name in self.DOCUMENT_FIELDS if name in data}
        for name in ("urgency", "secrecy", "priority"):
            fields[name] = fields.get(name) or ""
        issuer = fields.get("issuer_agency")
        if issuer and not (fields.get("issuer_name") or "").strip():
            fields["issuer_name"], fields["issuer_code"] = issuer.name, issuer.code
        return fields


class IncomingTargetSerializer(serializers.Serializer):
    """A recipient: `{"unit": id}` or `{"person": id}`, with an optional own deadline."""

    unit = ObjectId(required=False, allow_null=True, help_text="A unit of the document's agency.")
    person = ObjectId(required=False, allow_null=True,
                                      help_text="An active person of the document's agency.")
    deadline = serializers.DateField(required=False, allow_null=True,
                                     help_text="This recipient's own deadline (YYYY-MM-DD); default the routing's.")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if bool(data.get("unit")) == bool(data.get("person")):
            raise serializers.ValidationError(_("Choose one recipient: a unit or a person."))
        return data


class IncomingRouteSerializer(serializers.Serializer):
    """Route the document: one main handler, coordinators and recipients for information."""

    main = IncomingTargetSerializer(required=False, allow_null=True, help_text="The main handler (chủ trì).")
    coordinators = IncomingTargetSerializer(many=True, required=False, default=list,
                                            help_text="Coordinators (phối hợp).")
    informed = IncomingTargetSerializer(many=True, required=False, default=list,
                                        help_text="For information (để biết); they get no deadline.")
    directive = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                      help_text="The leader's directive (ý kiến chỉ đạo).")
    deadline = serializers.DateField(required=False, allow_null=True, default=None,
                                     help_text="Handling deadline (YYYY-MM-DD).")
    deadline_days = serializers.IntegerField(min_value=1, max_value=365, required=False, allow_null=True,
                                             default=None, help_text="Or a deadline in working days from today.")
    parent_assignment = ObjectId(
        required=False, allow_null=True, default=None,
        help_text="Pass down a routing the caller holds (e.g. a unit head to a specialist); empty: the leader's "
                  "routing.")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("deadline") and data.get("deadline_days"):
            raise serializers.ValidationError({"deadline_days": _("Give either a date or a number of working days.")})
        return data


class IncomingNoteInputSerializer(serializers.Serializer):
    assignment = ObjectId(help_text="Id of the caller's routing of this document.")
    text = serializers.CharField(max_length=5000, allow_blank=True)


class IncomingProgressSerializer(IncomingNoteInputSerializer):
    kind = ProgressKindField(required=False, default="progress")


class IncomingAssignmentRefSerializer(serializers.Serializer):
    assignment = ObjectId(help_text="Id of the caller's routing of this document.")


class IncomingCompleteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                 help_text="The result of the handling.")
    dossiers = serializers.ListField(child=ObjectId(), required=False, default=list,
                                     help_text="Ids of open dossiers of the caller (or their units) to file it into.")


class IncomingReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, allow_blank=True)


class IncomingDeadlineSerializer(serializers.Serializer):
    deadline = serializers.DateField(help_text="The new deadline (YYYY-MM-DD), not in the past.")
    reason = serializers.CharField(max_length=300, allow_blank=True)

"""Serializers of the outgoing-documents API (qlvb.outgoing.api).

Reads render what the selectors give; writes only check the shape of the input and resolve ids
within the caller's agency — the rules themselves (who may act, secrecy, signing authority,
file kinds) live in the services.

Every choice field is rendered as a named enum component (``Outgoing…Enum``) so the OpenAPI
schema stays free of enum-name collisions with other apps' ``status``, ``role`` or ``kind``.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qlvb.core.api import ObjectId, choice_values, enum_field
from qlvb.core.doctypes import DOCUMENT_TYPE_NAMES, DOCUMENT_TYPES, Priority, Secrecy, Urgency
from qlvb.files.api import UploadField
from qlvb.files.models import StoredFile
from qlvb.incoming.models import IncomingDocument
from qlvb.org.models import Agency, Field, Person, Unit
from qlvb.org.roles import roles_of
from qlvb.outgoing.models import Attachment, DraftVersion, OutgoingDocument, OutgoingSettings, Recipient, ReviewStep
from qlvb.outgoing.selectors import LISTS
from qlvb.outgoing.services import RecipientSpec
from qlvb.signatures.api import SigningSessionSerializer

# --- Enums ---------------------------------------------------------------------------------

StatusField = enum_field(
    "OutgoingStatusEnum", choice_values(OutgoingDocument.Status.choices),
    "`draft` being drafted · `in_review` in the review loop · `returned` to the drafter · `approved` waiting for "
    "the signature · `signed` waiting to be numbered and issued · `issued` · `cancelled`.")
DocTypeField = enum_field("OutgoingDocTypeEnum", choice_values(DOCUMENT_TYPES),
                          "Document type code of NĐ 30/2020 Phụ lục III, e.g. `QĐ` Quyết định, `CV` Công văn.")
UrgencyField = enum_field("OutgoingUrgencyEnum", choice_values(Urgency.choices),
                          "Urgency: empty for normal, `khan` Khẩn, `thuong_khan` Thượng khẩn, `hoa_toc` Hỏa tốc.")
SecrecyField = enum_field("OutgoingSecrecyEnum", choice_values(Secrecy.choices),
                          "Secrecy: empty for not secret, `mat` Mật, `toi_mat` Tối mật, `tuyet_mat` Tuyệt mật. "
                          "A secret document is never sent to another agency over the network.")
PriorityField = enum_field("OutgoingPriorityEnum", choice_values(Priority.choices),
                           "Priority: empty for normal, `high`.")
RecipientKindField = enum_field("OutgoingRecipientKindEnum", choice_values(Recipient.Kind.choices),
                                "`agency` another agency of the installation (through the exchange), `unit` or "
                                "`person` of the agency, `paper` sent on paper.")
StepKindField = enum_field("OutgoingReviewKindEnum", choice_values(ReviewStep.Kind.choices),
                           "`unit_head` the drafting unit's head, `office` the format check, `signer` the signer's "
                           "approval.")
StepStateField = enum_field("OutgoingReviewStateEnum", choice_values(ReviewStep.State.choices),
                            "`waiting` for an earlier step, `pending` the reviewer's turn, `approved`, `returned`, "
                            "`superseded` by a resubmission.")
VersionRoleField = enum_field("OutgoingVersionRoleEnum", choice_values(DraftVersion.Role.choices),
                              "Who made the version: `drafter`, `unit_head`, `office`, `signer` or `clerk`.")
InitialModeField = enum_field("OutgoingInitialModeEnum", choice_values(OutgoingSettings.Initials.choices),
                              "Initial signatures (ký nháy) asked of the caller's review step: `off` not used, "
                              "`optional` the reviewer chooses, `required` approving without one is refused.")
InitialStatusField = enum_field("OutgoingInitialStatusEnum", ["valid", "untrusted", "modified", "invalid"],
                                "The initial's signature checked again: `valid`, `untrusted` (sound, but the "
                                "certificate is not trusted or was revoked), `modified`, `invalid`.")
FileKindField = enum_field("OutgoingFileKindEnum", choice_values(StoredFile.Kind.choices),
                           "Kind decided from the file's bytes: `pdf`, `image`, `docx` or `other`.")
SigningModeField = enum_field("OutgoingSigningModeEnum", ["", "order", "parallel", "quorum"],
                              "With several signers: `order` all, one after the other (default); `parallel` all, "
                              "at the same time; `quorum` k of n (`needed`), the others' steps closed once k "
                              "approved. Empty for the usual one signer.")
ReturnToField = enum_field("OutgoingReturnToEnum", ["drafter", "previous"],
                           "`drafter` back to the drafter (default), `previous` to the reviewer before the caller.")


def _url(serializer: serializers.Serializer, name: str, *args: Any) -> str:
    path = reverse(name, args=args)
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


# --- Small pieces ----------------------------------------------------------------------------

class OutgoingRefSerializer(serializers.Serializer):
    """A person, unit, agency, register or field of work: its id and name."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, obj: Any) -> str:
        return getattr(obj, "full_name", None) or getattr(obj, "name", "") or str(obj)


class OutgoingRecipientSerializer(serializers.ModelSerializer):
    kind = RecipientKindField(read_only=True)
    agency = OutgoingRefSerializer(read_only=True, allow_null=True)
    unit = OutgoingRefSerializer(read_only=True, allow_null=True)
    person = OutgoingRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Recipient
        fields = ["id", "kind", "agency", "unit", "person", "name", "address", "delivered_at"]
        read_only_fields = fields


class OutgoingReviewStepSerializer(serializers.ModelSerializer):
    """One step of the review loop; each submission starts a new `round`."""

    kind = StepKindField(read_only=True)
    state = StepStateField(read_only=True)
    reviewer = OutgoingRefSerializer(read_only=True)
    acted_by = OutgoingRefSerializer(read_only=True, allow_null=True)
    version = serializers.IntegerField(source="version.number", read_only=True, allow_null=True, default=None,
                                       help_text="Number of the version the reviewer acted on.")

    class Meta:
        model = ReviewStep
        fields = ["id", "round", "order", "kind", "reviewer", "state", "opinion", "disagreement", "due_date",
                  "acted_by", "acted_at", "version"]
        read_only_fields = fields


class OutgoingVersionSerializer(serializers.ModelSerializer):
    role = VersionRoleField(read_only=True)
    author = OutgoingRefSerializer(read_only=True)
    kind = FileKindField(source="stored.kind", read_only=True)
    size = serializers.IntegerField(source="stored.size", read_only=True, help_text="Bytes.")
    url = serializers.SerializerMethodField(help_text="Download address (API).")

    class Meta:
        model = DraftVersion
        fields = ["number", "name", "role", "author", "comment", "kind", "size", "created_at", "url"]
        read_only_fields = fields

    def get_url(self, obj: DraftVersion) -> str:
        return _url(self, "outgoing-document-version-file", obj.document_id, obj.number)


class OutgoingInitialSerializer(serializers.Serializer):
    """A reviewer's initial signature (ký nháy) over one draft version, checked again."""

    id = serializers.IntegerField(source="initial.pk")
    step = serializers.IntegerField(source="initial.step_id", help_text="The review step it was given with.")
    kind = StepKindField(source="initial.step.kind")
    person = OutgoingRefSerializer(source="initial.person")
    version = serializers.IntegerField(source="initial.version.number", help_text="The draft version it covers.")
    on_current_version = serializers.BooleanField(help_text="False once a newer version exists.")
    version_note = serializers.CharField(help_text="Which version, said for people (in the request's language).")
    signed_at = serializers.DateTimeField(source="initial.signed_at")
    certificate_subject = serializers.CharField(source="initial.subject")
    certificate_fingerprint = serializers.CharField(source="initial.fingerprint", help_text="SHA-256, hex.")
    provider = serializers.CharField(source="initial.provider", help_text="`server`, `csc`, `smartca`, `mysign`…")
    status = InitialStatusField()
    validity = serializers.CharField(help_text="The check's result, said for people.")
    url = serializers.SerializerMethodField(help_text="The initialled PDF (API).")

    def get_url(self, obj: Any) -> str:
        return _url(self, "outgoing-document-initial-file", obj.initial.document_id, obj.initial.pk)


class OutgoingAttachmentSerializer(serializers.ModelSerializer):
    kind = FileKindField(source="stored.kind", read_only=True)
    size = serializers.IntegerField(source="stored.size", read_only=True, help_text="Bytes of the uploaded file.")
    signed = serializers.SerializerMethodField(help_text="Signed by the agency at issuing; the download is then "
                                                         "the signed PDF.")
    url = serializers.SerializerMethodField(help_text="Download address (API).")

    class Meta:
        model = Attachment
        fields = ["id", "name", "kind", "size", "signed", "url"]
        read_only_fields = fields

    def get_signed(self, obj: Attachment) -> bool:
        return obj.signed_id is not None

    def get_url(self, obj: Attachment) -> str:
        return _url(self, "outgoing-document-attachment-file", obj.document_id, obj.pk)


# --- Documents -----------------------------------------------------------------------------

class OutgoingDocumentListSerializer(serializers.ModelSerializer):
    """One row of a work list."""

    status = StatusField(read_only=True)
    doc_type = DocTypeField(read_only=True)
    doc_type_name = serializers.SerializerMethodField()
    urgency = UrgencyField(read_only=True)
    secrecy = SecrecyField(read_only=True)
    priority = PriorityField(read_only=True)
    reference = serializers.CharField(read_only=True, help_text="Số, ký hiệu once issued, e.g. `01/STTTT-CNTT`; "
                                                                "`Dự thảo` before.")
    drafter = OutgoingRefSerializer(read_only=True)
    drafting_unit = OutgoingRefSerializer(read_only=True)
    signer = OutgoingRefSerializer(read_only=True, allow_null=True)
    register = OutgoingRefSerializer(read_only=True, allow_null=True)
    is_urgent = serializers.BooleanField(read_only=True)

    class Meta:
        model = OutgoingDocument
        fields = ["id", "status", "doc_type", "doc_type_name", "summary", "reference", "number", "notation", "year",
                  "issued_at", "urgency", "secrecy", "priority", "deadline", "reply_deadline", "drafter",
                  "drafting_unit", "signer", "register", "is_urgent", "created_at", "updated_at"]
        read_only_fields = fields

    def get_doc_type_name(self, obj: OutgoingDocument) -> str:
        return DOCUMENT_TYPE_NAMES.get(obj.doc_type, obj.doc_type)


class OutgoingSignerSerializer(serializers.Serializer):
    """One of several signers, in signing order."""

    person = OutgoingRefSerializer(read_only=True)
    agency = OutgoingRefSerializer(read_only=True, help_text="The agency he signs for (a joint document's).")
    capacity = serializers.CharField(read_only=True)
    approved = serializers.BooleanField(read_only=True, help_text="His approval counts in the latest round.")
    signed = serializers.BooleanField(read_only=True, help_text="He gave his signature, applied at issue.")


class OutgoingCoIssuerSerializer(serializers.Serializer):
    """A co-issuing agency of a joint document: its own number in its own register once it sealed."""

    agency = OutgoingRefSerializer(read_only=True)
    register = OutgoingRefSerializer(read_only=True, allow_null=True)
    number = serializers.IntegerField(read_only=True, allow_null=True)
    year = serializers.IntegerField(read_only=True, allow_null=True)
    sealed_at = serializers.DateTimeField(read_only=True, allow_null=True)


class OutgoingDocumentDetailSerializer(OutgoingDocumentListSerializer):
    """The whole document: fields, recipients, review loop, versions, files and what the caller may do."""

    field = OutgoingRefSerializer(read_only=True, allow_null=True)
    issued_by = OutgoingRefSerializer(read_only=True, allow_null=True)
    reply_to: serializers.PrimaryKeyRelatedField[IncomingDocument] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The incoming document it answers.")
    recipients = OutgoingRecipientSerializer(source="api_recipients", many=True, read_only=True)
    steps = OutgoingReviewStepSerializer(source="api_steps", many=True, read_only=True,
                                         help_text="The review loop, every round, in order.")
    versions = OutgoingVersionSerializer(source="api_versions", many=True, read_only=True,
                                         help_text="Every draft version, oldest first; the last is the current one.")
    attachments = OutgoingAttachmentSerializer(source="api_attachments", many=True, read_only=True)
    issued_file_url = serializers.SerializerMethodField(help_text="The issued (signed) PDF, once issued.")
    verification_code = serializers.CharField(
        source="verification_code_display", read_only=True,
        help_text="Given at issue, printed with a QR code on the PDF: anyone checks the document with it at "
                  "/verify/<code>/ (GET /api/v1/verify/<code>/). Empty before issue.")
    can_edit = serializers.BooleanField(source="api_can_edit", read_only=True,
                                        help_text="The caller may change its fields and recipients.")
    can_add_version = serializers.BooleanField(source="api_can_add_version", read_only=True)
    can_submit = serializers.BooleanField(source="api_can_submit", read_only=True,
                                          help_text="The caller holds the draft and may submit it.")
    can_review = serializers.BooleanField(source="api_can_review", read_only=True,
                                          help_text="It is the caller's turn in the review loop: approve or return.")
    can_sign = serializers.BooleanField(source="api_can_sign", read_only=True)
    can_issue = serializers.BooleanField(source="api_can_issue", read_only=True)
    signing_session = SigningSessionSerializer(
        source="api_signing_session", read_only=True, allow_null=True,
        help_text="The signer's signature asked of a signing service while the document is numbered and waits "
                  "(poll /api/v1/signatures/sessions/{token}/); null otherwise.")
    initials = OutgoingInitialSerializer(source="api_initials", many=True, read_only=True,
                                         help_text="The reviewers' initial signatures (ký nháy), oldest first.")
    initial_mode = InitialModeField(source="api_initial_mode", read_only=True,
                                    help_text="What the caller's review step asks: give `certificate` (and "
                                              "`secret`) to approve to initial it; `off` when not the caller's turn.")
    initial_session = SigningSessionSerializer(
        source="api_initial_session", read_only=True, allow_null=True,
        help_text="The caller's initial asked of a signing service (the approval follows when it comes); null "
                  "otherwise.")
    signers = OutgoingRefSerializer(source="api_signers", many=True, read_only=True,
                                    help_text="Who may sign it (to choose from when submitting); empty unless "
                                              "`can_submit`.")
    signing_mode = SigningModeField(read_only=True)
    signing_order = OutgoingSignerSerializer(source="api_signing_order", many=True, read_only=True,
                                             help_text="Several signers, in order; empty for one signer.")
    co_issuers = OutgoingCoIssuerSerializer(source="api_co_issuers", many=True, read_only=True,
                                            help_text="A joint document's co-issuing agencies.")
    can_seal = serializers.BooleanField(source="api_can_seal", read_only=True,
                                        help_text="The caller, a co-issuing agency's clerk, may record it in his "
                                                  "agency's register and seal it (POST …/joint/{id}/seal/).")

    class Meta(OutgoingDocumentListSerializer.Meta):
        fields = [*OutgoingDocumentListSerializer.Meta.fields,
                  "field", "copies", "kept_by", "directive", "reply_to", "signing_capacity", "signer_title",
                  "issued_by", "recipients", "steps", "versions", "attachments", "issued_file_url", "signing_session",
                  "verification_code", "can_edit", "can_add_version", "can_submit", "can_review", "can_sign",
                  "can_issue", "initials", "initial_mode", "initial_session", "signers", "signing_mode",
                  "signers_needed", "signing_order", "co_issuers", "can_seal"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_issued_file_url(self, obj: OutgoingDocument) -> str | None:
        if obj.issued_file_id is None:
            return None
        return _url(self, "outgoing-document-issued-file", obj.pk)


class OutgoingCountsSerializer(serializers.Serializer):
    """How much outgoing work waits for the caller (as in the navigation)."""

    to_review = serializers.IntegerField(help_text="Drafts whose review is the caller's turn.")
    to_sign = serializers.IntegerField(help_text="Drafts waiting for the caller's approval or signature.")
    to_issue = serializers.IntegerField(help_text="Signed documents waiting to be issued (clerks).")
    late = serializers.IntegerField(help_text="The caller's reviews past their due date.")


# --- Input -----------------------------------------------------------------------------------

class OutgoingListQuerySerializer(serializers.Serializer):
    list = serializers.ChoiceField(
        choices=LISTS, default="mine",
        help_text="The work list: `mine` the caller's unfinished drafts (default), `to_review`, `to_sign` "
                  "(approve as signer, or sign), `to_issue` (clerks), `issued`, `received` inside the agency, "
                  "`overdue_reviews`.")
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="Text in the summary.")


def _narrow(field: serializers.Field, queryset: QuerySet[Any]) -> None:
    """Set the queryset of a related field, or of each item of a many-related one."""
    if isinstance(field, serializers.ManyRelatedField):
        field = field.child_relation
    # The DRF stubs type RelatedField.queryset as "QuerySet | Manager", and mypy then applies
    # Manager.__get__ to every access of it.
    cast(serializers.RelatedField, field).queryset = queryset  # type: ignore[arg-type]


class OutgoingFieldsSerializer(serializers.Serializer):
    """The editable fields of a draft and its recipients (agencies, units, people, paper)."""

    doc_type = DocTypeField()
    summary = serializers.CharField(max_length=500, help_text="Trích yếu, e.g. `V/v báo cáo tình hình … năm 2026`.")
    field = serializers.PrimaryKeyRelatedField(queryset=Field.objects.none(), required=False, allow_null=True,
                                               help_text="Field of work of the caller's agency.")
    deadline = serializers.DateField(required=False, allow_null=True,
                                     help_text="Handling deadline inside the agency; never sent to the recipients.")
    reply_deadline = serializers.DateField(required=False, allow_null=True,
                                           help_text="Reply asked of the recipients by this date (sent with it).")
    urgency = UrgencyField(required=False, allow_blank=True)
    secrecy = SecrecyField(required=False, allow_blank=True)
    priority = PriorityField(required=False, allow_blank=True)
    copies = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    kept_by = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                    help_text="Unit or person keeping the filed copy.")
    agencies = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.none(), many=True, required=False,
                                                  help_text="Other agencies of the installation.")
    units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.none(), many=True, required=False,
                                               help_text="Units of the agency.")
    people = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none(), many=True, required=False,
                                                help_text="People of the agency.")
    paper = serializers.ListField(child=serializers.CharField(max_length=610), required=False,
                                  help_text="Paper recipients, each `name | address` (the address is optional).")

    DOCUMENT_FIELDS = ["doc_type", "summary", "field", "deadline", "reply_deadline", "urgency", "secrecy", "priority",
                       "copies", "kept_by"]
    RECIPIENT_FIELDS = ["agencies", "units", "people", "paper"]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        agency = self.context.get("agency")
        if agency is not None:
            _narrow(fields["field"], Field.objects.filter(agency=agency))
            _narrow(fields["agencies"], Agency.objects.filter(is_active=True).exclude(pk=agency.pk))
            _narrow(fields["units"], Unit.objects.filter(agency=agency, is_active=True))
            _narrow(fields["people"], Person.objects.filter(agency=agency, is_active=True))
        return fields

    def document_fields(self) -> dict[str, Any]:
        data = self.validated_data
        fields = {name: data[name] for name in self.DOCUMENT_FIELDS if name in data}
        for name in ("urgency", "secrecy", "priority"):
            if name in fields:
                fields[name] = fields[name] or ""
        return fields

    def recipients(self) -> list[RecipientSpec] | None:
        """The recipients asked for; None when none of the recipient fields was sent (keep them)."""
        data = self.validated_data
        if not any(name in data for name in self.RECIPIENT_FIELDS):
            return None
        specs = [RecipientSpec(kind=Recipient.Kind.AGENCY, agency=a, name=a.name) for a in data.get("agencies", [])]
        specs += [RecipientSpec(kind=Recipient.Kind.UNIT, unit=u, name=u.name) for u in data.get("units", [])]
        specs += [RecipientSpec(kind=Recipient.Kind.PERSON, person=p, name=p.full_name)
                  for p in data.get("people", [])]
        for line in data.get("paper", []):
            if line.strip():
                name, _sep, address = line.partition("|")
                specs.append(RecipientSpec(kind=Recipient.Kind.PAPER, name=name.strip(), address=address.strip()))
        return specs


class OutgoingChangeSerializer(OutgoingFieldsSerializer):
    """Change a draft: only the fields sent change; any recipient field sent replaces all recipients."""

    doc_type = DocTypeField(required=False)
    summary = serializers.CharField(max_length=500, required=False)


class OutgoingDraftSerializer(OutgoingFieldsSerializer):
    """Start a draft: its fields, recipients and files, as multipart."""

    drafting_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.none(), required=False, allow_null=True,
        help_text="One of the caller's units; empty: the unit of their main post.")
    upload = UploadField(required=False, allow_null=True,
                                   help_text="The draft (DOCX, or PDF). Required before submitting.")
    attachments = serializers.ListField(child=UploadField(), required=False, default=list,
                                        help_text="Files issued with it (PDF or DOCX); signed by the agency at "
                                                  "issuing.")
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                    help_text="Note on the first version.")
    reply_to = ObjectId(required=False, allow_null=True, default=None,
                                        help_text="Id of an incoming document the caller may see that it answers.")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        agency = self.context.get("agency")
        person = self.context.get("person")
        if agency is not None and person is not None:
            _narrow(fields["drafting_unit"], Unit.objects.filter(pk__in=roles_of(person).unit_ids, agency=agency))
        return fields


class OutgoingVersionInputSerializer(serializers.Serializer):
    upload = UploadField(help_text="The new version (DOCX or PDF).")
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                    help_text="What changed.")


class OutgoingSubmitSerializer(serializers.Serializer):
    signer = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_active=True),
                                                help_text="Who signs it: one of the detail's `signers`.")
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                    help_text="Note to the reviewers.")
    cosigners = serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_active=True)), required=False,
        default=list, max_length=20,
        help_text="Other signers, in signing order after `signer` (several signers, docs/signing.md).")
    co_issuers = serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(queryset=Agency.objects.filter(is_active=True)), required=False,
        default=list, max_length=10,
        help_text="Co-issuing agencies of a joint document: each one's head signs it (unless one of `cosigners` "
                  "signs for it), each one's clerk records it in its register and seals it.")
    mode = SigningModeField(required=False, default="")
    needed = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                      help_text="For `mode` `quorum`: how many of the signers must approve and sign.")


class OutgoingApproveSerializer(serializers.Serializer):
    opinion = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    disagreement = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000,
                                         help_text="Disagreement with the drafter, shown to the signer.")
    certificate = ObjectId(required=False, allow_null=True, default=None,
                           help_text="Initial the draft (ký nháy) with this certificate of the caller's before "
                                     "approving (see `initial_mode`); with a key at a signing service the approval "
                                     "waits for it (`initial_session`).")
    secret = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False,
                                   style={"input_type": "password"},
                                   help_text="The certificate's passphrase or PIN (server keys).")


class OutgoingReturnSerializer(serializers.Serializer):
    opinion = serializers.CharField(allow_blank=True, max_length=5000, help_text="What should be changed.")
    to = ReturnToField(required=False, default="drafter")


class OutgoingSignSerializer(serializers.Serializer):
    certificate = ObjectId(help_text="Id of one of the caller's active certificates.")
    secret = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False,
                                   style={"input_type": "password"},
                                   help_text="Passphrase or PIN; empty for a key whose passphrase the system keeps.")


class OutgoingIssueSerializer(serializers.Serializer):
    register = ObjectId(required=False, allow_null=True, default=None,
                                        help_text="Outgoing register of the agency; empty: the ordinary one, or the "
                                                  "secret one for a secret document.")


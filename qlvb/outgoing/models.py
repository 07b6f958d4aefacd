"""Outgoing documents (văn bản đi): drafts with versions, the review loop, signing authorisation,
numbering and issuing, recipients and deliveries (R11–R15)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core.doctypes import DOCUMENT_TYPES, Priority, Secrecy, Urgency


class OutgoingSettings(models.Model):
    """Per-agency configuration of the review loop and of issuing."""

    class Initials(models.TextChoices):
        """The reviewers' initial signature (ký nháy) on the draft, by the unit head and the office's
        format checker when they approve (outgoing.initials)."""

        OFF = "off", _("Not used")
        OPTIONAL = "optional", _("Optional: the reviewer chooses")
        REQUIRED = "required", _("Required to approve")

    agency = models.OneToOneField("org.Agency", on_delete=models.CASCADE, related_name="outgoing_settings")
    office_check = models.BooleanField(_("format check by the office before the signer"), default=True)
    office_checker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name=_("format checker"))
    place = models.CharField(_("place name in the date line"), max_length=100, default="Sơn La")
    review_days = models.PositiveIntegerField(_("working days for each review"), default=3)
    # The QR code and verification code in the bottom-left margin of page 1 (outgoing.codes); the
    # code itself is given to every issued document either way.
    verification_mark = models.BooleanField(_("print the verification code and QR code on issued documents"),
                                            default=True)
    initials = models.CharField(_("initial signatures (ký nháy) of the unit head and the format checker"),
                                max_length=10, choices=Initials.choices, default=Initials.OFF)


class DraftTemplate(models.Model):
    """An agency's Word template for drafts of one document type (or of every type, doc_type ""),
    in the NĐ30 layout, with placeholders (outgoing/layout.py lists them). Managed by the agency's
    administrator; without one, drafts start from the built-in layout."""

    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="draft_templates")
    doc_type = models.CharField(_("document type"), max_length=5, blank=True)
    name = models.CharField(_("name"), max_length=200)
    stored = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Set while it waits in the bin (core.bin): hidden from every list and choice.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [models.Index(fields=["agency", "doc_type", "is_active"], name="drafttemplate_lookup")]

    def __str__(self) -> str:
        return self.name


class OutgoingDocument(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being drafted")
        IN_REVIEW = "in_review", _("In review")
        RETURNED = "returned", _("Returned to the drafter")
        APPROVED = "approved", _("Approved, waiting for the signature")
        SIGNED = "signed", _("Signed, waiting to be issued")
        # A joint document numbered by the lead agency, waiting for the co-issuing agencies' seals.
        SEALING = "sealing", _("Numbered, waiting for the co-issuing agencies' seals")
        ISSUED = "issued", _("Issued")
        CANCELLED = "cancelled", _("Cancelled")

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="outgoing_documents")
    drafting_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("drafting unit"))
    drafter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("drafter"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    doc_type = models.CharField(_("document type"), max_length=4, choices=DOCUMENT_TYPES)
    summary = models.CharField(_("summary"), max_length=500)
    field = models.ForeignKey("org.Field", null=True, blank=True, on_delete=models.SET_NULL,
                              verbose_name=_("field of work"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)  # of the handling, inside the agency
    # Asked of the recipients (edXML DueDate, their "Hạn trả lời"): only when the drafter sets it.
    reply_deadline = models.DateField(_("reply requested by"), null=True, blank=True)
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices, blank=True, default="")
    secrecy = models.CharField(_("secrecy"), max_length=10, choices=Secrecy.choices, blank=True, default="")
    priority = models.CharField(_("priority"), max_length=5, choices=Priority.choices, blank=True, default="")
    reply_to = models.ForeignKey("incoming.IncomingDocument", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="replies", verbose_name=_("reply to"))
    directive = models.TextField(_("directive it comes from"), blank=True)
    related_incoming = models.ManyToManyField("incoming.IncomingDocument", blank=True, related_name="+",
                                              verbose_name=_("related incoming documents"))
    related_outgoing = models.ManyToManyField("self", blank=True, symmetrical=False, related_name="+",
                                              verbose_name=_("related outgoing documents"))

    signer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("signer"))
    signing_capacity = models.CharField(_("signing capacity"), max_length=3, blank=True)
    signer_title = models.CharField(_("signer's title in the signature block"), max_length=200, blank=True)
    # Several signers (outgoing/cosigning.py; docs/signing.md "Several signers and joint documents"):
    # "" for the usual one signer (`signer`); otherwise the signers are DocumentSigner rows, `signer`
    # being the first of them (the lead agency's).
    signing_mode = models.CharField(_("signing mode"), max_length=8, blank=True, default="",
                                    choices=[("", _("One signer")), ("order", _("All, one after the other")),
                                             ("parallel", _("All, at the same time")),
                                             ("quorum", _("k of n"))])
    signers_needed = models.PositiveSmallIntegerField(_("signatures needed"), null=True, blank=True)

    register = models.ForeignKey("registers.Register", null=True, blank=True, on_delete=models.PROTECT,
                                 verbose_name=_("register"))
    year = models.PositiveIntegerField(null=True, blank=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    notation = models.CharField(_("notation"), max_length=30, blank=True)
    issued_at = models.DateTimeField(_("issue date"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    issued_file = models.ForeignKey("files.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    # Given at issue (outgoing.codes): what the public page /verify/<code>/ is opened with.
    verification_code = models.CharField(_("verification code"), max_length=12, null=True, blank=True,
                                         unique=True, editable=False)
    copies = models.PositiveIntegerField(_("copies"), default=1)
    kept_by = models.CharField(_("unit or person keeping the filed copy"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["register", "year", "number"], name="outgoing_unique_number")]
        indexes = [
            models.Index(fields=["agency", "status", "-created_at"], name="outgoing_agency_status"),
            models.Index(fields=["drafter", "status"], name="outgoing_drafter"),
            models.Index(fields=["signer", "status"], name="outgoing_signer"),
            models.Index(fields=["agency", "-issued_at"], name="outgoing_issued"),
            # The issued list's grants (a leader's, a clerk's): a range of it in order, no sort; the
            # index above starts, on PostgreSQL, with the drafts' empty issue dates.
            models.Index(fields=["agency", "status", "-issued_at", "-id"], name="outgoing_issued_list"),
        ]
        verbose_name = _("outgoing document")
        verbose_name_plural = _("outgoing documents")

    def __str__(self) -> str:
        return f"{self.reference} – {self.summary[:120]}"

    @property
    def reference(self) -> str:
        if self.number is None:
            return str(_("Draft"))
        return f"{self.number:02d}/{self.notation}"

    @property
    def verification_code_display(self) -> str:
        from qlvb.outgoing.codes import formatted

        return formatted(self.verification_code) if self.verification_code else ""

    @property
    def is_urgent(self) -> bool:
        return bool(self.urgency)

    @property
    def is_open(self) -> bool:
        """Not issued or cancelled yet: its handling deadline can pass."""
        return self.status not in (self.Status.ISSUED, self.Status.CANCELLED)


class DraftVersion(models.Model):
    """Every upload is a new version: who, in which role, when and why (R13)."""

    class Role(models.TextChoices):
        DRAFTER = "drafter", _("Drafter")
        UNIT_HEAD = "unit_head", _("Unit head")
        OFFICE = "office", _("Office (format check)")
        SIGNER = "signer", _("Signer")
        CLERK = "clerk", _("Clerk")

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    stored = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=255)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices)
    comment = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="version_unique_number")]


class Attachment(models.Model):
    """A separate file issued with the document; the agency signs each at issue time."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="attachments")
    stored = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    signed = models.ForeignKey("files.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=255)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]


class ReviewStep(models.Model):
    class Kind(models.TextChoices):
        UNIT_HEAD = "unit_head", _("Unit head review")
        OFFICE = "office", _("Format check")
        SIGNER = "signer", _("Signer's approval")

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        PENDING = "pending", _("To review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")
        SUPERSEDED = "superseded", _("Superseded")
        NOT_NEEDED = "not_needed", _("Not needed (enough signers approved)")

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveIntegerField(default=1)
    order = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_steps")
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    opinion = models.TextField(blank=True)
    disagreement = models.TextField(_("disagreement"), blank=True)
    version = models.ForeignKey(DraftVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_date = models.DateField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    acted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    acted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "order"]
        indexes = [
            models.Index(fields=["reviewer", "state", "due_date"], name="step_reviewer_inbox"),
            # Reminders (notifications.reminders): reviews pending past their due date.
            models.Index(fields=["due_date"], name="step_pending_due", condition=Q(state="pending")),
        ]


class DocumentSigner(models.Model):
    """One of several signers of a document (signing_mode set), in signing order: for a joint
    document, the head of each issuing agency, the lead agency's first."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="signers")
    order = models.PositiveSmallIntegerField()
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    capacity = models.CharField(max_length=3, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["document", "person"], name="docsigner_unique_person")]


class CoIssuer(models.Model):
    """A co-issuing agency of a joint document (văn bản liên tịch): its clerk records the document
    in its own outgoing register (its own number there) and seals it with the agency's key."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="co_issuers")
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="joint_documents")
    order = models.PositiveSmallIntegerField()
    register = models.ForeignKey("registers.Register", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    year = models.PositiveIntegerField(null=True, blank=True)
    number = models.PositiveIntegerField(null=True, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)
    sealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["document", "agency"], name="coissuer_unique_agency"),
                       models.UniqueConstraint(fields=["register", "year", "number"], name="coissuer_unique_number")]
        indexes = [models.Index(fields=["agency", "sealed_at"], name="coissuer_waiting")]


class SigningAuthorisation(models.Model):
    """A signer's consent to sign this version with this certificate, kept (encrypted, single use)
    until the clerk numbers and issues the document — as remote signing services do — so that the
    number and date are part of what both signatures cover. One per signer."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="authorisations")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    certificate = models.ForeignKey("signatures.Certificate", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    secret = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "signer"], name="authorisation_unique_signer")]


class Initial(models.Model):
    """A reviewer's initial signature (ký nháy) over one draft version: the version's PDF (a DOCX
    converted) signed, invisibly, with the reviewer's own certificate when he approved it
    (outgoing.initials). Kept with the version it covers, shown to the signer."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="initials")
    step = models.OneToOneField(ReviewStep, on_delete=models.CASCADE, related_name="initial")
    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="initials")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    certificate = models.ForeignKey("signatures.Certificate", on_delete=models.PROTECT, related_name="+")
    fingerprint = models.CharField(max_length=64)
    subject = models.CharField(max_length=1000)
    provider = models.CharField(max_length=20, default="server")
    signed = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at", "id"]


class Recipient(models.Model):
    class Kind(models.TextChoices):
        AGENCY = "agency", _("Agency of the installation")
        UNIT = "unit", _("Unit of our agency")
        PERSON = "person", _("Person of our agency")
        PAPER = "paper", _("Paper recipient")

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="recipients")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    agency = models.ForeignKey("org.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    name = models.CharField(_("name"), max_length=300, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.name or str(self.agency or self.unit or self.person)


class Delivery(models.Model):
    """A copy for another agency of the installation, waiting to be picked up by its reception
    queue (built with the exchange between agencies). A real record, not a fake delivery."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the receiver's reception queue")
        DELIVERED = "delivered", _("In the receiver's reception queue")

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="deliveries")
    recipient_agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="incoming_deliveries")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "recipient_agency"], name="delivery_unique")]
        indexes = [models.Index(fields=["recipient_agency", "state"], name="delivery_inbox")]


class OutgoingAccess(models.Model):
    """Who may see an outgoing document (visibility as data, like incoming.DocumentAccess).

    `issued_at` is the document's issue time while it is issued, None before and once cancelled,
    kept in step by the services in the same transaction (issue, cancel, every grant): the list of
    issued documents reads a person's rows newest first from one index and stops after a page,
    instead of joining every row the person holds with every issued document of the agency."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="access")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=12)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "person"], condition=Q(person__isnull=False),
                                    name="outaccess_document_person"),
            models.UniqueConstraint(fields=["document", "unit"], condition=Q(unit__isnull=False),
                                    name="outaccess_document_unit"),
        ]
        indexes = [models.Index(fields=["person", "document"], name="outaccess_person"),
                   models.Index(fields=["unit", "document"], name="outaccess_unit"),
                   models.Index(fields=["person", "issued_at", "document"], condition=Q(issued_at__isnull=False),
                                name="outaccess_person_issued"),
                   models.Index(fields=["unit", "issued_at", "document"], condition=Q(issued_at__isnull=False),
                                name="outaccess_unit_issued")]

"""Exchange between agencies (R8, R16): the reception queue, statuses back to the sender,
peers (other installations), the persistent outbound queue and official mailboxes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# QCVN 102:2016 status codes (edXML StatusCode).
STATUS_CODES = {
    "01": _("Arrived"),
    "02": _("Refused by the receiver"),
    "03": _("Accepted"),
    "04": _("Assigned"),
    "05": _("In progress"),
    "06": _("Completed"),
    "13": _("Asked to take back"),
    "15": _("Agreed to the recall or update"),
    "16": _("Refused the recall or update"),
}


class AxisConnection(models.Model):
    """The installation's connection to the national document-exchange axis (Trục liên thông văn
    bản quốc gia) as a system: its endpoint, system id and secret (stored encrypted, like signing
    keys). The agencies reached through it are the codes of its route (a Peer with transport
    "axis"); see exchange/axis and docs/exchange-axis.md."""

    class Kind(models.TextChoices):
        VXP = "vxp", _("National document-exchange axis (VXP)")
        LGSP = "lgsp", _("Provincial gateway (LGSP): not yet supported")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.VXP)
    endpoint = models.URLField(_("endpoint"), max_length=300)
    system_id = models.CharField(_("system id"), max_length=100)
    secret = models.BinaryField(default=b"")
    file_path = models.CharField(_("folder sent as filePath"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_poll_at = models.DateTimeField(null=True, blank=True)
    last_poll_error = models.CharField(max_length=1000, blank=True)
    last_poll_received = models.PositiveIntegerField(default=0)
    directory_synced_at = models.DateTimeField(null=True, blank=True)
    directory_result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("axis connection")

    def __str__(self) -> str:
        return self.name


class Peer(models.Model):
    """Where packages for some agency codes go: another QLVB (or another vendor's) installation
    reached peer to peer, or the national axis (transport "axis", through `axis`)."""

    class Transport(models.TextChoices):
        QLVB = "qlvb", _("Another installation (edXML over HTTPS)")
        AXIS = "axis", _("National document-exchange axis")

    name = models.CharField(_("name"), max_length=200)
    transport = models.CharField(_("transport"), max_length=8, choices=Transport.choices, default=Transport.QLVB)
    axis = models.ForeignKey(AxisConnection, null=True, blank=True, on_delete=models.PROTECT, related_name="routes")
    base_url = models.URLField(_("exchange address"), max_length=300, blank=True)
    agency_codes = models.TextField(_("agency codes it serves"), help_text=_("One code per line, e.g. 000.00.01.H51."))
    inbound_token_hash = models.CharField(max_length=64, unique=True)
    outbound_secret = models.BinaryField(default=b"")
    require_signature = models.BooleanField(
        _("refuse packages without a valid signature from a trusted authority"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("exchange peer")
        constraints = [models.CheckConstraint(condition=models.Q(transport="axis", axis__isnull=False)
                                              | models.Q(transport="qlvb", axis__isnull=True),
                                              name="peer_axis_transport")]

    def __str__(self) -> str:
        return self.name

    @property
    def codes(self) -> list[str]:
        return [c.strip() for c in self.agency_codes.replace(",", "\n").splitlines() if c.strip()]


class Mailbox(models.Model):
    """An official mailbox read over IMAP; its edXML attachments go to the reception queue."""

    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+")
    host = models.CharField(_("IMAP server"), max_length=200)
    port = models.PositiveIntegerField(_("port"), default=993)
    use_ssl = models.BooleanField(_("SSL"), default=True)
    username = models.CharField(_("user name"), max_length=200)
    password = models.BinaryField(default=b"")
    folder = models.CharField(_("folder"), max_length=100, default="INBOX")
    require_signature = models.BooleanField(
        _("refuse packages without a valid signature from a trusted authority"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("official mailbox")


class ReceptionItem(models.Model):
    """A package that arrived for an agency of this installation: waiting for its clerk, then
    accepted (registered as an incoming document) or rejected; or invalid (refused on arrival)."""

    class Source(models.TextChoices):
        INSTALLATION = "installation", _("Agency of this installation")
        PEER = "peer", _("Other installation")
        MAILBOX = "mailbox", _("Official mailbox")

    class Kind(models.TextChoices):
        NEW = "new", _("New document")
        RECALL = "recall", _("Recall")
        UPDATE = "update", _("Update")
        REPLACE = "replace", _("Replacement")

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for acceptance")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        INVALID = "invalid", _("Invalid")

    receiver = models.ForeignKey("org.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="reception_items")
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    peer = models.ForeignKey(Peer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    mailbox = models.ForeignKey(Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.NEW)
    sender_code = models.CharField(_("sender's agency code"), max_length=35, blank=True)
    sender_name = models.CharField(_("sender"), max_length=200, blank=True)
    sender_agency = models.ForeignKey("org.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    document_id = models.CharField(_("document identifier"), max_length=200)
    outgoing = models.ForeignKey("outgoing.OutgoingDocument", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="reception_items")
    package = models.ForeignKey("files.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    fields = models.JSONField(default=dict, blank=True)
    reference = models.CharField(_("number and notation"), max_length=60, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    doc_type = models.CharField(_("document type"), max_length=4, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.WAITING)
    reason = models.TextField(_("reason"), blank=True)
    incoming = models.ForeignKey("incoming.IncomingDocument", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="reception_items")
    original = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="changes")
    received_at = models.DateTimeField(_("arrived at"), default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-urgent", "-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["receiver", "sender_code", "document_id", "kind"],
                                               name="reception_unique_package")]
        indexes = [models.Index(fields=["receiver", "state", "-urgent", "-received_at"], name="reception_queue"),
                   models.Index(fields=["outgoing", "receiver"], name="reception_outgoing")]
        verbose_name = _("reception item")

    def __str__(self) -> str:
        return f"{self.reference or self.document_id} – {self.summary[:120]}"


class ReceptionFile(models.Model):
    class Role(models.TextChoices):
        MAIN = "main", _("Document")
        ATTACHMENT = "attachment", _("Attachment")

    item = models.ForeignKey(ReceptionItem, on_delete=models.CASCADE, related_name="files")
    stored = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=255)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MAIN)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]


class DeliveryStatus(models.Model):
    """One status a receiver sent back about an issued document (history; latest per recipient)."""

    outgoing = models.ForeignKey("outgoing.OutgoingDocument", on_delete=models.CASCADE,
                                 related_name="exchange_statuses")
    recipient_agency = models.ForeignKey("org.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    recipient_code = models.CharField(max_length=35)
    recipient_name = models.CharField(max_length=200, blank=True)
    code = models.CharField(max_length=2)
    description = models.CharField(max_length=1000, blank=True)
    arrival_number = models.CharField(max_length=20, blank=True)
    staff_name = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["outgoing", "recipient_code", "code", "at"],
                                               name="delivery_status_once")]
        indexes = [models.Index(fields=["outgoing", "recipient_code", "at"], name="delivery_status_history")]

    @property
    def label(self) -> str:
        return str(STATUS_CODES.get(self.code, self.code))


class OutboundMessage(models.Model):
    """A package waiting to be sent to a peer: kept until the peer answers 2xx, retried with
    exponential back-off. The key makes enqueueing idempotent; the receiver deduplicates."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        STATUS = "status", _("Status")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Given up")

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="outbound")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    key = models.CharField(max_length=300, unique=True)
    document_id = models.CharField(max_length=200, blank=True)
    outgoing = models.ForeignKey("outgoing.OutgoingDocument", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    payload = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    remote_id = models.CharField(max_length=100, blank=True)  # the axis's DocId of a package sent over it

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbound_due"),
                   models.Index(fields=["document_id"], name="outbound_document")]


class AxisReceipt(models.Model):
    """A package the axis listed for this installation (its docId): stored in the reception queue
    (or the sender's history) or refused, then acknowledged with updateStatus. Polling is
    idempotent on the docId: a package listed again after a crash is acknowledged, not stored
    twice (and receive() is idempotent on the edXML DocumentId besides)."""

    class State(models.TextChoices):
        STORED = "stored", _("Stored, not yet acknowledged")
        REFUSED = "refused", _("Refused, not yet acknowledged")
        DONE = "done", _("Acknowledged")
        FAILED = "failed", _("Refused and acknowledged as failed")

    connection = models.ForeignKey(AxisConnection, on_delete=models.PROTECT, related_name="receipts")
    doc_id = models.CharField(max_length=100)
    message_type = models.CharField(max_length=8)
    from_code = models.CharField(max_length=35, blank=True)
    state = models.CharField(max_length=8, choices=State.choices)
    reason = models.CharField(max_length=1000, blank=True)
    item = models.ForeignKey(ReceptionItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["connection", "doc_id"], name="axis_receipt_once")]

"""Incoming documents (văn bản đến), their files, the routing tree, handling notes and the
access rows that decide who may see them."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core.doctypes import DOCUMENT_TYPES, Priority, Secrecy, Urgency


class IncomingDocument(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Waiting for registration")
        REGISTERED = "registered", _("Waiting for routing")
        ROUTED = "routed", _("Routed")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled (recalled by the sender)")

    class Source(models.TextChoices):
        PAPER = "paper", _("Paper")
        ELECTRONIC = "electronic", _("Electronic")

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="incoming_documents")
    register = models.ForeignKey("registers.Register", null=True, blank=True, on_delete=models.PROTECT,
                                 verbose_name=_("register"))
    arrival_year = models.PositiveIntegerField(null=True, blank=True)
    arrival_number = models.PositiveIntegerField(_("arrival number"), null=True, blank=True)
    received_at = models.DateTimeField(_("arrival date"), default=timezone.now)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.PAPER)

    issuer_agency = models.ForeignKey("org.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("issuing agency"))
    issuer_name = models.CharField(_("issuing agency"), max_length=200)
    issuer_code = models.CharField(_("issuing agency code"), max_length=35, blank=True)
    number = models.CharField(_("number"), max_length=11, blank=True)
    notation = models.CharField(_("notation"), max_length=30, blank=True)
    national_id = models.CharField(_("national document identifier"), max_length=100, blank=True)
    document_date = models.DateField(_("document date"))
    doc_type = models.CharField(_("document type"), max_length=4, choices=DOCUMENT_TYPES)
    summary = models.CharField(_("summary"), max_length=500)
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices, blank=True, default="")
    secrecy = models.CharField(_("secrecy"), max_length=10, choices=Secrecy.choices, blank=True, default="")
    priority = models.CharField(_("priority"), max_length=5, choices=Priority.choices, blank=True, default="")
    pages = models.PositiveIntegerField(_("number of pages"), null=True, blank=True)
    copies = models.PositiveIntegerField(_("copies"), null=True, blank=True)
    signer_name = models.CharField(_("signer"), max_length=100, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=100, blank=True)
    field = models.ForeignKey("org.Field", null=True, blank=True, on_delete=models.SET_NULL,
                              verbose_name=_("field of work"))
    reply_deadline = models.DateField(_("reply deadline"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    presented_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("presented to"))
    presented_at = models.DateTimeField(null=True, blank=True)
    routing_due_at = models.DateTimeField(null=True, blank=True)
    routed_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateField(_("handling deadline"), null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    completion_note = models.CharField(max_length=500, blank=True)
    # Kept by complete()/reopen() so the overview counts late completions from an index instead of
    # comparing two columns on every completed document of the agency.
    completed_late = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("incoming document")
        verbose_name_plural = _("incoming documents")
        constraints = [
            models.UniqueConstraint(fields=["register", "arrival_year", "arrival_number"],
                                    name="incoming_unique_arrival_number"),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "-received_at"], name="incoming_agency_status"),
            # Lists in list order, for task-based lists filtered by pk IN (the person's assignments).
            models.Index(fields=["agency", "-received_at", "-id"], name="incoming_agency_received"),
            models.Index(fields=["presented_to", "status"], name="incoming_presented"),
            models.Index(fields=["agency", "issuer_name", "number", "notation"], name="incoming_duplicate"),
            models.Index(fields=["agency", "national_id"], name="incoming_national_id"),
            models.Index(fields=["agency"], name="incoming_secret", condition=~Q(secrecy="")),
            # Late routing in the overview: documents still waiting for routing, by due time.
            models.Index(fields=["agency", "status", "routing_due_at", "secrecy"], name="incoming_waiting_routing",
                         condition=Q(routed_at__isnull=True)),
            # Reminders (notifications.reminders): routed documents near or past their deadline.
            models.Index(fields=["deadline"], name="incoming_open_deadline",
                         condition=Q(status__in=["routed", "in_progress"])),
        ]

    def __str__(self) -> str:
        return f"{self.reference} – {self.summary[:120]}"

    @property
    def reference(self) -> str:
        """Số, ký hiệu as written on the document, e.g. 15/QĐ-UBND."""
        if self.number and self.notation:
            return f"{self.number}/{self.notation}"
        return self.number or self.notation or "—"

    @property
    def is_urgent(self) -> bool:
        return bool(self.urgency)

    @property
    def is_secret(self) -> bool:
        return bool(self.secrecy)

    @property
    def is_open(self) -> bool:
        """Still to be handled: its deadline can pass."""
        return self.status not in (self.Status.COMPLETED, self.Status.CANCELLED)

    @property
    def presentation_is_late(self) -> bool:
        if self.routing_due_at is None:
            return False
        return (self.routed_at or timezone.now()) > self.routing_due_at


class IncomingFile(models.Model):
    class Role(models.TextChoices):
        MAIN = "main", _("Document")
        ATTACHMENT = "attachment", _("Attachment")

    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="files")
    stored = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=255)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MAIN)
    order = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "id"]


class Assignment(models.Model):
    """One routing of a document to a unit or a person (a node of the routing tree)."""

    class Role(models.TextChoices):
        MAIN = "main", _("Main handler")
        COORDINATE = "coordinate", _("Coordinator")
        INFO = "info", _("For information")

    class State(models.TextChoices):
        PENDING = "pending", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN_STATES = (State.PENDING, State.IN_PROGRESS)

    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="assignments")
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    assignee_person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="incoming_assignments")
    assignee_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="incoming_assignments")
    role = models.CharField(max_length=10, choices=Role.choices)
    directive = models.TextField(_("directive"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    # Copies of the document's, kept by the services: the work lists sort and filter a person's or
    # a unit's tasks by them from one index, instead of fetching every document of a unit's
    # thousands of tasks to sort them (see selectors.work_list).
    received_at = models.DateTimeField()
    secret = models.BooleanField(default=False)
    # The unit whose task this one was passed down from (the parent's assignee unit): the unit
    # head's overview counts these from their own index instead of joining every task to its parent.
    via_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 db_index=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(assignee_person__isnull=False, assignee_unit__isnull=True)
                           | Q(assignee_person__isnull=True, assignee_unit__isnull=False)),
                name="assignment_one_assignee",
            ),
        ]
        indexes = [
            # The navigation counts: every column they read, so they come from the index alone.
            models.Index(fields=["assignee_person", "state", "deadline", "role", "document"],
                         name="assignment_person_inbox"),
            models.Index(fields=["assignee_unit", "state", "deadline", "role", "document"],
                         name="assignment_unit_inbox"),
            # The work lists, newest first (selectors.work_list).
            models.Index(fields=["assignee_person", "state", "-received_at", "-document", "role", "secret"],
                         name="assignment_person_list"),
            models.Index(fields=["assignee_unit", "state", "-received_at", "-document", "role", "secret"],
                         name="assignment_unit_list"),
            models.Index(fields=["via_unit", "state", "deadline", "role", "assignee_unit"], name="assignment_via_unit",
                         condition=Q(via_unit__isnull=False)),
            models.Index(fields=["agency", "state", "deadline"], name="assignment_agency"),
            # The overview's open work: only open, non-informational tasks, with every column the
            # counts read, so they are answered from this (small) index alone.
            models.Index(fields=["agency", "deadline", "assignee_unit", "document"], name="assignment_open_work",
                         condition=Q(state__in=["pending", "in_progress"]) & ~Q(role="info")),
            # Reminders (notifications.reminders): open tasks near or past their deadline, all agencies.
            models.Index(fields=["deadline"], name="assignment_open_deadline",
                         condition=Q(state__in=["pending", "in_progress"]) & ~Q(role="info")),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.assignee_person or self.assignee_unit}"

    @property
    def assignee(self) -> object:
        return self.assignee_person or self.assignee_unit

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class HandlingNote(models.Model):
    """What the handlers write: progress, proposals, a coordinator's contribution."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Progress")
        PROPOSAL = "proposal", _("Proposal")
        CONTRIBUTION = "contribution", _("Contribution")
        COMPLETION = "completion", _("Completion")
        REOPENING = "reopening", _("Reopening")

    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="notes_set")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]


class DocumentAccess(models.Model):
    """Who may see a document, decided when it is registered, presented and routed.

    A person row lets that person see it; a unit row lets the unit's heads see it (not for
    secret documents, which only ever get person rows)."""

    class Reason(models.TextChoices):
        REGISTERED = "registered", _("Registered it")
        PRESENTED = "presented", _("Presented to")
        ASSIGNED = "assigned", _("Routed to")

    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="access")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=12, choices=Reason.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "person"], condition=Q(person__isnull=False),
                                    name="access_document_person"),
            models.UniqueConstraint(fields=["document", "unit"], condition=Q(unit__isnull=False),
                                    name="access_document_unit"),
        ]
        indexes = [
            models.Index(fields=["person", "document"], name="access_person"),
            models.Index(fields=["unit", "document"], name="access_unit"),
        ]


class IncomingTally(models.Model):
    """How many documents of an agency are in each status (and how many were completed late),
    kept by the services in the same transaction as the change, so the leader's overview reads a
    few rows instead of counting a million documents. `manage.py recount_incoming` (also run each
    night) recomputes it from the documents."""

    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20)
    secret = models.BooleanField()
    late = models.BooleanField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "status", "secret", "late"], name="tally_unique")]


class OpenWorkTally(models.Model):
    """Open, non-informational tasks of an agency by assignee unit (0: a person) and deadline
    (NO_DEADLINE: none), kept by the services like IncomingTally. "Overdue" and "due soon" move
    with the calendar, so they are sums over deadline ranges of these few rows instead of counts
    over every open task (150,000 at a million documents)."""

    NO_DEADLINE = date(9999, 12, 31)

    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+")
    unit_id = models.IntegerField()  # a plain column: 0 stands for "a person", so the key stays unique
    deadline = models.DateField()
    secret = models.BooleanField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "unit_id", "deadline", "secret"],
                                               name="open_work_tally_unique")]


class UnitTally(models.Model):
    """How many documents each unit was given (a task of the unit, whatever became of it), by the
    document's status and whether it was completed late: the unit head's overview, which counted
    the unit's whole history (250,000 documents for a busy unit) on every request. Kept by the
    services like IncomingTally (tally.key carries the document's units)."""

    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20)
    late = models.BooleanField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "status", "late"], name="unit_tally_unique")]

"""Tasks (giao việc, R19, 003 Đ7): work not tied to a routed document — a leader's instruction, a
meeting's conclusion, a programme item, or a task the provincial committee assigns through the
integration API. One row per task; sub-tasks point to their parent. Every change goes through
services.py, which records it as an event (the task's timeline)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Task(models.Model):
    class Source(models.TextChoices):
        INSTRUCTION = "instruction", _("Leader's instruction")
        MEETING = "meeting", _("Meeting conclusion")
        PROGRAMME = "programme", _("Work programme item")
        PROVINCIAL = "provincial", _("Assigned by the provincial committee")
        DOCUMENT = "document", _("Directive document")

    class Status(models.TextChoices):
        PENDING = "pending", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Evaluation(models.TextChoices):
        EXCELLENT = "excellent", _("Excellently completed")
        GOOD = "good", _("Well completed")
        MET = "met", _("Completed")
        NOT_MET = "not_met", _("Not completed")

    OPEN_STATUSES = (Status.PENDING, Status.IN_PROGRESS)

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="subtasks")
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.INSTRUCTION)
    # The meeting conclusion's, the programme item's or the provincial system's reference.
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    owner_person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="owned_tasks", verbose_name=_("owner"))
    owner_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="owned_tasks", verbose_name=_("owner unit"))
    # The unit whose work it is (the owner unit, or the unit of the owner person's post): the unit
    # head's overview reads its (unit, status, deadline) index alone.
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    result = models.TextField(_("result"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    evaluation = models.CharField(_("evaluation"), max_length=10, choices=Evaluation.choices, blank=True)
    evaluation_note = models.TextField(_("evaluation note"), blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    evaluated_at = models.DateTimeField(null=True, blank=True)
    # The caller's key of a task received through the integration API: the same key twice is
    # the same task (a retried call creates nothing).
    idempotency_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner_person__isnull=False, owner_unit__isnull=True)
                           | Q(owner_person__isnull=True, owner_unit__isnull=False)),
                name="task_one_owner"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_percent"),
            models.UniqueConstraint(fields=["assigned_by", "idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="task_idempotency_key"),
        ]
        indexes = [
            # The lists: a person's, a unit's, the assigner's and the agency's, by status and deadline.
            models.Index(fields=["owner_person", "status", "deadline", "id"], name="task_owner_person"),
            models.Index(fields=["owner_unit", "status", "deadline", "id"], name="task_owner_unit"),
            models.Index(fields=["unit", "status", "deadline", "id"], name="task_unit"),
            models.Index(fields=["assigned_by", "status", "deadline", "id"], name="task_assigned_by"),
            models.Index(fields=["agency", "status", "deadline", "id"], name="task_agency"),
            # A meeting's conclusions and a programme's items follow their tasks (selectors.from_sources).
            models.Index(fields=["agency", "source", "source_ref"], name="task_source",
                         condition=~Q(source_ref="")),
            # The open lists in deadline order straight from the index: "status IN (two values)"
            # on the indexes above makes the database sort every open task of a unit.
            models.Index(fields=["owner_person", "deadline", "id"], name="task_open_person",
                         condition=Q(status__in=["pending", "in_progress"])),
            models.Index(fields=["owner_unit", "deadline", "id"], name="task_open_owner_unit",
                         condition=Q(status__in=["pending", "in_progress"])),
            models.Index(fields=["unit", "deadline", "id"], name="task_open_unit",
                         condition=Q(status__in=["pending", "in_progress"])),
            # The reminders' run (notifications.reminders._tasks): open tasks due by a date, all agencies.
            models.Index(fields=["deadline", "id"], name="task_open_deadline",
                         condition=Q(status__in=["pending", "in_progress"], deadline__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title[:120]

    @property
    def owner(self) -> object:
        return self.owner_person or self.owner_unit

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.localdate()


class Coordinator(models.Model):
    """A person or unit coordinating (phối hợp) a task: sees it and reports on it."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="coordinators")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=(Q(person__isnull=False, unit__isnull=True)
                                              | Q(person__isnull=True, unit__isnull=False)),
                                   name="task_coordinator_one"),
        ]
        indexes = [
            models.Index(fields=["person", "task"], name="task_coord_person"),
            models.Index(fields=["unit", "task"], name="task_coord_unit"),
        ]

    def __str__(self) -> str:
        return str(self.person or self.unit)


class Report(models.Model):
    """A progress report (báo cáo tiến độ) by the owner or a coordinator, with its files."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    progress = models.PositiveSmallIntegerField(null=True, blank=True)  # a coordinator's report sets none
    note = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.note[:80]


class TaskFile(models.Model):
    """A file of a task: attached to a report or to the completion."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="files")
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    stored = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=255)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        indexes = [models.Index(fields=["stored"], name="task_file_stored")]

    def __str__(self) -> str:
        return self.name


class ExtensionRequest(models.Model):
    """A request to move the deadline (xin gia hạn): a record, never an edit of the task."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    old_deadline = models.DateField()
    requested_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decision_note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["task"], condition=Q(status="pending"),
                                               name="task_one_pending_extension")]

    def __str__(self) -> str:
        return f"{self.old_deadline} → {self.requested_deadline}"


class Link(models.Model):
    """A document of another kind (core.kinds) linked to the task: the directive that created it,
    the report that closes it. Shown only to those who may see that document."""

    class Role(models.TextChoices):
        ORIGIN = "origin", _("Directive that created it")
        RESULT = "result", _("Report that closes it")
        RELATED = "related", _("Related")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=30)
    document_id = models.PositiveBigIntegerField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.RELATED)
    label = models.CharField(max_length=300, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "kind", "document_id"], name="task_link_unique")]
        indexes = [models.Index(fields=["kind", "document_id"], name="task_link_document")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.document_id}"

"""IT staff (chuyên trách CNTT, R27, seed 004): each agency's IT staff with their qualifications,
assignment decision, training and attendance at the Department's meetings (Đ4–Đ6, Đ10.2.a); the
six-monthly and yearly IT reports to the Department from its templates (Đ7.1); IT incidents
reported at once (Đ7.2). "The Department" (Sở Thông tin và Truyền thông) is the agency named by the
installation parameter `itstaff.department_agency` (docs/itstaff.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Degree(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("Postgraduate")
    UNIVERSITY = "university", _("University")
    COLLEGE = "college", _("College")
    INTERMEDIATE = "intermediate", _("Intermediate")
    OTHER = "other", _("Other")


UNIVERSITY_OR_ABOVE = frozenset({Degree.POSTGRADUATE, Degree.UNIVERSITY})


class Staff(models.Model):
    """One person registered as the agency's IT staff (cán bộ chuyên trách CNTT)."""

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    post_title = models.CharField(_("post"), max_length=200, blank=True)
    degree = models.CharField(_("degree"), max_length=20, choices=Degree.choices)
    field_of_study = models.CharField(_("field of study"), max_length=200)
    field_is_it = models.BooleanField(_("the field is IT (or informatics)"), default=False)
    full_time_study = models.BooleanField(_("full-time (chính quy) degree"), default=False)
    # The assignment decision (004 Đ10.2.a), by its kind and id in core.kinds.
    decision_kind = models.CharField(max_length=30, blank=True)
    decision_id = models.PositiveBigIntegerField(null=True, blank=True)
    decision_label = models.CharField(max_length=300, blank=True)
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agency_id", "id"]
        indexes = [models.Index(fields=["agency", "ended_on"], name="itstaff_staff_agency")]
        constraints = [models.UniqueConstraint(fields=["agency", "person"], condition=models.Q(ended_on__isnull=True),
                                               name="itstaff_staff_once")]

    def __str__(self) -> str:
        return str(self.person_id)

    @property
    def meets_standard(self) -> bool:
        """004 Đ4: a full-time university degree (or higher) in IT or informatics."""
        return self.degree in UNIVERSITY_OR_ABOVE and self.field_is_it and self.full_time_study


class Certificate(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="certificates")
    name = models.CharField(_("certificate"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["issued_on", "id"]

    def __str__(self) -> str:
        return self.name


class Training(models.Model):
    """A training course attended, or a meeting of the Department (004 Đ6.1.e, Đ9.2.e) attended or missed."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        MEETING = "meeting", _("Meeting of the Department")

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="trainings")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("date"))
    attended = models.BooleanField(_("attended"), default=True)

    class Meta:
        ordering = ["-held_on", "id"]

    def __str__(self) -> str:
        return self.title


class ReportTemplate(models.Model):
    """A reporting round the Department publishes: a six-monthly or yearly IT report (004 Đ7.1),
    its sections and its deadline."""

    class Period(models.TextChoices):
        FIRST_HALF = "h1", _("First six months")
        YEAR = "year", _("Whole year")

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")  # the Department
    title = models.CharField(_("title"), max_length=300)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    deadline = models.DateField(_("deadline"))
    sections = models.JSONField(default=list)  # [{"key": "s1", "label": "…"}]
    published_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year", "-deadline", "-id"]
        constraints = [models.UniqueConstraint(fields=["period", "year"], name="itstaff_template_once")]

    def __str__(self) -> str:
        return self.title


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Drafted")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for completion")
        ACCEPTED = "accepted", _("Accepted")

    template = models.ForeignKey(ReportTemplate, on_delete=models.PROTECT, related_name="reports")
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    answers = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(null=True, blank=True)  # the first submission (lateness)
    resubmitted_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-template_id", "agency_id"]
        constraints = [models.UniqueConstraint(fields=["template", "agency"], name="itstaff_report_once")]

    def __str__(self) -> str:
        return f"{self.template_id}/{self.agency_id}"

    @property
    def late(self) -> bool:
        return self.submitted_at is not None and timezone.localdate(self.submitted_at) > self.template.deadline


class Incident(models.Model):
    """An IT incident reported to the Department at once (004 Đ7.2)."""

    class Kind(models.TextChoices):
        SERVER = "server", _("Server")
        WAN = "wan", _("WAN link equipment")
        LINE = "line", _("Line (transmission)")
        SECURITY = "security", _("Information security")
        OTHER = "other", _("Other")

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    occurred_at = models.DateTimeField(_("time of occurrence"))
    impact = models.TextField(_("impact"), blank=True)
    handling = models.TextField(_("handling"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["agency", "-occurred_at"], name="itstaff_incident_agency"),
                   models.Index(fields=["occurred_at"], name="itstaff_incident_time")]

    def __str__(self) -> str:
        return self.title

    @property
    def status(self) -> str:
        """What the document-kind registry's grants read (kind.py): its kind, which the search
        index keeps as the incident's status (an incident has no status column)."""
        return self.kind

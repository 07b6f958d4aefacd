"""Meetings (họp, hội nghị; R22, 001 Đ11, 000 Đ3.1.g): the Friday briefing (giao ban), the unit's
monthly meeting, the 6-month and year reviews, and ad hoc meetings. The office prepares the
invitees, agenda and documents (001 Đ11.1.a), records the minutes (biên bản) which the chair
approves, and the chair's conclusions (kết luận, Đ11.3) are published as a notice and become tasks
for the units (through qlvb.tasks.services.create_from). Every change goes through services.py,
which records it as an event (the meeting's timeline)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Series(models.Model):
    """Periodic meetings (the Friday briefing every week, the unit's meeting every month): the
    occurrences are ordinary meetings pointing to their series, made one by one from the last."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        MONTHLY = "monthly", _("Every month")

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    frequency = models.CharField(_("repeats"), max_length=10, choices=Frequency.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.get_frequency_display()


class Meeting(models.Model):
    class Kind(models.TextChoices):
        BRIEFING = "briefing", _("Weekly briefing")
        UNIT_MONTHLY = "unit_monthly", _("Unit's monthly meeting")
        SIX_MONTH = "six_month_review", _("Six-month review")
        YEAR = "year_review", _("Year review")
        AD_HOC = "ad_hoc", _("Ad hoc meeting")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        INVITED = "invited", _("Invitations sent")
        HELD = "held", _("Held")
        CLOSED = "closed", _("Minutes approved")
        CANCELLED = "cancelled", _("Cancelled")

    EDITABLE = (Status.DRAFT, Status.INVITED)

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of meeting"), max_length=20, choices=Kind.choices, default=Kind.AD_HOC)
    title = models.CharField(_("title"), max_length=500)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("chair"))
    secretary = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("secretary"))
    organising_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("organising unit"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    series = models.ForeignKey(Series, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings")
    # The entry on the invitees' schedules (qlvb.schedules), made when the invitations go out.
    schedule_entry = models.ForeignKey("schedules.Entry", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    conclusions_published_at = models.DateTimeField(null=True, blank=True)
    conclusions_published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                                 on_delete=models.PROTECT, related_name="+")
    cancel_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="meeting_ends_after_start")]
        indexes = [
            models.Index(fields=["agency", "starts_at"], name="meeting_agency_start"),
            models.Index(fields=["chair", "starts_at"], name="meeting_chair_start"),
            models.Index(fields=["secretary", "starts_at"], name="meeting_secretary_start"),
            models.Index(fields=["created_by", "starts_at"], name="meeting_creator_start"),
            models.Index(fields=["organising_unit", "starts_at"], name="meeting_unit_start"),
        ]

    def __str__(self) -> str:
        return self.title[:120]

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def conclusions_published(self) -> bool:
        return self.conclusions_published_at is not None


class Invitee(models.Model):
    """A person or a unit invited (thành phần mời), and the answer: accepted, declined or sent a
    substitute (cử người dự thay)."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("Not answered yet")
        ACCEPTED = "accepted", _("Will attend")
        DECLINED = "declined", _("Cannot attend")
        DELEGATED = "delegated", _("Sends a substitute")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, default=Answer.PENDING)
    note = models.CharField(_("note"), max_length=300, blank=True)
    substitute = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("substitute"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=(Q(person__isnull=False, unit__isnull=True)
                                              | Q(person__isnull=True, unit__isnull=False)),
                                   name="meeting_invitee_one"),
            models.UniqueConstraint(fields=["meeting", "person"], condition=Q(person__isnull=False),
                                    name="meeting_invitee_person"),
            models.UniqueConstraint(fields=["meeting", "unit"], condition=Q(unit__isnull=False),
                                    name="meeting_invitee_unit"),
        ]
        indexes = [
            models.Index(fields=["person", "meeting"], name="meeting_invitee_person_idx"),
            models.Index(fields=["unit", "meeting"], name="meeting_invitee_unit_idx"),
            models.Index(fields=["substitute", "meeting"], name="meeting_invitee_subst_idx"),
        ]

    def __str__(self) -> str:
        return str(self.person or self.unit)


class AgendaItem(models.Model):
    """One item of the programme (chương trình): what is discussed, who presents it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("agenda item"), max_length=500)
    presenter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("presenter"))

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title[:120]


class MeetingDocument(models.Model):
    """A document of the meeting: an incoming or outgoing document (by its kind and id, shown only
    to a reader who may see it, core.kinds) or a file uploaded for the meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    agenda_item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="documents")
    kind = models.CharField(max_length=30, blank=True)  # "incoming", "outgoing"; empty for an upload
    document_id = models.PositiveBigIntegerField(null=True, blank=True)
    stored = models.ForeignKey("files.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=300)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.CheckConstraint(condition=(Q(stored__isnull=False, document_id__isnull=True, kind="")
                                              | Q(stored__isnull=True, document_id__isnull=False) & ~Q(kind="")),
                                   name="meeting_document_one"),
        ]
        indexes = [models.Index(fields=["stored"], name="meeting_document_stored"),
                   models.Index(fields=["kind", "document_id"], name="meeting_document_linked")]

    def __str__(self) -> str:
        return self.name


class Attendance(models.Model):
    """Who came (recorded by the secretary)."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Absent with leave")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="meeting_attendance_unique")]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.status}"


class Minutes(models.Model):
    """The minutes (biên bản): drafted by the secretary, submitted to the chair, approved by him;
    approved minutes are frozen."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for the chair's approval")
        APPROVED = "approved", _("Approved")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    body = models.TextField(_("minutes"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    return_note = models.CharField(max_length=500, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.body[:80]


class Conclusion(models.Model):
    """One of the chair's conclusions (kết luận): what is to be done, by whom, by when. Published
    in the conclusions notice (thông báo kết luận); one with an owner and a deadline becomes a task
    (tasks.Task source "meeting", source_ref = the conclusion's id)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="conclusions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("conclusion"))
    owner_person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("owner"))
    owner_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("owner unit"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.CheckConstraint(condition=Q(owner_person__isnull=True) | Q(owner_unit__isnull=True),
                                              name="meeting_conclusion_one_owner")]

    def __str__(self) -> str:
        return self.text[:120]

    @property
    def owner(self) -> object:
        return self.owner_person or self.owner_unit

    @property
    def makes_task(self) -> bool:
        return self.owner is not None and self.deadline is not None

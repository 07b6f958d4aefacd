"""Leave (nghỉ phép, R23; seed 001 Đ18) and overtime (001 Đ19.1).

- `Rules`: the agency's approval thresholds, notice and carry-over limit (one row per agency; an
  agency without a row follows the Sơn La rules, `Rules.defaults()`).
- `ServiceStart`: when a person began public service (the seniority the annual entitlement
  grows with), kept here rather than on the person.
- `LeaveRequest`: one request, counted in working days of the agency's calendar, halves included.
- `CarryOver`: days of a year's unused annual leave carried into the next, agreed by the leadership.
- `Overtime`: work outside office hours or at the weekend, declared to the Chánh Văn phòng."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Rules(models.Model):
    agency = models.OneToOneField("org.Agency", on_delete=models.CASCADE, related_name="+")
    # A unit head grants up to this many days to his staff, the deputy in charge of the unit's
    # field up to the next; beyond, the director (001 Đ18.2).
    unit_head_max_days = models.DecimalField(_("a unit head approves up to (days)"), max_digits=4, decimal_places=1,
                                             default=Decimal("0.5"))
    field_leader_max_days = models.DecimalField(_("the deputy in charge approves up to (days)"), max_digits=4,
                                                decimal_places=1, default=Decimal("1"))
    notice_days = models.PositiveSmallIntegerField(_("days of notice"), default=3)  # 001 Đ18.3
    base_days = models.PositiveSmallIntegerField(_("annual leave days"), default=12)  # Labour Code art. 113
    carry_years = models.PositiveSmallIntegerField(_("years of leave that may be taken together"), default=3)

    def __str__(self) -> str:
        return str(self.agency_id)

    @classmethod
    def defaults(cls, agency_id: int) -> Rules:
        return cls(agency_id=agency_id)


class ServiceStart(models.Model):
    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_on = models.DateField(_("in service since"))

    def __str__(self) -> str:
        return f"{self.person_id} {self.started_on}"


class LeaveRequest(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Annual leave")
        PERSONAL = "personal", _("Personal leave")
        SICK = "sick", _("Sick leave")
        UNPAID = "unpaid", _("Unpaid leave")
        COMPENSATORY = "compensatory", _("Compensatory leave")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        INFORMED = "informed", _("Announced")  # the director's own: no approval (001 Đ18.1)
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    class Step(models.TextChoices):
        UNIT_HEAD = "unit_head", _("Unit head")
        FIELD_LEADER = "field_leader", _("Deputy director in charge")
        DIRECTOR = "director", _("Director")
        NONE = "none", _("No approval: announced to the leadership and the office")

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of leave"), max_length=15, choices=Kind.choices, default=Kind.ANNUAL)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    start_afternoon = models.BooleanField(_("from the afternoon of the first day"), default=False)
    end_morning = models.BooleanField(_("until the morning of the last day"), default=False)
    days = models.DecimalField(_("working days"), max_digits=5, decimal_places=1)
    year = models.PositiveSmallIntegerField()  # the year the days count in (that of the first day)
    reason = models.CharField(_("reason"), max_length=500)
    emergency = models.BooleanField(_("emergency"), default=False)
    emergency_reason = models.CharField(_("why it could not be asked in advance"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    step = models.CharField(_("approved by"), max_length=15, choices=Step.choices)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    # Người xử lý thay: a colleague of the agency who holds the person's open tasks from the first
    # day to the last (services.start_cover / end_cover, run by the daily job). `cover_moved` keeps
    # what was given ({"owned": [task ids], "coordinators": [[row id, task id]]}) to give it back.
    cover = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("colleague handling the tasks meanwhile"))
    cover_given_at = models.DateTimeField(null=True, blank=True)
    cover_returned_at = models.DateTimeField(null=True, blank=True)
    cover_moved = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="leave_end_after_start")]
        indexes = [
            models.Index(fields=["person", "year", "status"], name="leave_person_year"),
            models.Index(fields=["person", "end"], name="leave_person_end"),
            models.Index(fields=["agency", "start"], name="leave_agency_start"),
            models.Index(fields=["approver", "status"], name="leave_approver_pending",
                         condition=Q(status="pending")),
            # The cover job: requests whose colleague is still to be given the tasks, and those
            # whose colleague holds them.
            models.Index(fields=["start"], name="leave_cover_due",
                         condition=Q(cover__isnull=False, cover_given_at__isnull=True)),
            models.Index(fields=["end"], name="leave_cover_held",
                         condition=Q(cover_given_at__isnull=False, cover_returned_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.start}–{self.end}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def cover_held(self) -> bool:
        """The colleague holds the person's tasks now."""
        return self.cover_given_at is not None and self.cover_returned_at is None


ACTIVE = (LeaveRequest.Status.PENDING, LeaveRequest.Status.APPROVED, LeaveRequest.Status.INFORMED)
TAKEN = (LeaveRequest.Status.APPROVED, LeaveRequest.Status.INFORMED)


class CarryOver(models.Model):
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()  # the year the days are carried into
    days = models.DecimalField(max_digits=5, decimal_places=1)
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="leave_carry_once")]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.year}: {self.days}"


class Overtime(models.Model):
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    weekend = models.BooleanField(default=False)  # a day off of the calendar (weekend or holiday)
    work = models.CharField(_("work done"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["agency", "day"], name="overtime_agency_day"),
                   models.Index(fields=["person", "day"], name="overtime_person_day")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.day}"

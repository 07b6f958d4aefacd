"""Periodic reports (báo cáo định kỳ, 001 Đ15): a unit's weekly, quarterly, six-month and yearly
report to the agency's leadership (Đ15.3), and a deputy director's weekly report to the director
on the fields he is in charge of (Đ15.2).

A report holds two things: the figures and lists assembled from the system (its tasks, the
documents it handled, its programme items) as a frozen snapshot, and the sections its author
writes (results, difficulties, proposals, the next period's plan). While a draft it may be
assembled again and edited; once sent it never changes (services.py refuses, and the snapshot is
what was sent). Every change goes through services.py, which records it as an event."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodicReport(models.Model):
    class Kind(models.TextChoices):
        # 001 Đ15.3: "báo cáo công tác tuần, quý, 6 tháng, năm".
        WEEK = "week", _("Weekly")
        QUARTER = "quarter", _("Quarterly")
        HALF_YEAR = "half_year", _("Six-month")
        YEAR = "year", _("Yearly")

    class Scope(models.TextChoices):
        UNIT = "unit", _("A unit's report")
        FIELDS = "fields", _("A deputy director's report by field")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("scope"), max_length=6, choices=Scope.choices, default=Scope.UNIT)
    # A unit's report: the unit. A deputy's report: none (its fields say what it covers).
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("unit"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("author"))
    fields = models.ManyToManyField("org.Field", blank=True, related_name="+", verbose_name=_("fields of work"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.DRAFT)
    # What the system gave at the last assembly (selectors.assemble): frozen once sent.
    snapshot = models.JSONField(default=dict, blank=True)
    assembled_at = models.DateTimeField(null=True, blank=True)
    # The author's sections (001 Đ11.1.b, Đ15; 000 Đ12.1).
    results = models.TextField(_("results achieved"), blank=True)
    shortcomings = models.TextField(_("difficulties and shortcomings"), blank=True)
    proposals = models.TextField(_("proposals and recommendations"), blank=True)
    next_plan = models.TextField(_("plan for the next period"), blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="unit", unit__isnull=False) | Q(scope="fields", unit__isnull=True)),
                name="report_scope_unit"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="report_period"),
            # One report of a kind per unit (per deputy) and period.
            models.UniqueConstraint(fields=["unit", "kind", "period_start"], condition=Q(scope="unit"),
                                    name="report_one_per_unit_period"),
            models.UniqueConstraint(fields=["author", "kind", "period_start"], condition=Q(scope="fields"),
                                    name="report_one_per_deputy_period"),
        ]
        indexes = [
            models.Index(fields=["agency", "kind", "period_start", "status"], name="report_agency_period"),
            models.Index(fields=["unit", "status", "-period_start"], name="report_unit"),
            models.Index(fields=["author", "status", "-period_start"], name="report_author"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Recipient(models.Model):
    """A leader the report is sent to (001 Đ15.2–3): the director, and for a unit's report the
    deputy in charge of its fields. When he first opens it is kept (the sender sees it was read)."""

    class Role(models.TextChoices):
        HEAD = "head", _("Director")
        FIELD_LEADER = "field_leader", _("Leader in charge of the field")

    report = models.ForeignKey(PeriodicReport, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=12, choices=Role.choices)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["report", "person"], name="report_recipient_once")]
        indexes = [models.Index(fields=["person", "report"], name="report_recipient_person")]

    def __str__(self) -> str:
        return str(self.person)

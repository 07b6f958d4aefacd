"""The disclosure register (002 Đ20–Đ21): what the agency must make known to its staff (the nine
matters of Đ20), from which document, by when (3 working days from the document's issue or
receipt, 5 in a special case whose reason is recorded, Đ21.2), for how long (posted at least 30
consecutive days) and how (Đ21.1: a notice in the system, posting at the premises, the staff
conference). Secret documents are never disclosed."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NORMAL_DAYS = 3
EXTENDED_DAYS = 5
MIN_POSTING_DAYS = 30


class Disclosure(models.Model):
    class Category(models.TextChoices):
        # 002 Đ20.1–9, in the regulation's order.
        POLICY = "policy", _("Party guidelines, State policies and laws concerning the agency's work")
        WORK_PLAN = "work_plan", _("Yearly, quarterly and monthly work plans")
        FINANCE = "finance", _("Operating budget, final accounts, assets and audit results")
        PERSONNEL = "personnel", _("Recruitment, training, appointments, evaluation, rewards and discipline of staff")
        MISCONDUCT = "misconduct", _("Concluded cases of misconduct and corruption; declarations of assets")
        INSPECTION = "inspection", _("Results of inspections and of complaints and denunciations handled")
        RULES = "rules", _("The agency's internal rules and regulations")
        CONSULTATION = "consultation_results", _("Results of the consultation of staff")
        DIRECTIVES = "directives", _("Directives of the superior agencies concerning the agency's work")

    class State(models.TextChoices):
        WAITING = "waiting", _("To be disclosed")
        OVERDUE = "overdue", _("Overdue")
        ON_TIME = "on_time", _("Disclosed on time")
        LATE = "late", _("Disclosed late")

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    title = models.CharField(_("title"), max_length=300)
    # The source document, by its kind and id (core.kinds); a consultation's results have none,
    # only their address in the consultations app.
    source_kind = models.CharField(max_length=30, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_label = models.CharField(_("source document"), max_length=300, blank=True)
    source_url = models.CharField(max_length=300, blank=True)
    source_date = models.DateField(_("date of issue or receipt"))
    extended = models.BooleanField(_("special case (5 working days)"), default=False)
    extension_reason = models.CharField(_("reason for the special case"), max_length=500, blank=True)
    due_on = models.DateField(_("deadline"))
    disclosed_on = models.DateField(_("disclosed on"), null=True, blank=True)
    posting_days = models.PositiveSmallIntegerField(_("posting period (days)"), default=MIN_POSTING_DAYS)
    by_notice = models.BooleanField(_("notice in the system"), default=False)
    at_premises = models.BooleanField(_("posted at the premises"), default=False)
    at_conference = models.BooleanField(_("announced at the staff conference"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    notice = models.ForeignKey("notices.Notice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-source_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(posting_days__gte=MIN_POSTING_DAYS), name="disclosure_posting_30"),
            models.UniqueConstraint(fields=["source_kind", "source_id"], condition=Q(source_id__isnull=False),
                                    name="disclosure_source_once"),
        ]
        indexes = [
            models.Index(fields=["agency", "-source_date"], name="disclosure_agency_date"),
            models.Index(fields=["agency", "disclosed_on", "due_on"], name="disclosure_agency_due"),
        ]

    def __str__(self) -> str:
        return self.title[:120]

    @property
    def days_allowed(self) -> int:
        return EXTENDED_DAYS if self.extended else NORMAL_DAYS

    @property
    def posted_until(self) -> date | None:
        """The last day of the posting period (the day of posting counts as the first)."""
        if self.disclosed_on is None:
            return None
        return self.disclosed_on + timedelta(days=self.posting_days - 1)

    def state(self, today: date | None = None) -> str:
        today = today or timezone.localdate()
        if self.disclosed_on is not None:
            return self.State.ON_TIME if self.disclosed_on <= self.due_on else self.State.LATE
        return self.State.OVERDUE if today > self.due_on else self.State.WAITING

    def get_state_display(self) -> str:
        return str(self.State(self.state()).label)

    @property
    def forms(self) -> list[str]:
        chosen = [(self.by_notice, _("notice in the system")), (self.at_premises, _("posted at the premises")),
                  (self.at_conference, _("announced at the staff conference"))]
        return [str(label) for on, label in chosen if on]

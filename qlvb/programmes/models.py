"""Work programmes (chương trình công tác, R21; 001 Đ10; 000 Đ10–Đ11): the agency's, a unit's or
a person's programme for a year, six months, a quarter, a month or a week. Each item names its
product, the responsible unit, the coordinating units, its time and its nature (000 Đ10.3). A
programme is drafted, submitted and approved by the leader in charge; once approved it changes
only by an adjustment with its reason (001 Đ10.1), kept as a record and an event. Items become
tasks (qlvb.tasks) and take their status from them; reviews (sơ kết, tổng kết) record what is
done, pending and proposed (000 Đ11)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Programme(models.Model):
    class Scope(models.TextChoices):
        AGENCY = "agency", _("Agency")
        UNIT = "unit", _("Unit")
        PERSON = "person", _("Personal")

    class Period(models.TextChoices):
        YEAR = "year", _("Year")
        HALF = "half", _("Six months")
        QUARTER = "quarter", _("Quarter")
        MONTH = "month", _("Month")
        WEEK = "week", _("Week")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", _("Approved")

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("whose programme"), max_length=8, choices=Scope.choices)
    # A unit's programme: that unit; a person's: the person and the unit he works in (its head
    # approves and sees it); the agency's: neither.
    owner_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("unit"))
    owner_person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("person"))
    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    starts = models.DateField(_("from"))
    ends = models.DateField(_("to"))
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # 1 when approved; each adjustment of the approved programme adds one.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Who is asked to approve (the leader in charge, rules.approver_for); any who may approve can.
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("approver"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    return_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts", "scope", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gte=models.F("starts")), name="programme_period_order"),
            models.CheckConstraint(
                condition=(Q(scope="agency", owner_unit__isnull=True, owner_person__isnull=True)
                           | Q(scope="unit", owner_unit__isnull=False, owner_person__isnull=True)
                           | Q(scope="person", owner_person__isnull=False)),
                name="programme_owner"),
        ]
        indexes = [
            models.Index(fields=["agency", "scope", "starts"], name="programme_agency"),
            models.Index(fields=["owner_unit", "starts"], name="programme_unit"),
            models.Index(fields=["owner_person", "starts"], name="programme_person"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class Item(models.Model):
    """A line of a programme: a piece of work with its product, who does it, with whom, when."""

    class Nature(models.TextChoices):
        # 000 Đ10.3 asks for "tính chất công việc" without naming its kinds; these are the ones
        # the agencies' programmes use.
        REGULAR = "regular", _("Regular")
        KEY = "key", _("Key task")
        ASSIGNED = "assigned", _("Assigned by the superior")
        NEW = "new", _("New, arising")

    class State(models.TextChoices):
        ACTIVE = "active", _("In the programme")
        WITHDRAWN = "withdrawn", _("Withdrawn by an adjustment")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(_("work"), max_length=500)
    product = models.CharField(_("product"), max_length=300, blank=True)
    responsible_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("responsible unit"))
    responsible_person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+",
                                           verbose_name=_("person responsible for the work"))
    coordinating_units = models.ManyToManyField("org.Unit", blank=True, related_name="+",
                                                verbose_name=_("coordinating units"))
    starts = models.DateField(_("from"), null=True, blank=True)
    due = models.DateField(_("due"))
    nature = models.CharField(_("nature"), max_length=10, choices=Nature.choices, default=Nature.REGULAR)
    field = models.ForeignKey("org.Field", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("field of work"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    # Proposed (đề xuất) in a review for the next period: not yet approved work.
    proposed_in = models.ForeignKey("Review", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="proposals")
    added_in_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["order", "id"]
        indexes = [
            models.Index(fields=["responsible_unit", "due"], name="programme_item_unit"),
            models.Index(fields=["field", "due"], name="programme_item_field"),
        ]

    def __str__(self) -> str:
        return self.title[:120]


class Adjustment(models.Model):
    """An adjustment of an approved programme (001 Đ10.1): its reason and what changed, never a
    silent rewrite."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="adjustments")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="adjustments")
    version = models.PositiveIntegerField()
    reason = models.TextField(_("reason"))
    changes = models.JSONField(default=dict)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.reason[:80]


class Review(models.Model):
    """A periodic review (sơ kết, tổng kết; 000 Đ11.1): the unit's assessment of what is done,
    pending, and what it proposes for the next period."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="reviews")
    starts = models.DateField(_("from"))
    ends = models.DateField(_("to"))
    assessment = models.TextField(_("assessment"))
    counts = models.JSONField(default=dict)  # the counts by status when it was written
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.starts} – {self.ends}"

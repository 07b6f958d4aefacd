"""Work dossiers (hồ sơ công việc) and the year's dossier plan (danh mục hồ sơ), NĐ30 Đ28–Đ31."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Retention(models.TextChoices):
    Y2 = "2", _("2 years")
    Y5 = "5", _("5 years")
    Y10 = "10", _("10 years")
    Y20 = "20", _("20 years")
    Y50 = "50", _("50 years")
    Y70 = "70", _("70 years")
    PERMANENT = "permanent", _("Permanent")


class DossierPlan(models.Model):
    """The agency's list of dossiers planned for the year, approved at its start."""

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="dossier_plans")
    year = models.PositiveIntegerField(_("year"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="dossierplan_agency_year")]

    def __str__(self) -> str:
        return f"{self.year}"


class Dossier(models.Model):
    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal dossier")
        UNIT = "unit", _("Unit dossier")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="dossiers")
    plan = models.ForeignKey(DossierPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="dossiers")
    year = models.PositiveIntegerField(_("year"))
    code = models.CharField(_("dossier code"), max_length=50)
    title = models.CharField(_("title"), max_length=300)
    retention = models.CharField(_("retention"), max_length=10, choices=Retention.choices, default=Retention.Y10)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSONAL)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dossiers",
                              verbose_name=_("responsible person"))
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("unit"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set while it waits in the bin (core.bin): hidden from every list and choice.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-year", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "year", "code"], name="dossier_unique_code")]
        indexes = [models.Index(fields=["owner", "status"], name="dossier_owner"),
                   models.Index(fields=["unit", "status"], name="dossier_unit")]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"


class DossierItem(models.Model):
    """A document filed into a dossier; the same document may sit in several without a copy.

    Generic, so that incoming and outgoing documents (apps built on this one) can both be filed
    without this app depending on them."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="items")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    document = GenericForeignKey("content_type", "object_id")
    label = models.CharField(max_length=300)
    document_date = models.DateField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "content_type", "object_id"], name="dossieritem_unique"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="dossieritem_document")]

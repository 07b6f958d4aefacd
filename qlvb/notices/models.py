"""Internal notices (thông báo nội bộ, R25): a notice of the agency's leaders or office to the
whole agency, some units, some positions or some people; a unit head's notice to his unit. With
files, links to documents (each shown only to a reader who may open it, core.kinds), pinned on
top, hidden after its last day.

The audience is kept as rules (the whole agency; these units; these positions; these people),
never as one row per addressee: a notice to an agency of 700 people writes one notice row and one
or a few audience rows. A read receipt is written when, and only when, a person opens it; who has
not read it yet is the audience resolved at that moment minus the receipts (docs/notices.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("content"), blank=True)
    to_everyone = models.BooleanField(_("to the whole agency"), default=False)
    pinned = models.BooleanField(_("pinned on top"), default=False)
    expires_on = models.DateField(_("shown until"), null=True, blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-pinned", "-published_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "-published_at"], name="notice_agency_published"),
            # A person's list: pinned on top, then newest first, read in that order and stopped at a page.
            models.Index(fields=["agency", "-pinned", "-published_at", "-id"], name="notice_agency_list"),
            models.Index(fields=["agency", "to_everyone"], name="notice_agency_everyone",
                         condition=Q(to_everyone=True)),
            models.Index(fields=["created_by", "-published_at"], name="notice_creator_published"),
        ]

    def __str__(self) -> str:
        return self.title[:120]

    def expired(self, today: object) -> bool:
        return self.expires_on is not None and self.expires_on < today  # type: ignore[operator]


class Audience(models.Model):
    """One rule of a notice's audience: a unit (everyone posted in it), a position (everyone holding
    it) or a person."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="audience")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    position = models.ForeignKey("org.Position", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(
            condition=(Q(unit__isnull=False, position__isnull=True, person__isnull=True)
                       | Q(unit__isnull=True, position__isnull=False, person__isnull=True)
                       | Q(unit__isnull=True, position__isnull=True, person__isnull=False)),
            name="notice_audience_one")]
        indexes = [
            models.Index(fields=["person", "notice"], name="notice_audience_person"),
            models.Index(fields=["unit", "notice"], name="notice_audience_unit"),
            models.Index(fields=["position", "notice"], name="notice_audience_position"),
        ]

    def __str__(self) -> str:
        return str(self.unit or self.position or self.person)


class NoticeFile(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="files")
    stored = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=300)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["stored"], name="notice_file_stored")]

    def __str__(self) -> str:
        return self.name


class NoticeLink(models.Model):
    """A document the notice points to, by its kind and id: shown only to a reader who may open
    it (core.kinds), so a notice never opens a document to someone else."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=30)
    document_id = models.PositiveBigIntegerField()
    name = models.CharField(max_length=300)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["notice", "kind", "document_id"], name="notice_link_unique")]

    def __str__(self) -> str:
        return self.name


class Receipt(models.Model):
    """A person opened the notice (written once, at the first reading)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["read_at", "id"]
        constraints = [models.UniqueConstraint(fields=["notice", "person"], name="notice_receipt_unique")]
        indexes = [models.Index(fields=["person", "notice"], name="notice_receipt_person")]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.notice_id}"

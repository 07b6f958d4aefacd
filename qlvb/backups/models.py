from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Backup(models.Model):
    """One backup of the installation: when, which kind, where, how big, and whether it was
    restored into a scratch database and storage and found whole (verified)."""

    class Kind(models.TextChoices):
        DAILY = "daily", _("daily")
        WEEKLY = "weekly", _("weekly")
        MANUAL = "manual", _("manual")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        TAKEN = "taken", _("taken, not verified")
        VERIFIED = "verified", _("verified")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    folder = models.CharField(_("folder"), max_length=500, blank=True)
    size_bytes = models.BigIntegerField(_("size"), null=True, blank=True)
    seconds = models.FloatField(_("duration"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verify_seconds = models.FloatField(_("verification time"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("backup")
        verbose_name_plural = _("backups")

    def __str__(self) -> str:
        return self.folder.rsplit("/", 1)[-1] or f"{self.kind} #{self.pk}"

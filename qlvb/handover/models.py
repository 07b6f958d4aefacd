"""A hand-over (000 Đ4.1.d): a person's open work given to named successors, once, with a record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HandOver(models.Model):
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("whose work"))
    successor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("successor"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    at = models.DateTimeField(default=timezone.now)
    # {provider name: items moved}; {provider name: successor id} where it is not `successor`
    counts = models.JSONField(default=dict)
    successors = models.JSONField(default=dict, blank=True)
    total = models.PositiveIntegerField(default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["agency", "-at"], name="handover_agency_at"),
                   models.Index(fields=["person", "-at"], name="handover_person_at")]
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")

    def __str__(self) -> str:
        return f"{self.person} → {self.successor} ({self.at:%d/%m/%Y})"

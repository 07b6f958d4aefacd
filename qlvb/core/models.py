"""The shared kernel's tables: the append-only event log and the working-day calendar."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChainHead(models.Model):
    """The tip of one hash chain (one per agency, plus the installation's own chain).

    Locking this row orders the appends of a chain, so every event knows its predecessor.
    It also lets the verifier notice events cut off the end of a chain.
    """

    chain = models.CharField(max_length=40, primary_key=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")


class Event(models.Model):
    """One state change anywhere in the system. Written only by core.events.record()."""

    chain = models.CharField(max_length=40)
    seq = models.BigIntegerField()
    agency = models.ForeignKey("org.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verb = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # HMAC-SHA256 of `hash` with settings.QLVB_EVENT_KEY, which the database does not hold: a row
    # edited and its hashes recomputed no longer matches (core.events.sign). Empty on events
    # recorded before signing existed.
    mac = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="event_chain_seq_unique")]
        indexes = [
            models.Index(fields=["agency", "-at"], name="event_agency_at"),
            models.Index(fields=["target_type", "target_id", "at"], name="event_target"),
            models.Index(fields=["actor", "-at"], name="event_actor"),
            models.Index(fields=["on_behalf_of", "-at"], name="event_on_behalf_of",
                         condition=models.Q(on_behalf_of__isnull=False)),
            models.Index(fields=["verb", "-at"], name="event_verb"),
        ]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.verb}"


class CalendarDay(models.Model):
    """An exception to the national calendar: a day off or a make-up working day.

    agency = NULL applies to the whole installation (e.g. the Government's extra Tết days);
    an agency's own row overrides the installation's for that agency.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "off", _("Day off")
        WORKING_DAY = "work", _("Make-up working day")

    agency = models.ForeignKey("org.Agency", null=True, blank=True, on_delete=models.CASCADE)
    date = models.DateField()
    kind = models.CharField(max_length=4, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "date"], name="calendarday_agency_date"),
            models.UniqueConstraint(
                fields=["date"], condition=models.Q(agency__isnull=True), name="calendarday_global_date"
            ),
        ]
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"


class BinEntry(models.Model):
    """Something an administrator deleted (core.bin): hidden from every list while it waits here,
    restorable as it was until the nightly purge removes it for good."""

    kind = models.CharField(max_length=40)  # the registered bin kind, e.g. "org.unit"
    object_id = models.PositiveBigIntegerField()
    agency = models.ForeignKey("org.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=300)
    binned_at = models.DateTimeField()
    binned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    # What the move changed that restoring puts back (e.g. {"is_active": true}).
    state = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="binentry_kind_object")]
        indexes = [models.Index(fields=["agency", "-binned_at"], name="binentry_agency_at"),
                   models.Index(fields=["binned_at"], name="binentry_at")]
        ordering = ["-binned_at", "-id"]

    def __str__(self) -> str:
        return self.label


class Parameter(models.Model):
    """An installation parameter the administrator changed at run time (core.parameters declares
    which exist, their type and bounds; without a row the value comes from the settings)."""

    name = models.CharField(max_length=64, primary_key=True)
    value = models.BigIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"

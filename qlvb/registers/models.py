"""Registers (sổ văn bản) and their yearly counters."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Register(models.Model):
    class Direction(models.TextChoices):
        INCOMING = "in", _("Incoming")
        OUTGOING = "out", _("Outgoing")

    class Category(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary documents")
        SECRET = "secret", _("Secret documents")
        LETTERS = "letters", _("Letters, complaints and denunciations")
        BOARD = "board", _("Advisory board")
        OTHER = "other", _("Other")

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="registers")
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices, default=Category.ORDINARY)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(default=0)
    # Set while it waits in the bin (core.bin): hidden from every list and choice.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["agency", "direction", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "direction", "name"], name="register_unique_name")]
        verbose_name = _("register")
        verbose_name_plural = _("registers")

    def __str__(self) -> str:
        return self.name

    @property
    def is_secret(self) -> bool:
        return self.category == self.Category.SECRET


class RegisterCounter(models.Model):
    """The last number given in a register in a calendar year. Locked while numbering, in the
    same transaction that saves the document: a failed save gives the number back."""

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="counters")
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["register", "year"], name="counter_register_year")]

"""Stored files: one row per distinct content, addressed by its SHA-256.

Domain apps never store bytes themselves: they keep their own link rows (document, stored
file, name, role, order) pointing here, so the same scan attached to ten documents is stored
once. Rows are never edited; a blob is only deleted when the row that owns it is.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", _("PDF")
        IMAGE = "image", _("Image")
        DOCX = "docx", _("Word document")
        OTHER = "other", _("Other")

    # No CHECK constraint for the format: on SQLite it would need Django's REGEXP function, and a
    # dump restored with the sqlite3 shell would then fail. services.py is the only writer.
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True,
                              validators=[RegexValidator(r"^[0-9a-f]{64}\Z")])
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    storage_name = models.CharField(_("storage name"), max_length=255, unique=True)
    created_at = models.DateTimeField(_("stored at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return f"{self.sha256[:12]}… ({self.kind}, {self.size} B)"

"""The text of a stored file: read from its text layer (born-digital PDF, DOCX) or recognised
from the scan (OCR), one row per ``files.StoredFile``. Files are stored by content, so a scan
attached to ten documents is read once.

``text`` is plain NFC text, pages separated by a form feed (``\\f``); ``doubtful_pages`` are the
pages OCR read with low confidence (the clerk is asked to check them; search skips them). ``searchable_file`` is the
scan with an invisible text layer added (kept beside the original, which is never changed).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TextExtraction(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Reading")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        PARTIAL = "partial", _("Done with unread pages")

    class Method(models.TextChoices):
        OCR = "ocr", _("Text recognition (OCR)")
        PDF_TEXT = "pdf_text", _("Text layer of the PDF")
        DOCX = "docx", _("Word document")
        NONE = "none", _("No text to read")

    stored_file = models.OneToOneField("files.StoredFile", on_delete=models.CASCADE, related_name="extraction")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.NONE)
    text = models.TextField(_("text"), blank=True)
    pages_total = models.PositiveIntegerField(_("pages"), default=0)
    pages_done = models.PositiveIntegerField(_("pages read"), default=0)
    failed_pages = models.JSONField(_("pages not read"), default=list, blank=True)
    # OCR only: tesseract's mean word confidence (0-100) of each page, null for a page taken from
    # its text layer; the pages under engine.low_confidence() are shown to the clerk to check and
    # kept out of the search index (selectors.text_of).
    page_confidence = models.JSONField(_("confidence of each page"), default=list, blank=True)
    doubtful_pages = models.JSONField(_("pages to check"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    searchable_file = models.ForeignKey("files.StoredFile", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name=_("searchable PDF"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("text extraction")
        verbose_name_plural = _("text extractions")
        indexes = [models.Index(fields=["status", "updated_at"], name="digitisation_status_idx")]

    def __str__(self) -> str:
        return f"{self.stored_file_id}: {self.status} ({self.pages_done}/{self.pages_total})"

    @property
    def has_text(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.PARTIAL)

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

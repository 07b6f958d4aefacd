"""The reading status of a file, as other apps' APIs show it beside the file."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from qlvb.digitisation.models import TextExtraction


class ExtractionSummarySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TextExtraction.Status.choices)
    method = serializers.ChoiceField(choices=TextExtraction.Method.choices)
    pages_total = serializers.IntegerField()
    pages_done = serializers.IntegerField()
    failed_pages = serializers.ListField(child=serializers.IntegerField())
    doubtful_pages = serializers.ListField(child=serializers.IntegerField(),
                                           help_text="Pages OCR read with low confidence, to be checked.")
    error = serializers.CharField(allow_blank=True)
    detail = serializers.CharField(help_text="The digitisation API listing this document's files (text, re-run).")


def extraction_summary(app: str, document_pk: int, stored_file_pk: int) -> dict[str, Any] | None:
    """The reading status of one file of a document, or None if it was never asked for."""
    x = TextExtraction.objects.filter(stored_file_id=stored_file_pk).defer("text").first()
    if x is None:
        return None
    return {"status": x.status, "method": x.method, "pages_total": x.pages_total, "pages_done": x.pages_done,
            "failed_pages": x.failed_pages, "doubtful_pages": x.doubtful_pages, "error": x.error,
            "detail": reverse("api-digitisation-files", args=[app, document_pk])}

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigitisationConfig(AppConfig):
    name = "qlvb.digitisation"
    label = "digitisation"
    verbose_name = _("Digitisation (OCR and text extraction)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from qlvb.core.verbs import register_verbs
        from qlvb.digitisation.verbs import VERBS

        register_verbs(VERBS)
        from qlvb.core.events import subscribe
        from qlvb.digitisation.services import on_files_stored

        # Before the chain: queuing the files' reading records nothing (core.events).
        subscribe(before_chain=True)(on_files_stored)
        from qlvb.core import kinds
        from qlvb.digitisation.serializers import ExtractionSummarySerializer, extraction_summary

        kinds.register_file_detail(kinds.FileDetail(
            name="text_extraction", value=extraction_summary, schema=ExtractionSummarySerializer(allow_null=True)))
        from qlvb.core import health
        from qlvb.digitisation.health import ocr_queue

        health.register("ocr_queue", label=_("Text reading (OCR) queue"))(ocr_queue)

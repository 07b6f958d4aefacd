from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "qlvb.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from qlvb.core.events import subscribe
        from qlvb.search.services import on_document_event, on_text_extracted

        # Before the chain: indexing reads the document, records nothing (core.events).
        subscribe(before_chain=True)(on_document_event)
        subscribe("digitisation.text_read")(on_text_extracted)

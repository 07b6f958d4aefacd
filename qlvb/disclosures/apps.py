from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosuresConfig(AppConfig):
    name = "qlvb.disclosures"
    label = "disclosures"
    verbose_name = _("Disclosures")

    def ready(self) -> None:
        from qlvb.core import events
        from qlvb.core.verbs import register_verbs
        from qlvb.disclosures.services import on_consultation_results
        from qlvb.disclosures.verbs import VERBS

        register_verbs(VERBS)
        # The consultations app publishes the results of a consultation; they are disclosed (002 Đ20.8).
        events.subscribe("consultation.results_published", after_commit=True)(on_consultation_results)

    def load_demo(self) -> str:
        """Called by `manage.py load_demo` after the organisation and the documents are in place."""
        from qlvb.disclosures.demo import load

        return f"{load()} sample disclosures"

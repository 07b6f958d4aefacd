from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "qlvb.consultations"
    label = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from qlvb.consultations.verbs import VERBS
        from qlvb.core.verbs import register_verbs

        register_verbs(VERBS)

    def load_demo(self) -> str:
        """Called by `manage.py load_demo` after the organisation (and the documents) are in place."""
        from qlvb.consultations.demo import load

        return f"{load()} sample consultations"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncomingConfig(AppConfig):
    name = "qlvb.incoming"
    label = "incoming"
    verbose_name = _("Incoming documents")

    def ready(self) -> None:
        from qlvb.core.verbs import register_verbs
        from qlvb.incoming.verbs import VERBS

        register_verbs(VERBS)

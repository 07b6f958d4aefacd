from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutgoingConfig(AppConfig):
    name = "qlvb.outgoing"
    label = "outgoing"
    verbose_name = _("Outgoing documents")

    def ready(self) -> None:
        from qlvb.core.verbs import register_verbs
        from qlvb.outgoing.verbs import VERBS

        register_verbs(VERBS)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoverConfig(AppConfig):
    name = "qlvb.handover"
    label = "handover"
    verbose_name = _("Hand-over of work")

    def ready(self) -> None:
        from qlvb.core.verbs import register_verbs
        from qlvb.handover.verbs import VERBS

        register_verbs(VERBS)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    name = "qlvb.registers"
    label = "registers"
    verbose_name = _("Registers")

    def ready(self) -> None:
        from qlvb.core.verbs import register_verbs
        from qlvb.registers.verbs import VERBS

        register_verbs(VERBS)

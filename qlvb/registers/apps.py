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

        # A register holding documents is closed, never deleted; an unused one goes to the bin.
        from django.urls import reverse

        from qlvb.core import bin
        from qlvb.registers import services

        register_verbs({"register.retired": _("Register closed")})
        bin.register(bin.BinKind(
            model="registers.Register", label=_("Register"),
            retire=lambda by, register: services.retire_register(by=by, register=register),
            retire_label=_("Close the register"),
            parts=frozenset({"registers.registercounter.register"}),
            url=lambda register: reverse("registers:list"),
        ))

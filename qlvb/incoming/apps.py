from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncomingConfig(AppConfig):
    name = "qlvb.incoming"
    label = "incoming"
    verbose_name = _("Incoming documents")

    def ready(self) -> None:
        from qlvb.core import handover, kinds
        from qlvb.core.verbs import register_verbs
        from qlvb.incoming.handover import PRESENTED, PROVIDER
        from qlvb.incoming.kind import KIND
        from qlvb.incoming.verbs import VERBS

        register_verbs(VERBS)
        kinds.register(KIND)
        handover.register(PRESENTED)
        handover.register(PROVIDER)

    def load_demo(self) -> str:
        """Called by `manage.py load_demo` after the organisation is in place."""
        from qlvb.incoming.demo import load

        return f"{load()} sample incoming documents"

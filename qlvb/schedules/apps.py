from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulesConfig(AppConfig):
    name = "qlvb.schedules"
    label = "schedules"
    verbose_name = _("Schedules")

    def ready(self) -> None:
        from qlvb.core.verbs import register_verbs
        from qlvb.schedules.verbs import VERBS

        register_verbs(VERBS)

        from qlvb.core import handover, kinds
        from qlvb.schedules.handover import PROVIDER
        from qlvb.schedules.kind import KIND

        kinds.register(KIND)
        handover.register(PROVIDER)

    def load_demo(self) -> str:
        """Called by `manage.py load_demo` after the organisation is in place."""
        from qlvb.schedules.demo import load

        return f"{load()} schedule entries"

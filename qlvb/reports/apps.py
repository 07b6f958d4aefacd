from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "qlvb.reports"
    label = "reports"
    verbose_name = _("Periodic reports")

    def ready(self) -> None:
        from qlvb.core.verbs import register_verbs
        from qlvb.reports.verbs import VERBS

        register_verbs(VERBS)

    def load_demo(self) -> str:
        """Called by `manage.py load_demo` after the organisation (and the tasks) are in place."""
        from qlvb.reports.demo import load

        return f"{load()} sample periodic reports"

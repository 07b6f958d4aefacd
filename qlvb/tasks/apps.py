from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "qlvb.tasks"
    label = "tasks"
    verbose_name = _("Tasks")

    def ready(self) -> None:
        from qlvb.core import handover, kinds
        from qlvb.core.verbs import register_verbs
        from qlvb.tasks.handover import PROVIDER
        from qlvb.tasks.kind import KIND
        from qlvb.tasks.verbs import VERBS

        register_verbs(VERBS)
        # Who may open a task, its files and what search finds of it (core.kinds).
        kinds.register(KIND)
        handover.register(PROVIDER)

    def load_demo(self) -> str:
        """Called by `manage.py load_demo` after the organisation is in place."""
        from qlvb.tasks.demo import load

        return f"{load()} sample tasks"

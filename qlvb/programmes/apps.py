from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "qlvb.programmes"
    label = "programmes"
    verbose_name = _("Work programmes")

    def ready(self) -> None:
        from qlvb.core import kinds
        from qlvb.core.verbs import register_verbs
        from qlvb.programmes.kind import KIND
        from qlvb.programmes.verbs import VERBS

        register_verbs(VERBS)
        # Who may open a programme and what search finds of it (core.kinds).
        kinds.register(KIND)

    def load_demo(self) -> str:
        """Called by `manage.py load_demo` after the organisation and the tasks are in place."""
        from qlvb.programmes.demo import load

        return f"{load()} sample work programmes"

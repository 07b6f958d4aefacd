from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "qlvb.notices"
    label = "notices"
    verbose_name = _("Internal notices")

    def ready(self) -> None:
        from qlvb.core.verbs import register_verbs
        from qlvb.notices.verbs import VERBS

        register_verbs(VERBS)

    def load_demo(self) -> str:
        """Called by `manage.py load_demo` after the organisation is in place."""
        from qlvb.notices.demo import load

        return f"{load()} sample notices"

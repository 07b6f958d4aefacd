from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagesConfig(AppConfig):
    name = "qlvb.messages"
    label = "internal_messages"
    verbose_name = _("Internal messages")

    def ready(self) -> None:
        from qlvb.core import kinds
        from qlvb.core.verbs import register_verbs
        from qlvb.messages.kind import KIND
        from qlvb.messages.verbs import VERBS

        register_verbs(VERBS)
        # Who may open a message (its participants), its files and what search finds of it.
        kinds.register(KIND)

    def load_demo(self) -> str:
        """Called by `manage.py load_demo` after the organisation (and the tasks) are in place."""
        from qlvb.messages.demo import load

        return f"{load()} sample internal messages"

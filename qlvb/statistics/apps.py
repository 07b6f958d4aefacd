from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "qlvb.statistics"
    label = "statistics"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from qlvb.core.events import subscribe
        from qlvb.core.verbs import register_verbs
        from qlvb.statistics.services import on_document_event, on_event_chained, on_login
        from qlvb.statistics.verbs import VERBS

        register_verbs(VERBS)
        # Before the chain, like the search index: the figures read the document as the change
        # left it, in the same transaction, and record nothing (core.events).
        subscribe(before_chain=True)(on_document_event)
        # The tallies it works out are written after the chain head, the last lock (tallies.py).
        subscribe()(on_event_chained)
        subscribe("auth.login", before_chain=True)(on_login)

    def load_demo(self) -> str:
        """Called by `manage.py load_demo` after every other app's demo."""
        from qlvb.statistics.demo import load

        return f"{load()} statistics rows"

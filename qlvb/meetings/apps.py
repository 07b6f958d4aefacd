from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "qlvb.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from qlvb.core import handover, kinds
        from qlvb.core.verbs import register_verbs
        from qlvb.meetings.handover import PROVIDER
        from qlvb.meetings.kind import KIND
        from qlvb.meetings.verbs import VERBS

        register_verbs(VERBS)
        # Who may open a meeting, its files and what search finds of it (core.kinds).
        kinds.register(KIND)
        # What of a person's open work is in meetings, and how it moves to a successor.
        handover.register(PROVIDER)

    def load_demo(self) -> str:
        """Called by `manage.py load_demo` after the organisation (and the tasks) are in place."""
        from qlvb.meetings.demo import load

        return f"{load()} sample meetings"

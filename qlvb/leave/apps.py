from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeaveConfig(AppConfig):
    name = "qlvb.leave"
    label = "leave"
    verbose_name = _("Leave and overtime")

    def ready(self) -> None:
        from qlvb.core import absences, kinds
        from qlvb.core.verbs import register_verbs
        from qlvb.leave.kind import KIND
        from qlvb.leave.selectors import absent
        from qlvb.leave.verbs import VERBS

        register_verbs(VERBS)
        absences.register(absent)
        # Who may open a request (the person, its approver, the office) for search, the audit log
        # and the statistics (core.kinds).
        kinds.register(KIND)

    def load_demo(self) -> str:
        """Called by `manage.py load_demo` after the organisation is in place."""
        from qlvb.leave.demo import load

        return f"{load()} sample leave requests"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ItstaffConfig(AppConfig):
    name = "qlvb.itstaff"
    label = "itstaff"
    verbose_name = _("IT staff")

    def ready(self) -> None:
        from qlvb.core import kinds
        from qlvb.core.parameters import Spec, declare
        from qlvb.core.verbs import register_verbs
        from qlvb.itstaff.kind import INCIDENT_KIND, REPORT_KIND
        from qlvb.itstaff.rules import PARAMETER
        from qlvb.itstaff.verbs import VERBS

        register_verbs(VERBS)
        # Who may open a report or an incident (the agency's leaders and office, the Department),
        # for search, the audit log and the statistics (core.kinds).
        kinds.register(REPORT_KIND)
        kinds.register(INCIDENT_KIND)
        # The Department (Sở Thông tin và Truyền thông, seed 004 Đ9) by its agency id; 0: none.
        declare(Spec(PARAMETER, _("The Department overseeing IT (agency id)"),
                     _("The agency (Sở Thông tin và Truyền thông) that sees every agency's IT staff, reports and "
                       "incidents; 0: none."), "QLVB_ITSTAFF_DEPARTMENT_AGENCY", 0, 2_000_000_000))

    def load_demo(self) -> str:
        """Called by `manage.py load_demo` after the organisation is in place."""
        from qlvb.itstaff.demo import load

        return load()

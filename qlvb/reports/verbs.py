from django.utils.translation import gettext_lazy as _

VERBS = {
    "report.created": _("Periodic report created and assembled"),
    "report.assembled": _("Periodic report's figures assembled again"),
    "report.edited": _("Periodic report edited"),
    "report.sent": _("Periodic report sent to the leadership"),
    "report.read": _("Periodic report read"),
    "report.deleted": _("Periodic report draft deleted"),
}

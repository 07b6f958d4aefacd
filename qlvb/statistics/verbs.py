from django.utils.translation import gettext_lazy as _

VERBS = {
    "statistics.exported": _("Statistics exported"),
    "statistics.report_sent": _("Periodic report sent"),
    "statistics.subscription_saved": _("Report subscription saved"),
    "statistics.subscription_removed": _("Report subscription removed"),
    "statistics.layout_saved": _("Report layout changed"),
}

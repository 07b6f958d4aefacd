from django.utils.translation import gettext_lazy as _

VERBS = {
    "leave.requested": _("Leave requested"),
    "leave.informed": _("Leave announced (no approval needed)"),
    "leave.approved": _("Leave approved"),
    "leave.refused": _("Leave refused"),
    "leave.cancelled": _("Leave cancelled"),
    "leave.carried_over": _("Unused leave carried over"),
    "leave.service_start_set": _("Service start date set"),
    "leave.rules_changed": _("Leave rules changed"),
    "overtime.declared": _("Overtime declared"),
    "leave.register_exported": _("Leave register exported"),
    "leave.cover_named": _("Colleague named to handle the tasks during the leave"),
    "leave.cover_started": _("Tasks handed to the colleague for the leave"),
    "leave.cover_ended": _("Tasks given back after the leave"),
}

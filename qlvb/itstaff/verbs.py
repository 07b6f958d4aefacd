from django.utils.translation import gettext_lazy as _

VERBS = {
    "itstaff.staff_registered": _("IT staff registered"),
    "itstaff.staff_ended": _("IT staff ended"),
    "itstaff.certificate_added": _("IT staff certificate added"),
    "itstaff.training_added": _("IT staff training or meeting recorded"),
    "itstaff.template_published": _("IT report template published"),
    "itstaff.report_saved": _("IT report saved"),
    "itstaff.report_submitted": _("IT report submitted"),
    "itstaff.report_resubmitted": _("IT report resubmitted"),
    "itstaff.report_returned": _("IT report returned for completion"),
    "itstaff.report_accepted": _("IT report accepted"),
    "itstaff.report_reminder": _("IT report reminder"),
    "itstaff.incident_reported": _("IT incident reported"),
    "itstaff.incident_closed": _("IT incident closed"),
}

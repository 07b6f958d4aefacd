from django.utils.translation import gettext_lazy as _

VERBS = {
    "schedules.entry_created": _("Schedule entry added"),
    "schedules.entry_handed_over": _("Place in the entry handed over to a successor"),
    "schedules.entry_updated": _("Schedule entry changed"),
    "schedules.entry_adjusted": _("Published schedule adjusted"),
    "schedules.entry_cancelled": _("Schedule entry cancelled"),
    "schedules.entry_deleted": _("Schedule entry deleted"),
    "schedules.entry_reported": _("Report back after a meeting filed"),
    "schedules.entry_proposed": _("Schedule entry put forward for the agency's schedule"),
    "schedules.period_submitted": _("Schedule submitted for approval"),
    "schedules.period_published": _("Schedule approved and published"),
    "schedules.period_returned": _("Schedule returned to the office"),
    "schedules.feed_token_reset": _("Calendar subscription address renewed"),
}

from django.utils.translation import gettext_lazy as _

VERBS = {
    "meeting.created": _("Meeting prepared"),
    "meeting.updated": _("Meeting changed"),
    "meeting.invited": _("Invitations sent"),
    "meeting.answered": _("Invitation answered"),
    "meeting.cancelled": _("Meeting cancelled"),
    "meeting.agenda_added": _("Agenda item added"),
    "meeting.agenda_removed": _("Agenda item removed"),
    "meeting.document_added": _("Meeting document added"),
    "meeting.attendance_recorded": _("Attendance recorded"),
    "meeting.minutes_saved": _("Minutes drafted"),
    "meeting.minutes_submitted": _("Minutes submitted to the chair"),
    "meeting.minutes_returned": _("Minutes returned to the secretary"),
    "meeting.minutes_approved": _("Minutes approved"),
    "meeting.conclusion_added": _("Conclusion added"),
    "meeting.conclusion_removed": _("Conclusion removed"),
    "meeting.conclusions_published": _("Conclusions notice published"),
    "meeting.tasks_made": _("Conclusions turned into tasks"),
    "meeting.repeated": _("Next meetings of the series prepared"),
    "meeting.handed_over": _("Handed over to a successor"),
}

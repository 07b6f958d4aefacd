from django.utils.translation import gettext_lazy as _

VERBS = {
    "consultation.created": _("Consultation prepared"),
    "consultation.question_added": _("Question added to a consultation"),
    "consultation.question_removed": _("Question removed from a consultation"),
    "consultation.opened": _("Consultation opened"),
    "consultation.answered": _("Consultation answered"),
    "consultation.closed": _("Consultation closed"),
    "consultation.results_published": _("Consultation results published"),
    "consultation.meeting_requested": _("Asked to meet the director"),
    "consultation.meeting_answered": _("Request to meet the director answered"),
}

from django.utils.translation import gettext_lazy as _

VERBS = {
    "message.sent": _("Internal message sent"),
    "message.read": _("Internal message read"),
    "message.moved": _("Internal message moved to another folder"),
    "message.task_made": _("Internal message turned into a task"),
    "message.filed": _("Internal message filed into a dossier"),
}

from django.utils.translation import gettext_lazy as _

VERBS = {
    "task.assigned": _("Task assigned"),
    "task.handed_over": _("Handed over to a successor"),
    "task.covered": _("Handed to a colleague for a leave period"),
    "task.cover_returned": _("Given back after the leave period"),
    "task.received": _("Task received from the provincial committee"),
    "task.reported": _("Progress reported"),
    "task.extension_requested": _("Extension of the deadline requested"),
    "task.extension_approved": _("Extension of the deadline approved"),
    "task.extension_rejected": _("Extension of the deadline rejected"),
    "task.completed": _("Task completed"),
    "task.evaluated": _("Task result evaluated"),
    "task.linked": _("Document linked to the task"),
    "task.changed": _("Task changed by its assigner"),
    "task.withdrawn": _("Task withdrawn"),
}

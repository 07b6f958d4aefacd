from django.utils.translation import gettext_lazy as _

VERBS = {
    "programme.created": _("Work programme created"),
    "programme.item_added": _("Programme item added"),
    "programme.item_updated": _("Programme item changed"),
    "programme.item_withdrawn": _("Programme item withdrawn"),
    "programme.submitted": _("Work programme submitted for approval"),
    "programme.approved": _("Work programme approved"),
    "programme.returned": _("Work programme returned"),
    "programme.adjusted": _("Approved work programme adjusted"),
    "programme.reviewed": _("Work programme reviewed"),
    "programme.tasks_made": _("Tasks made from programme items"),
}

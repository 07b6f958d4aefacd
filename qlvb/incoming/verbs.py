from django.utils.translation import gettext_lazy as _

VERBS = {
    "incoming.draft_saved": _("Saved for later registration"),
    "incoming.draft_deleted": _("Draft deleted"),
    "incoming.registered": _("Registered and presented"),
    "incoming.corrected": _("Registration corrected"),
    "incoming.secret_opened": _("Secret document opened"),
    "incoming.routed": _("Routed"),
    "incoming.routing_withdrawn": _("Routing withdrawn"),
    "incoming.deadline_changed": _("Deadline changed"),
    "incoming.progress": _("Progress recorded"),
    "incoming.proposal": _("Proposal recorded"),
    "incoming.contributed": _("Contribution sent"),
    "incoming.read": _("Read"),
    "incoming.completed": _("Completed"),
    "incoming.reopened": _("Reopened"),
    "register.created": _("Register created"),
    "dossier.created": _("Dossier created"),
    "dossier.opened": _("Dossier opened"),
    "dossier.closed": _("Dossier closed"),
    "dossier.document_filed": _("Document filed into a dossier"),
    "dossier.plan_approved": _("Dossier plan approved"),
}

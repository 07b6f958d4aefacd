from django.utils.translation import gettext_lazy as _

VERBS = {
    "outgoing.created": _("Draft created"),
    "outgoing.updated": _("Draft details changed"),
    "outgoing.version_added": _("New version"),
    "outgoing.submitted": _("Submitted for review"),
    "outgoing.approved": _("Approved and forwarded"),
    "outgoing.format_checked": _("Format checked and forwarded"),
    "outgoing.approved_for_issue": _("Approved for issuing"),
    "outgoing.returned": _("Returned with comments"),
    "outgoing.disagreement": _("Disagreement recorded"),
    "outgoing.back_to_signer": _("Changed after approval: back to the signer"),
    "outgoing.initialled": _("Initialled (ký nháy) by the reviewer"),
    "outgoing.initial_requested": _("The reviewer's initial asked of the signing service"),
    "outgoing.initial_refused": _("The signing service did not sign the reviewer's initial"),
    "outgoing.signed": _("Signed by the signer"),
    "outgoing.issued": _("Numbered, signed by the agency and issued"),
    "outgoing.signature_requested": _(
        "Numbered; a digital signature asked of its holder (signing service or USB token)"),
    "outgoing.sealed_by_lead": _(
        "Numbered and sealed by the lead agency; waiting for the co-issuing agencies' seals"),
    "outgoing.co_sealed": _("Recorded in the co-issuing agency's register and sealed by it"),
    "outgoing.signature_refused": _("The digital signature was not made (refused or out of time)"),
    "outgoing.review_reminded": _("Review overdue: reminder"),
    "outgoing.cancelled": _("Cancelled"),
    "outgoing.handed_over": _("Handed over to a successor"),
    "outgoing.template_saved": _("Drafting template added"),
    "outgoing.template_retired": _("Drafting template retired"),
    "outgoing.settings_changed": _("Review flow settings changed"),
    "outgoing.secret_opened": _("Secret document opened"),
    "incoming.replied": _("Answered by an issued document"),
}

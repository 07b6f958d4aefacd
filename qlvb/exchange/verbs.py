from django.utils.translation import gettext_lazy as _

VERBS = {
    "exchange.sent": _("Sent to the receiving agencies"),
    "exchange.arrived": _("Arrived in the reception queue"),
    "exchange.accepted": _("Accepted from the reception queue"),
    "exchange.rejected": _("Rejected from the reception queue"),
    "exchange.invalid": _("Invalid package refused"),
    "exchange.status_not_sent": _("Status could not be sent to the sender"),
    "exchange.status_received": _("Status received from a receiver"),
    "exchange.recall_sent": _("Recall sent to the receivers"),
    "exchange.update_sent": _("Update sent to the receivers"),
    "exchange.replace_sent": _("Replacement sent to the receivers"),
    "exchange.change_agreed": _("Recall or update agreed"),
    "exchange.change_refused": _("Recall or update refused"),
    "exchange.cancelled": _("Cancelled: recalled by the sender"),
    "exchange.peer_saved": _("Exchange peer saved"),
    "exchange.peer_disabled": _("Exchange with a peer stopped"),
    "exchange.peer_enabled": _("Exchange with a peer resumed"),
    "exchange.mailbox_saved": _("Official mailbox saved"),
    "exchange.axis_saved": _("Connection to the document-exchange axis saved"),
    "exchange.axis_directory_synced": _("Agency directory synchronised from the axis"),
    "exchange.axis_agency_registered": _("Agency registered on the axis"),
}

# The label of incoming.IncomingDocument.Status.CANCELLED, which only the exchange sets: translated
# in this app's catalogue.
CANCELLED_LABEL = _("Cancelled (recalled by the sender)")
CANCELLED_REFUSAL = _("The document was recalled by its sender and cancelled.")

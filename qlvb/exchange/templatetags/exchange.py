from __future__ import annotations

from typing import Any

from django import template

from qlvb.core.actor import effective_person

register = template.Library()


@register.simple_tag(takes_context=True)
def reception_waiting(context: dict[str, Any]) -> int:
    """How many packages wait in the reception queues of the agencies the person is clerk of."""
    from qlvb.exchange.selectors import waiting_count

    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    return waiting_count(effective_person(request, "incoming"))


@register.simple_tag
def exchange_recipient_states(document: Any) -> dict[int, dict[str, Any]]:
    """For the sender's recipients list: one state per recipient agency (see selectors)."""
    from qlvb.exchange.selectors import recipient_states

    return recipient_states(document) if document.number else {}


@register.inclusion_tag("exchange/_status_panel.html", takes_context=True)
def exchange_status_panel(context: dict[str, Any], document: Any) -> dict[str, Any]:
    """Per recipient agency, the latest status and its history; for the issuer clerk, the
    recall/update/replace form."""
    from qlvb.exchange.selectors import status_panel
    from qlvb.outgoing import rules
    from qlvb.outgoing.models import OutgoingDocument

    request = context["request"]
    person = effective_person(request, "outgoing")
    issued = document.status == OutgoingDocument.Status.ISSUED
    can_change = issued and rules.is_clerk(person, document.agency_id) and document.deliveries.exists()
    return {
        "rows": status_panel(document) if issued else [], "document": document, "can_change": can_change,
        "csrf_token": context.get("csrf_token"), "request": request,
        "replacements": list(OutgoingDocument.objects.filter(agency_id=document.agency_id,
                                                             status=OutgoingDocument.Status.ISSUED)
                             .exclude(pk=document.pk).order_by("-issued_at")[:20]) if can_change else [],
    }

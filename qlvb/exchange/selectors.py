"""Reads of the exchange, scoped to the viewer: a reception item is seen by the clerks of the
agency it arrived for; an outgoing document's statuses by whoever may see the document."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.exchange.models import DeliveryStatus, ReceptionItem
from qlvb.org.models import Person
from qlvb.org.roles import roles_of


def clerk_agency_ids(person: Person) -> list[int]:
    return sorted(roles_of(person).clerk_agency_ids)


def queue(person: Person, *, state: str = "waiting", source: str = "", kind: str = "",
          q: str = "") -> QuerySet[ReceptionItem]:
    items = ReceptionItem.objects.filter(receiver_id__in=clerk_agency_ids(person))
    if state:
        items = items.filter(state=state)
    if source:
        items = items.filter(source=source)
    if kind:
        items = items.filter(kind=kind)
    if q:
        items = items.filter(Q(summary__icontains=q) | Q(reference__icontains=q) | Q(sender_name__icontains=q)
                             | Q(sender_code=q))
    return items.order_by("-urgent", "-received_at", "-id")


def state_counts(person: Person) -> dict[str, int]:
    rows = (ReceptionItem.objects.filter(receiver_id__in=clerk_agency_ids(person)).values("state")
            .annotate(n=Count("id")))
    return {row["state"]: row["n"] for row in rows}


def waiting_count(person: Person) -> int:
    ids = clerk_agency_ids(person)
    if not ids:
        return 0
    return ReceptionItem.objects.filter(receiver_id__in=ids, state=ReceptionItem.State.WAITING).count()


def get_item(person: Person, pk: int) -> ReceptionItem:
    item = (ReceptionItem.objects.filter(pk=pk, receiver_id__in=clerk_agency_ids(person))
            .select_related("receiver", "sender_agency", "incoming", "original", "original__incoming", "peer",
                            "decided_by", "package").first())
    if item is None:
        raise Http404()
    return item


def refusals_for(person: Person, days: int = 30) -> list[DeliveryStatus]:
    """Receivers' refusals of documents the person drafted or issued, in the last `days`: they
    must reach the sender's attention, not only the document's status panel."""
    since = timezone.now() - timedelta(days=days)
    return list(DeliveryStatus.objects.filter(code="02", at__gte=since)
                .filter(Q(outgoing__drafter=person) | Q(outgoing__issued_by=person))
                .select_related("outgoing").order_by("-at")[:10])


def recipient_states(document: Any) -> dict[int, dict[str, Any]]:
    """One state per recipient agency of an issued document, by agency id: the latest status it
    sent back, else where the delivery stands (never both). `tone` says how to show it."""
    from qlvb.outgoing.models import Delivery

    states: dict[int, dict[str, Any]] = {}
    codes: dict[str, int] = {}
    for delivery in document.deliveries.select_related("recipient_agency"):
        codes[delivery.recipient_agency.code] = delivery.recipient_agency_id
        waiting = delivery.state == Delivery.State.DELIVERED
        states[delivery.recipient_agency_id] = {
            "label": _("Waiting for reception") if waiting else _("Being sent"), "code": "", "tone": "secondary"}
    for status in DeliveryStatus.objects.filter(outgoing=document, recipient_code__in=codes).order_by("at", "id"):
        tone = "danger" if status.code in ("02", "16") else "success" if status.code in ("03", "06", "15") \
            else "primary"
        label = _("Arrived, waiting for reception") if status.code == "01" else status.label
        states[codes[status.recipient_code]] = {"label": label, "code": status.code, "tone": tone,
                                                "reason": status.description if status.code == "02" else ""}
    return states


def status_panel(document: Any) -> list[dict[str, Any]]:
    """Per recipient agency: its latest status and the whole history, oldest first."""
    rows: dict[str, dict[str, Any]] = {}
    for delivery in document.deliveries.select_related("recipient_agency"):
        agency = delivery.recipient_agency
        rows[agency.code] = {"code": agency.code, "name": agency.name, "latest": None, "history": []}
    for status in DeliveryStatus.objects.filter(outgoing=document).order_by("at", "id"):
        row = rows.setdefault(status.recipient_code, {"code": status.recipient_code, "name": status.recipient_name,
                                                      "latest": None, "history": []})
        row["history"].append(status)
        row["latest"] = status
    return list(rows.values())


def axis_overview(connection: Any) -> dict[str, Any]:
    """What the axis page shows: packages waiting to go out over it, those given up, the last
    packages received from it."""
    from qlvb.exchange.models import AxisReceipt, OutboundMessage

    if connection is None:
        return {"pending": [], "failed": [], "receipts": [], "pending_count": 0}
    outbound = OutboundMessage.objects.filter(peer__axis=connection).select_related("peer")
    pending = outbound.filter(state=OutboundMessage.State.PENDING)
    return {"pending": list(pending.order_by("next_attempt_at", "id")[:50]), "pending_count": pending.count(),
            "failed": list(outbound.filter(state=OutboundMessage.State.FAILED).order_by("-created_at")[:20]),
            "receipts": list(AxisReceipt.objects.filter(connection=connection).select_related("item")
                             .order_by("-received_at", "-id")[:30])}

"""The incoming documents' part of a hand-over (core.handover): the documents presented to the
person and waiting for routing, and the person's open tasks."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from qlvb.core.handover import OpenItem, Provider
from qlvb.incoming import services


def _sample(person: Any, agency_id: int, limit: int) -> list[OpenItem]:
    rows = (services.open_assignments(person, agency_id).select_related("document").order_by("-received_at", "-pk")
            [:limit])
    return [OpenItem(label=str(a.document), url=reverse("incoming:detail", args=[a.document_id]),
                     detail=str(a.get_role_display())) for a in rows]


def _sample_presented(person: Any, agency_id: int, limit: int) -> list[OpenItem]:
    rows = services.presented_waiting(person, agency_id).order_by("routing_due_at", "pk")[:limit]
    return [OpenItem(label=str(d), url=reverse("incoming:detail", args=[d.pk]), detail=_g("Waiting for routing"))
            for d in rows]


PRESENTED = Provider(
    name="incoming_presented", label=_("Documents presented for routing"), order=5,
    open_items=lambda person, agency_id: services.presented_waiting(person, agency_id).count(),
    sample=_sample_presented,
    hand_over=lambda by, person, successor, agency_id, note: services.hand_over_presented(
        by=by, person=person, successor=successor, agency_id=agency_id, note=note),
)

PROVIDER = Provider(
    name="incoming", label=_("Incoming documents being handled"), order=10,
    open_items=lambda person, agency_id: services.open_assignments(person, agency_id).count(),
    sample=_sample,
    hand_over=lambda by, person, successor, agency_id, note: services.hand_over(
        by=by, person=person, successor=successor, agency_id=agency_id, note=note),
)

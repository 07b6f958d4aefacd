"""The outgoing documents' part of a hand-over (core.handover): drafts and review steps."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from qlvb.core.handover import OpenItem, Provider
from qlvb.outgoing import services


def _sample(person: Any, agency_id: int, limit: int) -> list[OpenItem]:
    drafts = [OpenItem(label=str(d), url=reverse("outgoing:detail", args=[d.pk]), detail=_g("Drafter"))
              for d in services.open_drafts(person, agency_id).order_by("-created_at", "-pk")[:limit]]
    steps = [OpenItem(label=str(s.document), url=reverse("outgoing:detail", args=[s.document_id]),
                      detail=str(s.get_kind_display()))
             for s in services.open_steps(person, agency_id).select_related("document").order_by("-pk")[:limit]]
    return (drafts + steps)[:limit]


PROVIDER = Provider(
    name="outgoing", label=_("Drafts and reviews of outgoing documents"), order=20,
    open_items=services.open_work_count,
    sample=_sample,
    hand_over=lambda by, person, successor, agency_id, note: services.hand_over(
        by=by, person=person, successor=successor, agency_id=agency_id, note=note),
)

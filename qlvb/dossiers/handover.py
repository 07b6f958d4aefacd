"""The dossiers' part of a hand-over (core.handover): the dossiers the person keeps."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qlvb.core.handover import OpenItem, Provider
from qlvb.dossiers import services

VERBS = {"dossier.handed_over": _("Handed over to a successor")}


def _sample(person: Any, agency_id: int, limit: int) -> list[OpenItem]:
    return [OpenItem(label=f"{d.code} – {d.title}", url=reverse("dossiers:detail", args=[d.pk]),
                     detail=str(d.get_status_display()))
            for d in services.open_kept(person, agency_id).order_by("-year", "code")[:limit]]


PROVIDER = Provider(
    name="dossiers", label=_("Dossiers kept"), order=40,
    open_items=lambda person, agency_id: services.open_kept(person, agency_id).count(),
    sample=_sample,
    hand_over=lambda by, person, successor, agency_id, note: services.hand_over(
        by=by, person=person, successor=successor, agency_id=agency_id, note=note),
)

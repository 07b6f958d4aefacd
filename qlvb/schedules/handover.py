"""The schedules' part of a hand-over (core.handover): the entries to come he chairs or attends."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core.handover import OpenItem, Provider
from qlvb.schedules import services


def _sample(person: Any, agency_id: int, limit: int) -> list[OpenItem]:
    return [OpenItem(label=e.title, url=reverse("schedules:entry", args=[e.pk]),
                     detail=timezone.localtime(e.starts_at).strftime("%H:%M %d/%m/%Y"))
            for e in services.open_entries(person, agency_id).order_by("starts_at", "pk")[:limit]]


PROVIDER = Provider(
    name="schedules", label=_("Schedule entries to come"), order=50,
    open_items=lambda person, agency_id: services.open_entries(person, agency_id).count(),
    sample=_sample,
    hand_over=lambda by, person, successor, agency_id, note: services.hand_over(
        by=by, person=person, successor=successor, agency_id=agency_id, note=note),
)

"""The meetings' part of a hand-over (core.handover): the open meetings he chairs or keeps the
minutes of, and those to come he is invited to, attends for someone or presents an item at."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core.handover import OpenItem, Provider
from qlvb.meetings import services
from qlvb.meetings.models import Meeting


def _sample(person: Any, agency_id: int, limit: int) -> list[OpenItem]:
    ids = services.open_role_ids(person, agency_id)
    return [OpenItem(label=m.title, url=reverse("meetings:detail", args=[m.pk]),
                     detail=timezone.localtime(m.starts_at).strftime("%H:%M %d/%m/%Y"))
            for m in Meeting.objects.filter(pk__in=ids).order_by("starts_at", "pk")[:limit]]


PROVIDER = Provider(
    name="meetings", label=_("Meetings (chair, secretary, invitations to come)"), order=45,
    open_items=lambda person, agency_id: len(services.open_role_ids(person, agency_id)),
    sample=_sample,
    hand_over=lambda by, person, successor, agency_id, note: services.hand_over(
        by=by, person=person, successor=successor, agency_id=agency_id, note=note),
)

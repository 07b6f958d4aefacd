"""The tasks' part of a hand-over (core.handover): tasks owned and coordinated."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from qlvb.core.handover import OpenItem, Provider
from qlvb.tasks import services


def _sample(person: Any, agency_id: int, limit: int) -> list[OpenItem]:
    owned = [OpenItem(label=t.title, url=reverse("tasks:detail", args=[t.pk]), detail=_g("In charge (owner)"))
             for t in services.open_owned(person, agency_id).order_by("deadline", "pk")[:limit]]
    coordinating = [OpenItem(label=c.task.title, url=reverse("tasks:detail", args=[c.task_id]),
                             detail=_g("Coordinator"))
                    for c in services.open_coordinated(person, agency_id).select_related("task").order_by("pk")[:limit]]
    return (owned + coordinating)[:limit]


PROVIDER = Provider(
    name="tasks", label=_("Tasks owned and coordinated"), order=30,
    open_items=services.open_work_count,
    sample=_sample,
    hand_over=lambda by, person, successor, agency_id, note: services.hand_over(
        by=by, person=person, successor=successor, agency_id=agency_id, note=note),
)

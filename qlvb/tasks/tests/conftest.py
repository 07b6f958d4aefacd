from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.tasks import services
from qlvb.tasks.models import Task
from qlvb.tasks.services import Owner


def future(days: int = 10) -> date:
    return timezone.localdate() + timedelta(days=days)


def assign(org, *, by=None, owner=None, **extra: Any) -> Task:  # noqa: ANN001
    values: dict[str, Any] = {"title": "Rà soát hạ tầng mạng của các phòng", "deadline": future()}
    values.update(extra)
    return services.assign(by=Actor(by or org.head), agency=org.agency,
                           owner=owner or Owner(person=org.specialist), **values)

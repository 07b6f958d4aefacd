"""Writing notifications and marking them read (the subscribers in routes.py call notify)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from qlvb.core.errors import NotAllowed
from qlvb.notifications.models import Notification
from qlvb.org.models import Person


def notify(people: Iterable[Person], *, kind: str, params: dict[str, Any], url: str = "", urgent: bool = False,
           target_type: str = "", target_id: str = "", key: str, event_id: int | None = None) -> int:
    """One notification per person, once per `key` (run again, it writes nothing new)."""
    now = timezone.now()
    if event_id is None and key.startswith("event:"):
        event_id = int(key.split(":", 1)[1])
    rows = [Notification(person=person, kind=kind, params=params, url=url[:300], urgent=urgent,
                         target_type=target_type, target_id=target_id, event_id=event_id, key=key[:120],
                         created_at=now) for person in people]
    if not rows:
        return 0
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def mark_read(*, person: Person, notification_id: int) -> Notification:
    notification = Notification.objects.filter(person=person, pk=notification_id).first()
    if notification is None:
        raise NotAllowed()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def mark_all_read(*, person: Person) -> int:
    return Notification.objects.filter(person=person, read_at__isnull=True).update(read_at=timezone.now())

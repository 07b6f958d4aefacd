"""What ops writes: the worker's heartbeat."""

from __future__ import annotations

import socket
from datetime import timedelta

from django.utils import timezone

from qlvb.ops.models import Heartbeat

# Rows of hosts gone for this long (a node removed) are dropped, so they never pile up.
FORGET_AFTER = timedelta(days=1)


def beat(host: str | None = None) -> Heartbeat:
    now = timezone.now()
    row, _ = Heartbeat.objects.update_or_create(host=host or socket.gethostname(), defaults={"at": now})
    Heartbeat.objects.filter(at__lt=now - FORGET_AFTER).delete()
    return row

"""Background jobs of the notifications: an e-mail and a push per notification (retried by the
worker), the reminders every half hour and the morning digest."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from qlvb.core.workerclock import worker_clock


@db_task(retries=5, retry_delay=120)
def send_email(notification_id: int) -> None:
    from qlvb.notifications.services import send_email as send

    send(notification_id)


# A push tells "within seconds": tried again soon, then less often (huey's fixed delay: 30 s × 8).
@db_task(retries=8, retry_delay=30)
def send_push(notification_id: int) -> None:
    from qlvb.notifications.push import send

    send(notification_id)


@db_periodic_task(crontab(minute="*/30"), retries=2, retry_delay=300)
def send_reminders() -> dict[str, int]:
    """Every half hour, day and night: the run decides (working days and hours for everything,
    urgent documents at any time) and writes each reminder once per item and day, so a run
    repeated, or after a restart, adds nothing."""
    from qlvb.notifications.reminders import run

    return run()


_hour, _minute = worker_clock(settings.QLVB_DIGEST_AT)


@db_periodic_task(crontab(hour=str(_hour), minute=str(_minute)), retries=3, retry_delay=300)
def send_digests() -> int:
    """At 7:30 local time: the morning digest, on the working days of each person's agency."""
    from qlvb.notifications.digest import send_digests as send

    return send()

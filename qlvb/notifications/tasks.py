"""Background jobs of the notifications: an e-mail and a push per notification (retried by the worker)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task(retries=5, retry_delay=120)
def send_email(notification_id: int) -> None:
    from qlvb.notifications.services import send_email as send

    send(notification_id)


# A push tells "within seconds": tried again soon, then less often (huey's fixed delay: 30 s × 8).
@db_task(retries=8, retry_delay=30)
def send_push(notification_id: int) -> None:
    from qlvb.notifications.push import send

    send(notification_id)

"""Background jobs of the notifications: an e-mail per notification (retried by the worker)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task(retries=5, retry_delay=120)
def send_email(notification_id: int) -> None:
    from qlvb.notifications.services import send_email as send

    send(notification_id)

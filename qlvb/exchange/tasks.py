"""Background jobs of the exchange: the outbound queue, official mailboxes, the national axis."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task


@db_task()
def send_exchange_queue() -> dict[str, int]:
    """Send what is due now (scheduled right after a package is queued)."""
    from qlvb.exchange.transport import send_due

    with lock_task("exchange-outbound"):
        return send_due()


@db_periodic_task(crontab(minute="*"))
def retry_exchange_queue() -> dict[str, int]:
    from qlvb.exchange.transport import send_due

    with lock_task("exchange-outbound"):
        return send_due()


@db_periodic_task(crontab(minute="*/5"))
def read_mailboxes() -> int:
    from qlvb.exchange.mailbox import read_all

    return read_all()


@db_periodic_task(crontab(minute="*/2"))
def poll_axis() -> dict[str, int]:
    """Take the packages and statuses waiting on the national axis (exchange/axis/sync.py)."""
    from qlvb.exchange.axis.sync import poll_all

    with lock_task("exchange-axis-poll"):
        return poll_all()


@db_periodic_task(crontab(hour="2", minute="40"))
def sync_axis_directory() -> int:
    """Refresh the national directory of agencies from the axis, once a night."""
    from qlvb.exchange.axis.sync import sync_directory
    from qlvb.exchange.models import AxisConnection

    count = 0
    with lock_task("exchange-axis-directory"):
        for connection in AxisConnection.objects.filter(is_active=True, kind=AxisConnection.Kind.VXP)[:1]:
            loaded = sync_directory(connection)
            count += loaded.added + loaded.updated
    return count

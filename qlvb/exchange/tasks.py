"""Background jobs of the exchange: the outbound queue, official mailboxes."""

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

"""Background jobs of outgoing documents."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="7", minute="0"))
def remind_overdue_reviews() -> None:
    """Each morning, reviews not given within the allowed working days (003 Đ10.7) are flagged and
    recorded; the reviewer and the signer see them on their home page."""
    from qlvb.outgoing.services import remind_overdue_reviews as remind

    remind()

"""Background job of the IT reports: each working morning, the agencies whose report of an open
round is not yet submitted are reminded three working days before its deadline and once it has passed."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qlvb.core.workerclock import worker_clock

_hour, _minute = worker_clock("07:10")


@db_periodic_task(crontab(hour=str(_hour), minute=str(_minute)), retries=2, retry_delay=600)
def remind_it_reports() -> int:
    from qlvb.itstaff.services import remind_reports

    return remind_reports()

"""Background jobs of the statistics: the scheduled reports, made early each morning for the
periods that ended (subscriptions.run)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qlvb.core.workerclock import worker_clock

SEND_AT = "05:15"  # local time: after the nightly jobs, before anyone starts work


_hour, _minute = worker_clock(SEND_AT)


@db_periodic_task(crontab(hour=str(_hour), minute=str(_minute)), retries=2, retry_delay=600)
def send_scheduled_reports() -> dict[str, int]:
    """Each period is made once per subscription: a retry, or a second run, adds nothing."""
    from qlvb.statistics.subscriptions import run

    result = run()
    return {"sent": result.sent, "skipped": result.skipped, "ended": result.ended}

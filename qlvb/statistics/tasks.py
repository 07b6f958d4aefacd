"""Background jobs of the statistics: the scheduled reports, made early each morning for the
periods that ended (subscriptions.run)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

SEND_AT = "05:15"  # local time: after the nightly jobs, before anyone starts work


def worker_clock(at: str) -> tuple[int, int]:
    """A local time (TIME_ZONE) as huey's crontab reads it (UTC unless told otherwise): 05:15 in
    Hà Nội is 22:15 UTC the day before (Viet Nam has no summer time)."""
    hour, minute = (int(part) for part in at.split(":"))
    if not getattr(HUEY, "utc", True):
        return hour, minute
    local = dt.datetime.combine(dt.date(2026, 1, 1), dt.time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))
    moment = local.astimezone(dt.UTC)
    return moment.hour, moment.minute


_hour, _minute = worker_clock(SEND_AT)


@db_periodic_task(crontab(hour=str(_hour), minute=str(_minute)), retries=2, retry_delay=600)
def send_scheduled_reports() -> dict[str, int]:
    """Each period is made once per subscription: a retry, or a second run, adds nothing."""
    from qlvb.statistics.subscriptions import run

    result = run()
    return {"sent": result.sent, "skipped": result.skipped, "ended": result.ended}

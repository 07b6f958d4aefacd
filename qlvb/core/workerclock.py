"""The job worker's clock: a local time (TIME_ZONE) as huey's crontab reads it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from huey.contrib.djhuey import HUEY


def worker_clock(at: str) -> tuple[int, int]:
    """"HH:MM" local time as (hour, minute) of huey's crontab, which reads UTC unless huey is told
    otherwise (utc=True, its default): 01:30 in Hà Nội is 18:30 UTC the day before. Viet Nam has
    no summer time, so the offset is fixed."""
    hour, minute = (int(part) for part in at.split(":"))
    if not getattr(HUEY, "utc", True):
        return hour, minute
    local = dt.datetime.combine(dt.date(2026, 1, 1), dt.time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))
    moment = local.astimezone(dt.UTC)
    return moment.hour, moment.minute

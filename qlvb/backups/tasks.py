"""The job worker's backups: one a night (the weekly one on QLVB_BACKUP_WEEKLY_DAY), and the ones
the administrator asks for on the backups page."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task


def worker_clock(at: str) -> tuple[int, int]:
    """QLVB_BACKUP_AT is local time (TIME_ZONE); huey reads crontabs in UTC (utc=True, its
    default): 01:30 in Hà Nội is 18:30 UTC. (Viet Nam has no summer time: the offset is fixed.)"""
    hour, minute = (int(part) for part in at.split(":"))
    if not getattr(HUEY, "utc", True):
        return hour, minute
    local = dt.datetime.combine(dt.date(2026, 1, 1), dt.time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))
    moment = local.astimezone(dt.UTC)
    return moment.hour, moment.minute


_hour, _minute = worker_clock(settings.QLVB_BACKUP_AT)


@db_periodic_task(crontab(hour=str(_hour), minute=str(_minute)))
def nightly_backup() -> None:
    from qlvb.backups.services import run_scheduled

    run_scheduled()


@db_task()
def run_requested_backup(backup_id: int) -> None:
    from qlvb.backups.models import Backup
    from qlvb.backups.services import run

    backup = Backup.objects.filter(pk=backup_id, status=Backup.Status.QUEUED).first()
    if backup is not None:
        run(backup)

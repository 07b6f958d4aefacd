"""The job worker's backups: one a night (the weekly one on QLVB_BACKUP_WEEKLY_DAY), and the ones
the administrator asks for on the backups page."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from qlvb.core.workerclock import worker_clock

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

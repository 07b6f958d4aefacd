from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from qlvb.backups.models import Backup


def recent(limit: int = 30) -> list[Backup]:
    return list(Backup.objects.select_related("requested_by").order_by("-requested_at", "-pk")[:limit])


def last_verified() -> Backup | None:
    return Backup.objects.filter(status=Backup.Status.VERIFIED).order_by("-verified_at").first()


def last_finished() -> Backup | None:
    return (Backup.objects.filter(status__in=[Backup.Status.VERIFIED, Backup.Status.FAILED, Backup.Status.TAKEN])
            .order_by("-requested_at", "-pk").first())


def busy() -> bool:
    return Backup.objects.filter(status__in=[Backup.Status.QUEUED, Backup.Status.RUNNING]).exists()


@dataclass
class Schedule:
    folder: Path
    at: str
    weekly_day: int
    daily_keep: int
    weekly_keep: int
    passphrase_set: bool


def schedule() -> Schedule:
    return Schedule(folder=Path(settings.QLVB_BACKUP_DIR), at=settings.QLVB_BACKUP_AT,
                    weekly_day=settings.QLVB_BACKUP_WEEKLY_DAY, daily_keep=settings.QLVB_BACKUP_DAILY_KEEP,
                    weekly_keep=settings.QLVB_BACKUP_WEEKLY_KEEP, passphrase_set=bool(settings.QLVB_BACKUP_PASSPHRASE))

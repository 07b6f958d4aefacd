"""Find (and with --delete remove) blobs no StoredFile row points to.

They are left behind when a transaction fails after its files were written (the rows are rolled
back, the storage is not transactional) or by a crash. Only blobs older than --older-than-hours
are considered, so uploads still in flight are never touched.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from qlvb.files.models import StoredFile


def _blob_names() -> list[str]:
    names: list[str] = []
    for first in default_storage.listdir("blobs")[0]:
        for second in default_storage.listdir(f"blobs/{first}")[0]:
            folder = f"blobs/{first}/{second}"
            names.extend(f"{folder}/{name}" for name in default_storage.listdir(folder)[1])
    return names


def orphan_blobs(*, older_than: timedelta) -> list[str]:
    if not default_storage.exists("blobs"):
        return []
    cutoff = timezone.now() - older_than
    names = _blob_names()
    known: set[str] = set()
    for start in range(0, len(names), 500):
        known.update(StoredFile.objects.filter(storage_name__in=names[start:start + 500])
                     .values_list("storage_name", flat=True))
    return [name for name in names if name not in known and default_storage.get_modified_time(name) < cutoff]


class Command(BaseCommand):
    help = "List blobs that no stored file points to; remove them with --delete."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=float, default=24.0)
        parser.add_argument("--delete", action="store_true", help="Remove them (without it, only list).")

    def handle(self, *args, **options):
        orphans = orphan_blobs(older_than=timedelta(hours=options["older_than_hours"]))
        for name in orphans:
            if options["delete"]:
                default_storage.delete(name)
            self.stdout.write(name)
        verb = "Deleted" if options["delete"] else "Found"
        self.stdout.write(f"{verb} {len(orphans)} unreferenced blob(s).")

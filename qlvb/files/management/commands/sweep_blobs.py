"""Find (and with --delete remove) blobs no StoredFile row points to (qlvb.files.sweep).

The job worker removes them every night by itself (files.tasks.sweep_orphan_blobs): they may hold
a secret document's content. This command lists them, or removes them now.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand

from qlvb.files.sweep import delete_orphan_blobs, orphan_blobs


class Command(BaseCommand):
    help = "List blobs that no stored file points to; remove them with --delete (the worker does it each night)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=float, default=24.0)
        parser.add_argument("--delete", action="store_true", help="Remove them (without it, only list).")

    def handle(self, *args, **options):
        older_than = timedelta(hours=options["older_than_hours"])
        orphans = delete_orphan_blobs(older_than=older_than) if options["delete"] else orphan_blobs(
            older_than=older_than)
        for name in orphans:
            self.stdout.write(name)
        verb = "Deleted" if options["delete"] else "Found"
        self.stdout.write(f"{verb} {len(orphans)} unreferenced blob(s).")

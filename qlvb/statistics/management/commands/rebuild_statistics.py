"""Rewrite the statistics rows from the documents, reviews and tasks themselves."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qlvb.statistics.services import rebuild


class Command(BaseCommand):
    help = "Rewrite statistics.Item from the work itself and statistics.LoginDay from the event log."

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(kind: str, done: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{kind}: {done}")

        written = rebuild(progress=progress)
        self.stdout.write(f"{written} statistics rows written")

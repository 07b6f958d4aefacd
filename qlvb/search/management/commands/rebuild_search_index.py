"""Rebuild the search index from the documents (after a restore, or a change of the folding).
The services keep it current otherwise."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from qlvb.search import services


class Command(BaseCommand):
    help = "Rebuild the search index of every document kind (incoming, outgoing, dossiers…), in batches."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()

        def progress(kind: str, done: int) -> None:
            elapsed = time.perf_counter() - started
            self.stdout.write(f"{done} documents ({kind}), {done / elapsed:.0f} documents/s")

        total = services.rebuild(batch=options["batch"], progress=progress if options["verbosity"] else None)
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            f"Search index rebuilt: {total} documents in {elapsed:.1f} s ({total / max(elapsed, 1e-9):.0f}/s)"))

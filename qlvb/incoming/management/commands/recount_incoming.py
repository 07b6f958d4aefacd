"""Recompute the per-agency counts of incoming documents read by the overview."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from qlvb.incoming.tally import recount


class Command(BaseCommand):
    help = "Recompute incoming.IncomingTally (the overview's counts) from the documents."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--agency-id", type=int, help="Only this agency (default: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        rows = recount(options.get("agency_id"))
        self.stdout.write(f"{rows} counts written in {time.monotonic() - started:.1f} s.")

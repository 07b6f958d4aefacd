"""manage.py send_reminders [--now ISO] [--digest]: the reminder run (and the morning digest) by hand."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


class Command(BaseCommand):
    help = ("Write the reminders due now (once per item and day: running it again adds nothing); with --digest, "
            "also send the morning digest e-mails not yet sent today. --now gives another moment (ISO 8601, "
            "local time if it has no offset), e.g. to see what a morning would remind.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="the moment of the run, e.g. 2027-02-11T08:00 (default: now)")
        parser.add_argument("--digest", action="store_true", help="also send the morning digest")

    def handle(self, *args: Any, **options: Any) -> None:
        from qlvb.notifications import digest, reminders

        now = timezone.now()
        if options["now"]:
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError:
                raise CommandError(f"--now: not an ISO 8601 moment: {options['now']}") from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        counts = reminders.run(now)
        for kind, n in counts.items():
            self.stdout.write(f"{kind}: {n}")
        if options["digest"]:
            self.stdout.write(f"digests: {digest.send_digests(now)}")

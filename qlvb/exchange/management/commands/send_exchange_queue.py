from django.core.management.base import BaseCommand

from qlvb.exchange.transport import send_due


class Command(BaseCommand):
    help = "Send the edXML packages waiting in the outbound queue (what the periodic job does)."

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("--all", action="store_true", help="also the ones not due yet (retry now)")

    def handle(self, *args, **options):  # noqa: ANN002, ANN003, ANN201
        from datetime import timedelta

        from django.utils import timezone

        now = timezone.now() + timedelta(days=365) if options["all"] else None
        result = send_due(now=now)
        self.stdout.write(f"sent {result['sent']}, failed {result['failed']}")

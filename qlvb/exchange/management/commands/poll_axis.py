from django.core.management.base import BaseCommand

from qlvb.exchange.axis.sync import poll_all


class Command(BaseCommand):
    help = "Take the packages and statuses waiting on the national document-exchange axis (what the job does)."

    def handle(self, *args, **options):  # noqa: ANN002, ANN003, ANN201
        result = poll_all()
        self.stdout.write(" ".join(f"{k} {v}" for k, v in sorted(result.items())) or "no connection")

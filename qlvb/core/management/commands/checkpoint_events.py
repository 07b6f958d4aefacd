from django.core.management.base import BaseCommand

from qlvb.core.anchors import write_checkpoint


class Command(BaseCommand):
    help = ("Append the heads of the event chains that moved to the signed checkpoint file outside the "
            "database (the job worker does it every five minutes).")

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"{write_checkpoint()} chain(s) checkpointed.")

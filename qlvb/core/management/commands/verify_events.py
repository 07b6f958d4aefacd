from django.core.management.base import BaseCommand, CommandError

from qlvb.core.events import verify_all


class Command(BaseCommand):
    help = "Verify the hash chains of the event log; exits non-zero if a row was changed or deleted."

    def handle(self, *args: object, **options: object) -> None:
        broken = 0
        for report in verify_all():
            status = "OK" if not report.problems else "BROKEN"
            self.stdout.write(f"{report.chain}: {report.events} events {status}")
            for problem in report.problems:
                self.stdout.write(f"  - {problem}")
            broken += bool(report.problems)
        if broken:
            raise CommandError(f"{broken} chain(s) broken: the event log has been tampered with.")
        self.stdout.write(self.style.SUCCESS("Event log intact."))

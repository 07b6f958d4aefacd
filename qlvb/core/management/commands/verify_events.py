from django.core.management.base import BaseCommand, CommandError

from qlvb.core.events import verify


class Command(BaseCommand):
    help = ("Verify the event log: its hash chains (a row changed or deleted), the signatures and the "
            "checkpoints kept outside the database (a rewrite: hashes recomputed, an end cut off, the "
            "trigger disabled); exits non-zero on either.")

    def handle(self, *args: object, **options: object) -> None:
        result = verify()
        broken = rewritten = 0
        for report in result.chains:
            status = "REWRITTEN" if report.rewrites else "BROKEN" if report.problems else "OK"
            unsigned = f", {report.unsigned} recorded before signing" if report.unsigned else ""
            self.stdout.write(f"{report.chain}: {report.events} events{unsigned} {status}")
            for problem in report.problems:
                self.stdout.write(f"  - {problem}")
            for rewrite in report.rewrites:
                self.stdout.write(f"  - REWRITE: {rewrite}")
            broken += bool(report.problems)
            rewritten += bool(report.rewrites)
        for problem in result.problems:
            self.stdout.write(f"REWRITE: {problem}")
        if not result.checkpoint_lines:
            self.stdout.write(self.style.WARNING(
                "No checkpoint outside the database yet: an end cut off a chain cannot be seen "
                "(the job worker writes them every five minutes; `manage.py checkpoint_events` now)."))
        if rewritten or result.problems:
            raise CommandError(f"The event log was rewritten ({rewritten} chain(s); {len(result.problems)} "
                               f"problem(s) of the installation) and {broken} chain(s) broken.")
        if broken:
            raise CommandError(f"{broken} chain(s) broken: the event log has been tampered with.")
        self.stdout.write(self.style.SUCCESS(
            f"Event log intact (signatures and {result.checkpoint_lines} checkpoint line(s) agree)."))

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qlvb.backups import services
from qlvb.backups.management.passphrase import passphrase
from qlvb.backups.models import Backup


class Command(BaseCommand):
    help = ("Verify the backup in DIR: restore it into a scratch database and a scratch folder, compare the row "
            "counts with its manifest and every file with its digest, verify the event chains with the backup's "
            "keys; exits non-zero on any problem. The result is written to DIR/verification.json.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", help="the backup's folder (the one holding manifest.json)")

    def handle(self, *args: Any, **options: Any) -> None:
        secret = passphrase(confirm=False)
        try:
            result = services.verify(Path(options["dir"]), passphrase=secret, say=self.stdout.write)
        except services.BackupError as error:
            raise CommandError(str(error)) from None
        row = Backup.objects.filter(folder=str(Path(options["dir"]).resolve())).first()
        if row is not None:
            from django.utils import timezone

            row.verify_seconds = result.seconds
            if result.ok:
                row.status, row.verified_at, row.error = Backup.Status.VERIFIED, timezone.now(), ""
            else:
                row.status, row.error = Backup.Status.FAILED, "; ".join(result.problems[:20])
            row.save()
        for problem in result.problems:
            self.stderr.write(f"PROBLEM: {problem}")
        self.stdout.write(f"{result.rows} rows in {result.tables} tables, {result.files} files, {result.events} events "
                          f"in {result.chains} chains, {result.stored_keys} stored signing keys open "
                          f"({result.seconds:.1f} s)")
        if not result.ok:
            raise CommandError(f"the backup has {len(result.problems)} problem(s) (above)")
        self.stdout.write(self.style.SUCCESS("Backup verified."))

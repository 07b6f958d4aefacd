from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qlvb.backups import services
from qlvb.backups.management.passphrase import passphrase
from qlvb.backups.models import Backup


class Command(BaseCommand):
    help = ("Back up the installation into a new folder inside DIR (default: QLVB_BACKUP_DIR): the database, "
            "the stored files, the event checkpoints and the keys (encrypted with the backup passphrase). "
            "People can keep working meanwhile.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", nargs="?", help="folder that receives the backup's folder")
        parser.add_argument("--verify", action="store_true", help="verify the backup afterwards (verify_backup)")

    def handle(self, *args: Any, **options: Any) -> None:
        secret = passphrase(confirm=True)
        backup = Backup.objects.create(kind=Backup.Kind.MANUAL, status=Backup.Status.RUNNING)
        try:
            taken = services.take(Path(options["dir"]) if options["dir"] else None, passphrase=secret,
                                  say=self.stdout.write)
        except Exception as error:
            backup.status, backup.error = Backup.Status.FAILED, str(error)
            backup.save(update_fields=["status", "error"])
            raise CommandError(str(error)) from None
        backup.folder, backup.size_bytes, backup.seconds = str(taken.folder), taken.size, taken.seconds
        backup.status = Backup.Status.FAILED if taken.problems else Backup.Status.TAKEN
        backup.error = "; ".join(taken.problems[:20])
        backup.save()
        for problem in taken.problems:
            self.stderr.write(f"PROBLEM: {problem}")
        self.stdout.write(f"backup: {taken.folder} ({taken.size / 1e6:.1f} MB, {taken.seconds:.1f} s)")
        if options["verify"]:
            result = services.verify(taken.folder, passphrase=secret, say=self.stdout.write)
            backup.verify_seconds = result.seconds
            if result.ok:
                from django.utils import timezone

                backup.status, backup.verified_at = Backup.Status.VERIFIED, timezone.now()
            else:
                backup.status, backup.error = Backup.Status.FAILED, "; ".join(result.problems[:20])
            backup.save()
            for problem in result.problems:
                self.stderr.write(f"PROBLEM: {problem}")
            self.stdout.write(f"verified: {'OK' if result.ok else 'FAILED'} ({result.seconds:.1f} s)")
        if backup.status == Backup.Status.FAILED:
            raise CommandError(f"the backup in {taken.folder} has problems (above)")

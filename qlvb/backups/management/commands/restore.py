from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qlvb.backups import services
from qlvb.backups.management.passphrase import passphrase


class Command(BaseCommand):
    help = ("Restore the backup in DIR into this installation, which must be empty (a new database and storage): "
            "the database, the stored files, the event checkpoints and the keys. Refused, changing nothing, "
            "when the installation already holds data.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", help="the backup's folder (the one holding manifest.json)")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="ask nothing (the passphrase then comes from QLVB_BACKUP_PASSPHRASE)")

    def handle(self, *args: Any, **options: Any) -> None:
        secret = passphrase(confirm=False, interactive=options["interactive"])
        if options["interactive"]:
            target = settings.DATABASES["default"]["NAME"]
            answer = input(f"Restore {options['dir']} into this installation ({target})? Type yes: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing restored.")
        try:
            restored = services.restore(Path(options["dir"]), passphrase=secret, say=self.stdout.write)
        except services.BackupError as error:
            raise CommandError(str(error)) from None
        for problem in restored.problems:
            self.stderr.write(f"PROBLEM: {problem}")
        self.stdout.write(f"restored: {restored.rows} rows in {restored.tables} tables, {restored.files} files")
        installed = restored.installed
        if installed.written:
            self.stdout.write(f"keys written into {settings.VAR_DIR}: {', '.join(installed.written)}")
        if installed.to_set:
            self.stdout.write(self.style.WARNING(
                f"Set these variables in the environment of the web server and the job worker, with the values in "
                f"{installed.env_file} (readable by you only; delete it afterwards): {', '.join(installed.to_set)}"))
        self.stdout.write("Then: manage.py migrate (if this version of QLVB is newer than the backup's), "
                          "manage.py verify_events, and start the server and the job worker.")
        if restored.problems:
            raise CommandError(f"{len(restored.problems)} file(s) could not be restored (above)")

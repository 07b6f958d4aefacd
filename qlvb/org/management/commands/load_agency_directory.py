"""Load or refresh the national directory of agency codes from the published list (CSV with the
columns code, name and optionally parent_code). Without a file: the entries the repository bundles."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from qlvb.org import directory


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("file", nargs="?", help="the published list (CSV, UTF-8)")
        parser.add_argument("--partial", action="store_true",
                            help="the file is not the whole list: retire nothing that is missing from it")

    def handle(self, *args: object, **options: object) -> None:
        try:
            if options["file"]:
                rows = directory.read_csv(Path(str(options["file"])).read_text(encoding="utf-8-sig"))
                loaded = directory.load(rows, complete=not options["partial"])
            else:
                loaded = directory.load_bundled()
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Agency directory: {loaded.added} added, {loaded.updated} updated, "
                          f"{loaded.retired} no longer listed.")

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qlvb.signatures import services


class Command(BaseCommand):
    help = ("Trust the certification authorities in the given files (PEM, possibly several per file, or DER): "
            "roots such as the Government's (Ban Cơ yếu Chính phủ) or the national root CA (NEAC), and "
            "intermediate CAs under them. Running it again changes nothing (by fingerprint).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--name", default="", help="Name shown for a file's single certificate")

    def handle(self, *args: Any, **options: Any) -> None:
        for path in options["files"]:
            try:
                data = path.read_bytes()
            except OSError as error:
                raise CommandError(f"{path}: {error}")
            try:
                anchors = services.add_trust_anchors(by=None, data=data, name=options["name"])
            except ValidationError as error:
                raise CommandError(f"{path}: {' '.join(error.messages)}")
            for anchor in anchors:
                self.stdout.write(f"{anchor.get_kind_display()}: {anchor.name} ({anchor.fingerprint[:16]}…)")

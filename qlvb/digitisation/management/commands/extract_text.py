"""Read (again) the text of stored files: the failed ones, every one, or one file.

    manage.py extract_text --retry-failed        failed, partly read, and stuck jobs
    manage.py extract_text --all                 every stored file (e.g. after installing OCR)
    manage.py extract_text --file 123            one stored file (by StoredFile id)
    add --now to read here instead of queueing for the worker
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q, QuerySet

from qlvb.digitisation import services
from qlvb.digitisation.models import TextExtraction
from qlvb.files.models import StoredFile


class Command(BaseCommand):
    help = "Read again the text of stored files (OCR or text layer)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--retry-failed", action="store_true", help="failed, partly read and stuck extractions")
        group.add_argument("--all", action="store_true", help="every stored file that is a PDF, image or DOCX")
        group.add_argument("--file", type=int, action="append", help="a StoredFile id (repeatable)")
        parser.add_argument("--now", action="store_true", help="read in this process instead of queueing")

    def handle(self, *args, **options):
        files: list[StoredFile] | QuerySet[StoredFile]
        if options["file"]:
            files = list(StoredFile.objects.filter(pk__in=options["file"]))
            missing = set(options["file"]) - {f.pk for f in files}
            if missing:
                raise CommandError(f"No stored file with id {sorted(missing)}")
        elif options["all"]:
            searchable = TextExtraction.objects.exclude(searchable_file=None).values("searchable_file_id")
            files = StoredFile.objects.filter(kind__in=["pdf", "image", "docx"]).exclude(pk__in=searchable)
        else:
            stale = TextExtraction.objects.filter(
                status__in=[TextExtraction.Status.RUNNING, TextExtraction.Status.PENDING],
                updated_at__lt=services.timezone.now() - services.STALE_AFTER)
            files = StoredFile.objects.filter(
                Q(extraction__status__in=[TextExtraction.Status.FAILED, TextExtraction.Status.PARTIAL])
                | Q(extraction__in=stale))
        count = 0
        for stored in files.iterator() if hasattr(files, "iterator") else files:
            extraction = services.request_extraction(stored, force=True, enqueue=not options["now"])
            if options["now"]:
                extraction = services.run_extraction(extraction.pk) or extraction
                self.stdout.write(f"{stored.pk}: {extraction.status} {extraction.method} "
                                  f"{extraction.pages_done}/{extraction.pages_total} {extraction.error}")
            count += 1
        self.stdout.write(f"{count} file(s) {'read' if options['now'] else 'queued'}")

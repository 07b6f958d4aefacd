"""One registration, profiled: Python CPU per registration, its statements, a CPU-timed cProfile.

Run on an existing database with the demo province (creates the register "Sổ prof" once):
    DATABASE_URL=postgres://… QLVB_VAR_DIR=… .venv/bin/python bench/regprof.py [--rounds 3]
The CPU figure is the least of several rounds of 100 registrations (the machine may be shared).
`--without search.services` (repeatable) leaves out the subscribers whose name holds the text: what
each one costs a registration. SORT=tottime orders the cProfile otherwise; CALLEES="regex" adds
what the functions it matches call.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
os.environ.update(TESTING="0", DEBUG="0", ALLOWED_HOSTS="testserver")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--top", type=int, default=40, help="lines of the cProfile (cumulative)")
    parser.add_argument("--without", action="append", default=[],
                        help="leave out the subscribers whose name holds this (what each one costs)")
    args = parser.parse_args()

    import django

    django.setup()
    from qlvb.core import events

    events._subscriptions[:] = [s for s in events._subscriptions if not any(w in s.name for w in args.without)]
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from measure import small_pdf

    from qlvb.core.actor import Actor
    from qlvb.incoming import rules
    from qlvb.incoming.services import register_document
    from qlvb.org.models import Agency, Person, Position
    from qlvb.registers.models import Register

    agency = Agency.objects.get(abbreviation="STC")
    clerk = next(p for p in Person.objects.filter(agency=agency) if rules.is_clerk(p, agency.pk))
    head = Person.objects.filter(agency=agency, posts__end_date=None,
                                 posts__position__kind=Position.Kind.AGENCY_HEAD).first()
    register, _ = Register.objects.get_or_create(
        agency=agency, direction=Register.Direction.INCOMING, name="Sổ prof",
        defaults={"category": Register.Category.OTHER, "order": 99})
    issuer = Agency.objects.exclude(pk=agency.pk).first()
    assert issuer is not None
    total = 20 + 100 * args.rounds + 1 + 100
    pdfs = [small_pdf(f"p{time.time()}-{k}") for k in range(total)]
    counter = iter(range(total))

    def one() -> Any:
        k = next(counter)
        fields = {"issuer_agency": issuer, "issuer_name": issuer.name, "issuer_code": issuer.code,
                  "number": str(k), "notation": f"BM-{issuer.abbreviation}", "document_date": timezone.localdate(),
                  "doc_type": "CV", "summary": f"V/v kiểm tra hiệu năng đăng ký văn bản đến, lượt {k}",
                  "received_at": timezone.now(), "pages": 1, "source": "electronic"}
        upload = SimpleUploadedFile(f"cv-{k}.pdf", pdfs[k], content_type="application/pdf")
        return register_document(by=Actor(clerk, ip="127.0.0.1"), agency=agency, register=register, fields=fields,
                                 uploads=[upload], presented_to=head)

    for _ in range(20):
        one()
    figures = []
    for _ in range(args.rounds):
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(100):
            one()
        figures.append(((time.process_time() - cpu) * 10, (time.perf_counter() - wall) * 10))
    print("per registration: cpu %.1f ms (least of %s rounds: %s) wall %.1f ms" % (  # noqa: UP031
        min(f[0] for f in figures), args.rounds, " ".join(f"{f[0]:.1f}" for f in figures), min(f[1] for f in figures)))
    with CaptureQueriesContext(connection) as ctx:
        one()
    print("statements", len(ctx.captured_queries))
    for query in ctx.captured_queries:
        print(" ", query["sql"][:150])
    profile = cProfile.Profile(time.process_time)
    profile.runcall(lambda: [one() for _ in range(100)])
    stats = pstats.Stats(profile)
    stats.sort_stats(os.environ.get("SORT", "cumulative")).print_stats(args.top)
    if os.environ.get("CALLEES"):
        stats.print_callees(os.environ["CALLEES"])


if __name__ == "__main__":
    main()

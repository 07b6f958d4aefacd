"""`make bench`, signing part (issue 21, docs/signing.md): the deferred-signing core's server time.

    .venv/bin/python bench/signing_bench.py [--scale small|full]

For a 10-page PDF, the server's time to prepare a signing session (field reserved with the
signer's appearance, prepared revision stored, digest of the signed attributes) and to complete
it (signature checked against the certificate, CMS built and embedded, result validated, event
recorded), p50 and p95 over --rounds sessions (the signature itself, the provider's part, is made
between the two and not counted); then signatures completed per second with 8 signers at once
(8 processes, each preparing, signing with its own server key and completing in a loop) on
PostgreSQL. On SQLite and PostgreSQL (127.0.0.1:5432, when it answers), in databases of the
bench's own (flushed at each run). Prints `bench signing.<what>.<db>.<stat> <value> <unit>`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "bench" / "data"
ROUNDS = {"small": 20, "full": 60}
SECONDS = {"small": 5.0, "full": 15.0}
SIGNERS = 8


def note(text: str) -> None:
    print(f"# {text}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(ROUNDS), default="full")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the database label, in the child process
    args = parser.parse_args()
    if args.measure:
        return measure(args.measure, ROUNDS[args.scale], SECONDS[args.scale])
    sys.path.insert(0, str(BASE_DIR / "bench"))
    import run  # bench/run.py: the shared PostgreSQL set-up

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    targets = [("sqlite", f"sqlite:///{DATA_DIR / 'signing.sqlite3'}"),
               ("postgresql", run.postgres_url(args.scale, "qlvb_bench_signing"))]
    status = 0
    for label, url in targets:
        if url is None:
            continue
        var = DATA_DIR / f"signing-var-{label}"
        env = {**os.environ, "DATABASE_URL": url, "QLVB_VAR_DIR": str(var), "TESTING": "0",
               "MEDIA_ROOT": str(var / "files"), "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost"}
        manage = [sys.executable, str(BASE_DIR / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        subprocess.run([*manage, "flush", "--noinput", "-v0"], env=env, check=True)
        result = subprocess.run([sys.executable, __file__, "--scale", args.scale, "--measure", label], env=env)
        status = status or result.returncode
    return status


# --- In the child process: Django set up on the bench's database ------------------------------------

def _setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    import django

    django.setup()


def _ten_pages() -> bytes:
    from weasyprint import HTML

    pages = "".join(f"<div style='page-break-after: always'><h1>Trang {n}</h1><p>Sở Thông tin và Truyền thông "
                    f"báo cáo tình hình ứng dụng công nghệ thông tin năm 2026, phần {n}.</p></div>"
                    for n in range(1, 11))
    return HTML(string=f"<html lang='vi'><body>{pages}</body></html>").write_pdf()


def _province() -> tuple[object, list[object]]:
    """One agency with SIGNERS deputies, each with a demo certificate (server key)."""
    from qlvb.core.actor import Actor
    from qlvb.org import services
    from qlvb.org.models import Person, Position, Unit
    from qlvb.signatures.demo import create_demo_pki_for

    root = Person.objects.create(username="bench.root", full_name="Quản trị", is_superuser=True,
                                 is_staff=True, must_change_password=False)
    by = Actor(root)
    agency = services.create_agency(by=by, code="000.00.99.H51", abbreviation="SBENCH", name="Sở Thử Ký Số")
    unit = services.create_unit(by=by, agency=agency, name="Ban Giám đốc", abbreviation="BGĐ",
                                kind=Unit.Kind.LEADERSHIP)
    deputy = services.create_position(by=by, agency=agency, name="Phó Giám đốc", kind=Position.Kind.AGENCY_DEPUTY)
    people = []
    for n in range(SIGNERS):
        person = Person.objects.create(username=f"bench.pgd{n}", full_name=f"Phó Giám Đốc Số {n + 1}",
                                       agency=agency, must_change_password=False)
        services.assign_post(by=by, person=person, unit=unit, position=deputy)
        people.append(person)
    create_demo_pki_for(agency)
    return agency, people


def _one(person_id: int, pdf: bytes) -> tuple[float, float]:
    """Prepare, sign (the provider's part, not counted), complete: the server's two times."""
    from qlvb.core.actor import Actor
    from qlvb.org.models import Person
    from qlvb.signatures import deferred, services
    from qlvb.signatures.models import Certificate

    person = Person.objects.get(pk=person_id)
    certificate = Certificate.objects.get(person=person, is_active=True)
    started = time.perf_counter()
    layout = services._layout(pdf, box=None, default_box=lambda: services.default_signer_box(pdf),
                              style=services.signer_appearance(person, position_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
                                                               full_name=person.full_name),
                              reason="Ký thử", field_name=None, prefix="Signature", signer_name=person.full_name,
                              role="signer", about="")
    session = deferred.prepare(pdf, by=Actor(person), person=person, certificate=certificate, layout=layout,
                               purpose="signer", provider="vgca", target_kind="bench.document", target_id=1)
    prepared = time.perf_counter() - started
    import asyncio

    with services._open_signer(certificate, None) as signer:
        signature = asyncio.run(signer.async_sign_raw(bytes(session.signed_attributes), "sha256"))
    started = time.perf_counter()
    deferred.complete(session, signature)
    return prepared, time.perf_counter() - started


def _signer_loop(person_id: int, pdf: bytes, until: float) -> int:
    from django.db import connections

    connections.close_all()  # a connection of its own in each process
    done = 0
    while time.time() < until:
        _one(person_id, pdf)
        done += 1
    connections.close_all()
    return done


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(label: str, rounds: int, seconds: float) -> int:
    _setup_django()
    from django.db import connections

    pdf = _ten_pages()
    _agency, people = _province()
    _one(people[0].pk, pdf)  # warm up (fonts, imports)
    prepare, complete = [], []
    for n in range(rounds):
        p, c = _one(people[n % len(people)].pk, pdf)
        prepare.append(p)
        complete.append(c)
    for what, values in (("prepare", prepare), ("complete", complete)):
        print(f"bench signing.{what}.{label}.p50 {statistics.median(values) * 1000:.1f} ms", flush=True)
        print(f"bench signing.{what}.{label}.p95 {_quantile(values, 0.95) * 1000:.1f} ms", flush=True)
    if label != "postgresql":
        note("signatures per second with 8 signers: PostgreSQL only (SQLite takes one writer at a time)")
        return 0
    import multiprocessing

    connections.close_all()
    started = time.time()
    until = started + seconds
    with multiprocessing.get_context("fork").Pool(SIGNERS) as pool:
        counts = pool.starmap(_signer_loop, [(person.pk, pdf, until) for person in people])
    elapsed = time.time() - started
    print(f"bench signing.concurrent8.{label}.rate {sum(counts) / elapsed:.1f} signatures/s", flush=True)
    note(f"{sum(counts)} signatures by {SIGNERS} signers in {elapsed:.1f} s on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())

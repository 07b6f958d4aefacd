"""Notifications benchmark, run by bench/notifications_bench.py in a process with DATABASE_URL set
on a generated province (generate_province, generate_incoming: kept between runs).

    python bench/notifications_measure.py [--repeat 20]

Prints `bench notifications.<what>.<db>.<statistic> <value> <unit>`:
- fanout.unit: an event telling everyone posted in the province's largest unit (a document issued to
  it), notification rows written per second, through the real subscriber (routes.dispatch);
- fanout.agency: one notification to every person of the largest agency (a notice to all), rows/s;
- commit_to_row: from the commit of a registration to its notification row (the after-commit
  subscriber), p50/p95;
- commit_to_push: from that commit to the push request reaching a push service (one this script
  runs on 127.0.0.1, as the tests do), sent by a real job worker (manage.py run_huey) started here;
- reminders: the daily reminder run over the whole province (duration, queries, rows written),
  rolled back after measuring so that each run starts from the same state.
Everything written is rolled back or deleted: the generated data stays as it was.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from qlvb.core import events  # noqa: E402
from qlvb.core.actor import Actor  # noqa: E402
from qlvb.incoming.models import IncomingDocument  # noqa: E402
from qlvb.notifications import routes, services  # noqa: E402
from qlvb.notifications.models import Notification  # noqa: E402
from qlvb.org.models import Person, Position, Post  # noqa: E402
from qlvb.outgoing.models import OutgoingDocument, Recipient  # noqa: E402

DB = connection.vendor


def figure(what: str, stat: str, value: float, unit: str) -> None:
    print(f"bench notifications.{what}.{DB}.{stat} {value:.1f} {unit}", flush=True)


def note(text: str) -> None:
    print(f"# {text}", flush=True)


class Rollback(Exception):
    pass


def largest_unit() -> tuple[int, int, int]:
    """(agency id, unit id, people posted) of the unit with the most people."""
    row = (Post.objects.filter(end_date__isnull=True, person__is_active=True).values("agency_id", "unit_id")
           .annotate(n=Count("person", distinct=True)).order_by("-n").first())
    assert row, "no posts: generate the province first"
    return row["agency_id"], row["unit_id"], row["n"]


def fanout_unit(repeat: int) -> None:
    """A document issued to the largest unit tells everyone posted there: the subscriber's rows/s."""
    agency_id, unit_id, size = largest_unit()
    clerk = Person.objects.filter(posts__agency_id=agency_id, posts__position__kind=Position.Kind.CLERK).first()
    drafter = Person.objects.filter(posts__agency_id=agency_id).exclude(pk=getattr(clerk, "pk", None)).first()
    assert clerk and drafter
    note(f"fanout.unit: {size} people posted in the unit")
    rates: list[float] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            documents = [OutgoingDocument.objects.create(
                agency_id=agency_id, drafting_unit_id=unit_id, drafter=drafter,
                status=OutgoingDocument.Status.ISSUED, doc_type="CV",
                summary=f"V/v triển khai kế hoạch năm 2027 (bench {i})", year=now.year, number=900_000 + i,
                notation="BENCH", issued_at=now, issued_by=clerk) for i in range(repeat + 1)]
            Recipient.objects.bulk_create([Recipient(document=d, kind=Recipient.Kind.UNIT, unit_id=unit_id, name="U")
                                           for d in documents])
            from qlvb.outgoing.services import _grant_all

            for document in documents:
                _grant_all(document, [(None, unit_id)], "recipient")
            recorded = [events.record(verb="outgoing.issued", actor=Actor(clerk), agency=agency_id, target=d, data={})
                        for d in documents]
            for n, event in enumerate(recorded):
                started = time.perf_counter()
                routes.dispatch(event)
                elapsed = time.perf_counter() - started
                written = Notification.objects.filter(key=f"event:{event.pk}").count()
                if n:  # the first one loads the URLs and the caches
                    rates.append(written / elapsed)
            raise Rollback()
    except Rollback:
        pass
    figure("fanout.unit", "rows_per_s", statistics.median(rates), "rows/s")
    figure("fanout.unit", "people", size, "count")


def fanout_agency(repeat: int) -> None:
    """One notification to each person of the largest agency (a notice to all its people)."""
    row = (Person.objects.filter(is_active=True, agency__isnull=False).values("agency_id")
           .annotate(n=Count("id")).order_by("-n").first())
    assert row
    people = list(Person.objects.filter(agency_id=row["agency_id"], is_active=True))
    note(f"fanout.agency: {len(people)} people in the agency")
    rates: list[float] = []
    try:
        with transaction.atomic():
            for i in range(repeat):
                started = time.perf_counter()
                written = services.notify(people, kind=Notification.Kind.ISSUED, params={"summary": "Thông báo"},
                                          url="/", key=f"bench:notice:{i}")
                rates.append(written / (time.perf_counter() - started))
            raise Rollback()
    except Rollback:
        pass
    figure("fanout.agency", "rows_per_s", statistics.median(rates), "rows/s")
    figure("fanout.agency", "people", len(people), "count")


def commit_to_row(repeat: int) -> None:
    """From a registration's commit to the notification row its after-commit subscriber writes."""
    document = (IncomingDocument.objects.filter(presented_to__isnull=False, secrecy="")
                .select_related("presented_to").order_by("-id").first())
    assert document is not None
    clerk = Person.objects.filter(posts__agency_id=document.agency_id,
                                  posts__position__kind=Position.Kind.CLERK).first()
    waits: list[float] = []
    keys: list[str] = []
    for _ in range(repeat):
        committed: list[datetime] = []
        with transaction.atomic():
            # Registered first, so it runs first: the moment the transaction committed.
            transaction.on_commit(lambda seen=committed: seen.append(timezone.now()))
            event = events.record(verb="incoming.registered", actor=Actor(clerk), agency=document.agency_id,
                                  target=document, data={"presented_to": document.presented_to_id})
        row = Notification.objects.get(key=f"event:{event.pk}", person_id=document.presented_to_id)
        keys.append(row.key)
        waits.append((row.created_at - committed[0]).total_seconds() * 1000)
    Notification.objects.filter(key__in=keys).delete()
    figure("commit_to_row", "p50", statistics.median(waits), "ms")
    figure("commit_to_row", "p95", sorted(waits)[int(len(waits) * 0.95) - 1], "ms")


def commit_to_push(repeat: int) -> None:
    """From a registration's commit to the push request at the push service, through the job worker."""
    import subprocess
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    try:
        from qlvb.notifications.models import PushSubscription
    except ImportError:
        note("commit_to_push: push not built")
        return
    arrived: list[datetime] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            arrived.append(timezone.now())
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    document = (IncomingDocument.objects.filter(presented_to__isnull=False, secrecy="")
                .select_related("presented_to").order_by("-id").first())
    assert document is not None
    clerk = Person.objects.filter(posts__agency_id=document.agency_id,
                                  posts__position__kind=Position.Kind.CLERK).first()
    # A device's keys (what a browser keeps for its subscription), the endpoint ours.
    import base64
    import os as _os

    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    key = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(Encoding.X962,
                                                                             PublicFormat.UncompressedPoint)
    subscription = PushSubscription.objects.create(
        person=document.presented_to, endpoint=f"http://127.0.0.1:{server.server_address[1]}/push/bench",
        p256dh=b64(key), auth=b64(_os.urandom(16)))
    worker = subprocess.Popen([sys.executable, str(BASE_DIR / "manage.py"), "run_huey", "--workers", "2", "-n",
                               "--quiet"], env=os.environ.copy(), cwd=BASE_DIR)
    waits: list[float] = []
    keys: list[str] = []
    try:
        time.sleep(3)  # the worker up
        for _ in range(repeat):
            committed: list[datetime] = []
            before = len(arrived)
            with transaction.atomic():
                transaction.on_commit(lambda seen=committed: seen.append(timezone.now()))
                event = events.record(verb="incoming.registered", actor=Actor(clerk), agency=document.agency_id,
                                      target=document, data={"presented_to": document.presented_to_id})
            keys.append(f"event:{event.pk}")
            deadline = time.monotonic() + 30
            while len(arrived) == before and time.monotonic() < deadline:
                time.sleep(0.002)
            if len(arrived) == before:
                note("commit_to_push: no push within 30 s")
                return
            waits.append((arrived[before] - committed[0]).total_seconds() * 1000)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        server.shutdown()
        subscription.delete()
        Notification.objects.filter(key__in=keys).delete()
    figure("commit_to_push", "p50", statistics.median(waits), "ms")
    figure("commit_to_push", "p95", sorted(waits)[max(0, int(len(waits) * 0.95) - 1)], "ms")


def reminders() -> None:
    """The daily run over the whole province at a working morning: duration, queries, rows."""
    try:
        from qlvb.notifications import reminders as run_reminders
    except ImportError:
        note("reminders: not built")
        return
    documents = IncomingDocument.objects.count()
    people = Person.objects.count()
    note(f"reminders: {documents} incoming documents, {people} people")
    connection.force_debug_cursor = True
    try:
        with transaction.atomic():
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                result = run_reminders.run(now=_working_morning())
            elapsed = time.perf_counter() - started
            written = sum(result.values()) if isinstance(result, dict) else 0
            raise Rollback()
    except Rollback:
        pass
    figure("reminders.run", "seconds", elapsed, "s")
    figure("reminders.run", "queries", len(ctx.captured_queries), "count")
    figure("reminders.run", "rows", written, "count")


def _working_morning() -> datetime:
    """8:00 on the next working day from today (Asia/Ho_Chi_Minh): a run in working hours."""
    from datetime import timedelta

    from qlvb.core.workdays import is_working_day

    day = timezone.localdate()
    while not is_working_day(day):
        day += timedelta(days=1)
    return timezone.make_aware(datetime(day.year, day.month, day.day, 8, 0))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--parts", default="fanout,commit,push,reminders")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if "fanout" in parts:
        fanout_unit(args.repeat)
        fanout_agency(max(3, args.repeat // 4))
    if "commit" in parts:
        commit_to_row(args.repeat * 5)
    if "push" in parts:
        commit_to_push(args.repeat)
    if "reminders" in parts:
        reminders()


if __name__ == "__main__":
    main()

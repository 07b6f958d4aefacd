"""Measure the pages on one database; bench/run.py runs it with DATABASE_URL set.

Requests go through Django's test Client, so the figures are server time: middleware, view,
queries and template rendering, without the network and the browser. After each request the
connection is handled as a WSGI server would (close_old_connections: SQLite reconnects every
request, PostgreSQL keeps its connection for DB_CONN_MAX_AGE).

Prints `bench <page>.<db>.<statistic> <value> <unit>` lines (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")

PROVINCE_SUFFIX = ".H98"
BENCH_REGISTER = "Sổ benchmark"  # the registration benchmark's own register (generate_incoming skips it)


def emit(name: str, value: float, unit: str) -> None:
    text = f"{value:.1f}" if unit in ("ms", "per_s", "s") else f"{int(value)}"
    print(f"bench {name} {text} {unit}", flush=True)


def note(text: str) -> None:
    print(f"# {text}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db-label", required=True, help="sqlite or postgresql: the <db> part of the names")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--show-queries", action="store_true", help="Print the SQL of one request of each page.")
    parser.add_argument("--incoming-requests", type=int, default=100,
                        help="timed requests per incoming-document page (default 100)")
    parser.add_argument("--incoming-warmup", type=int, default=10)
    parser.add_argument("--page-budget", type=float, default=60.0,
                        help="at most this many seconds of timed requests per incoming page (at least 20 requests)")
    parser.add_argument("--slow-ms", type=float, default=5000.0,
                        help="an incoming page whose first request takes longer is timed by that request only")
    parser.add_argument("--register-seconds", type=float, default=10.0,
                        help="length of the registration benchmark (PostgreSQL only; 0 skips it)")
    parser.add_argument("--clerks", type=int, default=8, help="clerks registering at once (default 8)")
    parser.add_argument("--registration-only", action="store_true", help="only the registration benchmark")
    args = parser.parse_args()

    import django

    django.setup()

    from django.db import close_old_connections, connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from qlvb.accounts.services import record_login, record_logout
    from qlvb.core.models import Event
    from qlvb.org import selectors
    from qlvb.org.models import Agency, Person, Position

    db = args.db_label
    agencies = list(Agency.objects.filter(code__endswith=PROVINCE_SUFFIX).annotate(n=Count("people"))
                    .order_by("-n", "code"))
    if not agencies:
        raise SystemExit("No generated province in this database: run manage.py generate_province first.")
    largest, smallest = agencies[0], agencies[-1]
    if args.registration_only:
        measure_registration(db, largest, seconds=args.register_seconds, clerks=args.clerks)
        return

    def typical_staff(agency: Agency) -> Person:
        """A specialist holding one ordinary post, signed in before, not acting for anyone."""
        person = (Person.objects.filter(agency=agency, is_active=True, locked_at=None, must_change_password=False,
                                        is_agency_admin=False, posts__end_date=None, posts__is_concurrent=False,
                                        posts__position__kind=Position.Kind.SPECIALIST)
                  .exclude(delegations_received__isnull=False).order_by("pk").first())
        if person is None:
            raise SystemExit(f"No ordinary specialist in {agency}.")
        return person

    def pick(agency: Agency, **filters: Any) -> Person:
        person = Person.objects.filter(agency=agency, is_active=True, locked_at=None, **filters).order_by("pk").first()
        if person is None:
            raise SystemExit(f"Nobody in {agency} with {filters}.")
        return person

    staff = typical_staff(largest)
    admin = pick(largest, is_agency_admin=True)
    leader = pick(largest, posts__end_date=None, posts__position__kind=Position.Kind.AGENCY_HEAD)
    small_staff = typical_staff(smallest)

    visible = selectors.people_list(viewer=staff, agency=largest).count()
    visible_small = selectors.people_list(viewer=small_staff, agency=smallest).count()
    last_page = max(1, -(-visible // 50))
    names = Person.objects.filter(agency=largest).values_list("full_name", flat=True)
    part, _n = Counter(word for name in names for word in name.split()).most_common(1)[0]
    matches = selectors.people_list(viewer=staff, agency=largest, query=part).count()

    n_people = Person.objects.filter(agency__code__endswith=PROVINCE_SUFFIX).count()
    n_events = Event.objects.count()
    note(f"{db}: {len(agencies)} agencies, {n_people} people, {n_events} events")
    note(f"{db}: largest agency {largest.code} {largest.name} ({visible} people listed, {last_page} pages); "
         f"smallest {smallest.code} {smallest.name} ({visible_small})")
    note(f"{db}: staff {staff.username}, administrator {admin.username}, leader {leader.username}; "
         f"search q={part} matches {matches} ({-(-matches // 50)} pages)")
    emit(f"data.{db}.agencies", len(agencies), "count")
    emit(f"data.{db}.people", n_people, "count")
    emit(f"data.{db}.events", n_events, "count")

    clients: dict[int, Client] = {}

    def client_for(person: Person) -> Client:
        # force_login makes the session; record_login adds the LoginSession row the SessionGuard
        # middleware asks for, exactly as the login view does.
        if person.pk not in clients:
            client = Client()
            client.force_login(person)
            record_login(person=person, session_key=client.session.session_key, ip="127.0.0.1",
                         user_agent="qlvb-bench")
            clients[person.pk] = client
        return clients[person.pk]

    def get(client: Client, url: str) -> None:
        try:
            response = client.get(url)
        except Exception as error:  # The app's own error, not the bench's: say which page, briefly.
            raise SystemExit(f"{url} failed: {type(error).__name__}: {error}") from None
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code} {response.get('Location', '')}")

    def queries(client: Client, url: str, show: str = "") -> int:
        # The fewest of three: a request now and then also writes the session's last-seen time.
        counts = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                get(client, url)
            counts.append(len(captured.captured_queries))
            if show and len(counts) == 1:
                note(f"--- {show}: {url}")
                for q in captured.captured_queries:
                    note(f"    {q['sql'][:300]}")
        close_old_connections()
        return min(counts)

    pages = [
        ("home", staff, "/"),
        ("home_admin", admin, "/"),
        ("home_leader", leader, "/"),
        ("people_list", staff, "/org/people/"),
        ("people_list_admin", admin, "/org/people/"),
        ("people_search", staff, f"/org/people/?q={part}&page=3"),
        # The same list in the smallest agency: its server time shows what the agency's size costs.
        ("people_list_small_agency", small_staff, "/org/people/"),
    ]
    # Round robin, one request of each page in turn, so a burst of load on the machine hits
    # every page alike instead of whichever page happened to be running.
    # A page stops after --page-budget seconds of timed requests (at least 20 of them), so that one
    # slow page does not hold the whole bench up.
    times: dict[str, list[float]] = {name: [] for name, _, _ in pages}
    for round_no in range(args.warmup + args.requests):
        for name, person, url in pages:
            if round_no >= args.warmup and len(times[name]) >= 20 and sum(times[name]) > args.page_budget * 1000:
                continue
            client = client_for(person)
            started = time.perf_counter()
            get(client, url)
            close_old_connections()
            if round_no >= args.warmup:
                times[name].append((time.perf_counter() - started) * 1000)
    short = [f"{name} {len(values)}" for name, values in times.items() if len(values) < args.requests]
    if short:
        note(f"{db}: fewer timed requests (page budget {args.page_budget:.0f} s): {', '.join(short)}")
    counts = {}
    for name, person, url in pages:
        cuts = statistics.quantiles(times[name], n=100, method="inclusive")
        counts[name] = queries(client_for(person), url, show=name if args.show_queries else "")
        emit(f"{name}.{db}.p50", cuts[49], "ms")
        emit(f"{name}.{db}.p95", cuts[94], "ms")
        emit(f"{name}.{db}.queries", counts[name], "count")
    home, people, people_small = counts["home"], counts["people_list"], counts["people_list_small_agency"]

    # The query count must not grow with the rows: the last page and the smallest agency
    # take as many queries as page 1 of the largest agency.
    emit(f"people_list.{db}.rows", visible, "count")
    emit(f"people_list.{db}.rows_smallest_agency", visible_small, "count")
    people_last = queries(client_for(staff), f"/org/people/?page={last_page}")
    home_small = queries(client_for(small_staff), "/")
    emit(f"people_list.{db}.queries_last_page", people_last, "count")
    emit(f"people_list.{db}.queries_smallest_agency", people_small, "count")
    emit(f"home.{db}.queries_smallest_agency", home_small, "count")
    emit(f"people_list.{db}.query_growth", max(people, people_last, people_small) - min(people, people_last,
                                                                                       people_small), "count")
    emit(f"home.{db}.query_growth", abs(home - home_small), "count")

    incoming = IncomingPages(db, args, largest, smallest, client_for, get, queries)
    incoming.run()

    for pk, client in clients.items():
        record_logout(person=Person.objects.get(pk=pk), session_key=client.session.session_key, ip="127.0.0.1")

    if connection.vendor == "postgresql" and args.register_seconds > 0 and incoming.ready:
        measure_registration(db, largest, seconds=args.register_seconds, clerks=args.clerks)
    elif args.register_seconds > 0:
        note(f"{db}: registration benchmark skipped (PostgreSQL only, with generated documents)")


# --- Incoming documents ----------------------------------------------------------------------------

def quantiles(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94]


class IncomingPages:
    """The incoming-document pages on the documents of manage.py generate_incoming: the work lists
    of a busy specialist and of a unit head, the leader's overview and a document page, plus the
    same pages for light users (a specialist with one task, the smallest agency) for query growth."""

    def __init__(self, db: str, args: argparse.Namespace, largest: Any, smallest: Any, client_for: Any, get: Any,
                 queries: Any) -> None:
        self.db, self.args, self.largest, self.smallest = db, args, largest, smallest
        self.client_for, self.get, self.queries = client_for, get, queries
        self.ready = False
        self.slow: set[str] = set()  # pages timed by their first request only

    # -- who ----------------------------------------------------------------------------------------

    @staticmethod
    def ordinary(agency: Any, kind: str) -> Any:
        """Active accounts of the agency holding exactly one post, of this kind, never delegated to."""
        from django.db.models import Count

        from qlvb.org.models import Person, Post

        single = Post.objects.filter(end_date=None).values("person").annotate(n=Count("pk")).filter(n=1).values(
            "person")
        holders = Post.objects.filter(agency=agency, end_date=None, position__kind=kind).values("person")
        return (Person.objects.filter(agency=agency, is_active=True, locked_at=None, must_change_password=False,
                                      is_agency_admin=False, pk__in=holders).filter(pk__in=single)
                .exclude(delegations_received__isnull=False))

    def specialists_by_tasks(self, agency: Any) -> list[tuple[Any, int]]:
        """(specialist, tasks to handle), most first; only specialists with at least one."""
        from django.db.models import Count

        from qlvb.incoming.models import Assignment
        from qlvb.org.models import Person, Position

        people = self.ordinary(agency, Position.Kind.SPECIALIST)
        rows = list(Assignment.objects.filter(agency=agency, state=Assignment.State.PENDING, assignee_person__in=people)
                    .exclude(role=Assignment.Role.INFO).values_list("assignee_person").annotate(n=Count("pk"))
                    .order_by("-n", "assignee_person"))
        by_pk = Person.objects.in_bulk([pk for pk, _n in rows])
        return [(by_pk[pk], n) for pk, n in rows]

    def busiest_unit_head(self, agency: Any) -> tuple[Any, int] | None:
        from django.db.models import Count

        from qlvb.incoming.models import Assignment
        from qlvb.org.models import Position, Post

        heads = list(self.ordinary(agency, Position.Kind.UNIT_HEAD))
        unit_of = dict(Post.objects.filter(person__in=heads, end_date=None).values_list("person", "unit"))
        waiting = dict(Assignment.objects.filter(agency=agency, state=Assignment.State.PENDING,
                                                 assignee_unit__isnull=False).exclude(role=Assignment.Role.INFO)
                       .values_list("assignee_unit").annotate(n=Count("pk")).order_by())
        if not heads:
            return None
        head = max(heads, key=lambda p: (waiting.get(unit_of[p.pk], 0), -p.pk))
        return head, waiting.get(unit_of[head.pk], 0)

    @staticmethod
    def agency_head(agency: Any) -> Any:
        from qlvb.org.models import Person, Position

        return (Person.objects.filter(agency=agency, is_active=True, locked_at=None, posts__end_date=None,
                                      posts__position__kind=Position.Kind.AGENCY_HEAD).order_by("pk").first())

    @staticmethod
    def typical_document(person: Any) -> int | None:
        """The newest document passed down to the person, still open, with at least a coordinating unit or a
        person for information beside the main unit (the page a specialist opens for a task)."""
        from django.db.models import Count

        from qlvb.incoming.models import Assignment

        task = (Assignment.objects.filter(assignee_person=person, role=Assignment.Role.MAIN, parent__isnull=False,
                                          state__in=Assignment.OPEN_STATES, document__secrecy="")
                .annotate(n=Count("document__assignments")).filter(n__gte=3).order_by("-created_at", "-pk").first())
        return task.document_id if task else None

    # -- measuring ------------------------------------------------------------------------------------

    def run(self) -> None:
        from qlvb.incoming import selectors
        from qlvb.incoming.models import Assignment, DocumentAccess, HandlingNote, IncomingDocument

        db, largest = self.db, self.largest
        n_docs = IncomingDocument.objects.filter(agency=largest).count()
        if not n_docs:
            note(f"{db}: no incoming documents in {largest.code}: run manage.py generate_incoming for the "
                 f"incoming-document figures")
            return
        self.ready = True
        emit(f"data.{db}.incoming_documents", n_docs, "count")
        emit(f"data.{db}.incoming_assignments", Assignment.objects.filter(agency=largest).count(), "count")
        emit(f"data.{db}.incoming_access_rows", DocumentAccess.objects.filter(document__agency=largest).count(),
             "count")
        emit(f"data.{db}.incoming_notes", HandlingNote.objects.filter(document__agency=largest).count(), "count")

        ranked = self.specialists_by_tasks(largest)
        if not ranked:
            note(f"{db}: no specialist of {largest.code} has a task to handle; incoming pages skipped")
            self.ready = False
            return
        (busy, busy_tasks), (light, light_tasks) = ranked[0], ranked[-1]
        unit_head, unit_tasks = self.busiest_unit_head(largest) or (None, 0)
        head = self.agency_head(largest)
        document = self.typical_document(busy)
        small_ranked = self.specialists_by_tasks(self.smallest) if self.smallest.pk != largest.pk else []
        small_specialist = small_ranked[0][0] if small_ranked else None
        small_document = self.typical_document(small_specialist) if small_specialist else None
        small_head = self.agency_head(self.smallest)
        note(f"{db}: {n_docs} incoming documents in {largest.code}; busy specialist {busy.username} ({busy_tasks} to "
             f"handle), light {light.username} ({light_tasks}), unit head {getattr(unit_head, 'username', '-')} "
             f"({unit_tasks} waiting in the unit), agency head {getattr(head, 'username', '-')}, document {document}")

        pages: list[tuple[str, Any, str]] = [("incoming.to_handle", busy, "/incoming/list/to_handle/")]
        if unit_head is not None:
            pages += [("incoming.to_handle_unit_head", unit_head, "/incoming/list/to_handle/"),
                      ("incoming.in_progress", unit_head, "/incoming/list/in_progress/"),
                      ("incoming.overview_unit_head", unit_head, "/incoming/overview/")]
        if head is not None:
            pages.append(("incoming.overview", head, "/incoming/overview/"))
        if document:
            pages.append(("incoming.document", busy, f"/incoming/{document}/"))
            # The same page opened by the unit head (when the document went to their unit).
            if unit_head is not None and selectors.visible_documents(unit_head).filter(pk=document).exists():
                pages.append(("incoming.document_unit_head", unit_head, f"/incoming/{document}/"))
        times, counts = self.time_pages(pages)
        for name, _person, _url in pages:
            p50, p95 = quantiles(times[name]) if len(times[name]) > 1 else (times[name][0], times[name][0])
            emit(f"{name}.{db}.p50", p50, "ms")
            emit(f"{name}.{db}.p95", p95, "ms")
            emit(f"{name}.{db}.queries", counts[name], "count")
            emit(f"{name}.{db}.samples", len(times[name]), "count")

        # The query count must not grow with the rows: the last page, a light user, the smallest agency.
        def last_page(person: Any, name: str) -> tuple[int, int]:
            rows = selectors.counts(person)[name]  # the navigation's count: the list's, without its slow query
            return rows, max(1, -(-rows // 25))

        # (A slow page's last page is left out: it costs as much again and pages the same way.)
        rows, pages_n = last_page(busy, "to_handle")
        emit(f"incoming.to_handle.{db}.rows", rows, "count")
        growth = [counts["incoming.to_handle"]]
        if "incoming.to_handle" not in self.slow:
            growth.append(self.count_once(busy, f"/incoming/list/to_handle/?page={pages_n}"))
            emit(f"incoming.to_handle.{db}.queries_last_page", growth[-1], "count")
        light_rows, _ = last_page(light, "to_handle")
        emit(f"incoming.to_handle.{db}.rows_light_user", light_rows, "count")
        growth.append(self.count_once(light, "/incoming/list/to_handle/"))
        emit(f"incoming.to_handle.{db}.queries_light_user", growth[-1], "count")
        emit(f"incoming.to_handle.{db}.query_growth", max(growth) - min(growth), "count")
        if unit_head is not None:
            lists = (("to_handle", "incoming.to_handle_unit_head"), ("in_progress", "incoming.in_progress"))
            for list_name, name in lists:
                rows, pages_n = last_page(unit_head, list_name)
                emit(f"{name}.{db}.rows", rows, "count")
                if name in self.slow:
                    continue
                last = self.count_once(unit_head, f"/incoming/list/{list_name}/?page={pages_n}")
                emit(f"{name}.{db}.queries_last_page", last, "count")
                emit(f"{name}.{db}.query_growth", abs(last - counts[name]), "count")
        if head is not None and small_head is not None and self.smallest.pk != largest.pk:
            small = self.count_once(small_head, "/incoming/overview/")
            emit(f"incoming.overview.{db}.queries_smallest_agency", small, "count")
            emit(f"incoming.overview.{db}.query_growth", abs(small - counts["incoming.overview"]), "count")
        if document and small_document:
            small = self.count_once(small_specialist, f"/incoming/{small_document}/")
            emit(f"incoming.document.{db}.queries_smallest_agency", small, "count")
            emit(f"incoming.document.{db}.query_growth", abs(small - counts["incoming.document"]), "count")
        elif document:
            note(f"{db}: no incoming documents in the smallest agency {self.smallest.code}: "
                 f"no query growth for the document page and the overview")

    def count_once(self, person: Any, url: str, show: str = "") -> int:
        """The queries of one request, leaving out the session guard's once-a-minute last-seen write
        (what the fewest of three leaves out for the other pages: a slow page cannot be asked thrice)."""
        from django.db import close_old_connections, connection
        from django.test.utils import CaptureQueriesContext

        client = self.client_for(person)  # signing in is not part of the page
        with CaptureQueriesContext(connection) as captured:
            self.get(client, url)
        close_old_connections()
        sql = [q["sql"] for q in captured.captured_queries]
        if show:
            note(f"--- {show}: {url}")
            for text in sql:
                note(f"    {text[:300]}")
        return sum(1 for text in sql if not text.startswith('UPDATE "accounts_loginsession"'))

    def time_pages(self, pages: list[tuple[str, Any, str]]) -> tuple[dict[str, list[float]], dict[str, int]]:
        """Round robin as for the other pages, with two limits so that the whole bench stays in its
        time: a page whose first request takes more than --slow-ms is timed by that request only (its
        p50 and p95 are that one figure, `samples` says 1), and the others stop after --page-budget
        seconds of timed requests (at least 20). Returns the times and the query counts."""
        from django.db import close_old_connections

        args = self.args
        times: dict[str, list[float]] = {name: [] for name, _, _ in pages}
        counts: dict[str, int] = {}
        self.slow = set()
        for name, person, url in pages:  # first requests: query counts, and which pages are slow
            started = time.perf_counter()
            counts[name] = self.count_once(person, url, show=name if args.show_queries else "")
            elapsed = (time.perf_counter() - started) * 1000
            if elapsed > args.slow_ms:
                self.slow.add(name)
                times[name].append(elapsed)
                note(f"{self.db}: {name} took {elapsed / 1000:.1f} s: timed by this one request")
        fast = [page for page in pages if page[0] not in self.slow]
        for round_no in range(args.incoming_warmup - 1 + args.incoming_requests):
            warm = round_no < args.incoming_warmup - 1
            active = [(n, p, u) for n, p, u in fast
                      if warm or len(times[n]) < 20 or sum(times[n]) < args.page_budget * 1000]
            if not active:
                break
            for name, person, url in active:
                client = self.client_for(person)
                started = time.perf_counter()
                self.get(client, url)
                close_old_connections()
                if not warm:
                    times[name].append((time.perf_counter() - started) * 1000)
        for name, person, url in fast:  # the fewest of three, as for the other pages
            counts[name] = min(counts[name], self.queries(self.client_for(person), url))
        short = [f"{name} {len(values)}" for name, values in times.items()
                 if name not in self.slow and len(values) < args.incoming_requests]
        if short:
            note(f"{self.db}: fewer timed requests (page budget {args.page_budget:.0f} s): {', '.join(short)}")
        return times, counts


# --- Registration with several clerks at once ----------------------------------------------------------

def small_pdf(tag: str) -> bytes:
    """A distinct one-page PDF (a scan would differ every time too)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"Văn bản đến {tag}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def clerk_loop(index: int, clerk_pk: int, agency_pk: int, register_pk: int, head_pk: int, issuer_pk: int,
               seconds: float, run: str, barrier: Any, queue: Any) -> None:
    """One clerk (a forked process, its own connection): register documents for `seconds`."""
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import DatabaseError, connection
    from django.utils import timezone

    from qlvb.core.actor import Actor
    from qlvb.incoming.services import register_document
    from qlvb.org.models import Agency, Person
    from qlvb.registers.models import Register

    clerk, head = Person.objects.get(pk=clerk_pk), Person.objects.get(pk=head_pk)
    agency, register_row = Agency.objects.get(pk=agency_pk), Register.objects.get(pk=register_pk)
    issuer = Agency.objects.get(pk=issuer_pk)
    pdfs = [small_pdf(f"{run}-{index}-{k}") for k in range(400)]
    numbers: list[int] = []
    latencies: list[float] = []
    errors: list[str] = []

    def register(k: int, data: bytes) -> Any:
        fields = {"issuer_agency": issuer, "issuer_name": issuer.name, "issuer_code": issuer.code,
                  "number": str(k), "notation": f"BM{index}-{issuer.abbreviation}",
                  "document_date": timezone.localdate(), "doc_type": "CV",
                  "summary": f"V/v kiểm tra hiệu năng đăng ký văn bản đến, lượt {k} của văn thư {index}",
                  "received_at": timezone.now(), "pages": 1, "source": "electronic"}
        upload = SimpleUploadedFile(f"cv-{index}-{k}.pdf", data, content_type="application/pdf")
        return register_document(by=Actor(clerk, ip="127.0.0.1"), agency=agency, register=register_row,
                                 fields=fields, uploads=[upload], presented_to=head)

    # A clerk's server process has served requests before the morning's post: its per-process caches
    # are filled. One registration before the clock starts does that here (its number is checked too).
    register(0, small_pdf(f"{run}-{index}-warm-up"))
    # And what lives as long as the process is out of the collector's sight, as gunicorn.conf.py
    # leaves a server's workers (bench/pages.py and search_bench.py do the same).
    gc.collect()
    gc.freeze()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    barrier.wait()
    started = time.monotonic()
    cpu, backend_cpu = time.process_time(), _process_cpu(backend)
    k = 0
    while time.monotonic() - started < seconds:
        data = pdfs[k] if k < len(pdfs) else small_pdf(f"{run}-{index}-{k}")
        k += 1
        t0 = time.perf_counter()
        try:
            document = register(k, data)
        except (ValidationError, DatabaseError) as error:
            errors.append(f"{type(error).__name__}: {error}"[:300])
            continue
        latencies.append((time.perf_counter() - t0) * 1000)
        numbers.append(document.arrival_number)
    finished = time.monotonic()
    cpu, backend_cpu = time.process_time() - cpu, _process_cpu(backend) - backend_cpu
    connection.close()
    queue.put({"index": index, "numbers": numbers, "latencies": latencies, "errors": errors,
               "started": started, "finished": finished, "cpu": cpu, "backend_cpu": backend_cpu})


def _process_cpu(pid: int) -> float:
    """CPU seconds a process of this machine has used (its server's backend: PostgreSQL on the same
    machine, as here); NaN when it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def clean_bench_register(register: Any) -> int:
    """Delete the benchmark's documents, their stored files and blobs (their events stay: the chain is kept)."""
    from django.core.files.storage import default_storage

    from qlvb.files.models import StoredFile
    from qlvb.incoming.models import IncomingDocument, IncomingFile

    documents = IncomingDocument.objects.filter(register=register)
    stored_ids = set(IncomingFile.objects.filter(document__in=documents).values_list("stored_id", flat=True))
    n, _ = documents.delete()
    still_used = set(IncomingFile.objects.filter(stored_id__in=stored_ids).values_list("stored_id", flat=True))
    for stored in StoredFile.objects.filter(pk__in=stored_ids - still_used):
        stored.delete()
        default_storage.delete(stored.storage_name)
        try:  # the blob's now empty folders (blobs/ab/cd/), when stored on the local disk
            folder = Path(default_storage.path(stored.storage_name)).parent
            for empty in (folder, folder.parent):
                empty.rmdir()
        except (NotImplementedError, OSError):
            pass
    return n


def measure_registration(db: str, agency: Any, *, seconds: float, clerks: int) -> None:
    """Registrations per second with `clerks` clerks at once, all in the same register (they queue on its
    counter row, as they would on the morning's post), and a check that the numbers have no gap or double.
    Also one clerk alone, and the same clerks each in a register of their own (no shared counter: what
    the machine allows whatever the counter does). The benchmark's registers and documents are removed
    afterwards."""
    import multiprocessing

    from django.db import connections
    from django.urls import get_resolver
    from django.utils import timezone

    from qlvb.incoming import rules
    from qlvb.org.models import Agency, Person, Position
    from qlvb.registers.models import Register, RegisterCounter

    registers = []
    for i in range(clerks):
        name = BENCH_REGISTER if i == 0 else f"{BENCH_REGISTER} {i}"
        register, _ = Register.objects.get_or_create(
            agency=agency, direction=Register.Direction.INCOMING, name=name,
            defaults={"category": Register.Category.OTHER, "order": 99})
        clean_bench_register(register)  # a run that failed half-way
        registers.append(register)
    people = Person.objects.filter(agency=agency, is_active=True, locked_at=None, posts__end_date=None,
                                   posts__agency=agency, posts__position__kind=Position.Kind.CLERK).distinct()
    clerk_ids = [p.pk for p in people.order_by("pk") if rules.is_clerk(p, agency.pk)]
    head = IncomingPages.agency_head(agency)
    issuer = Agency.objects.exclude(pk=agency.pk).order_by("code").first()
    if not clerk_ids or head is None or issuer is None:
        note(f"{db}: registration benchmark skipped: no clerk, agency head or other agency in {agency.code}")
        return
    if len(clerk_ids) < clerks:
        note(f"{db}: {agency.code} has {len(clerk_ids)} clerks; some sign in twice for {clerks} at once")
    Register.objects.filter(pk__in=[r.pk for r in registers]).update(is_active=True)
    context = multiprocessing.get_context("fork")
    year = timezone.localdate().year

    def last_numbers() -> dict[int, int]:
        return dict(RegisterCounter.objects.filter(register__in=registers, year=year)
                    .values_list("register_id", "last_number"))

    try:
        for n_clerks, label, own in ((1, "1_clerk", False), (clerks, f"{clerks}_clerks", False),
                                     (clerks, f"{clerks}_clerks_own_registers", True)):
            used = registers[:n_clerks] if own else registers[:1]
            before = last_numbers()
            connections.close_all()  # each clerk process opens its own connection
            # What a server loads at start (its URLs, and with them every view's imports), loaded once
            # before the clerks' processes are forked: otherwise each spends its first seconds importing.
            get_resolver().url_patterns  # noqa: B018
            barrier, queue = context.Barrier(n_clerks), context.Queue()
            run = f"{time.time():.0f}-{label}"
            processes = [context.Process(target=clerk_loop, args=(
                i, clerk_ids[i % len(clerk_ids)], agency.pk, used[i % len(used)].pk, head.pk, issuer.pk, seconds,
                run, barrier, queue)) for i in range(n_clerks)]
            for process in processes:
                process.start()
            results = [queue.get(timeout=seconds + 300) for _ in processes]
            for process in processes:
                process.join()
            latencies = [ms for r in results for ms in r["latencies"]]
            errors = [e for r in results for e in r["errors"]]
            taken = sum(len(r["numbers"]) for r in results)
            elapsed = max(r["finished"] for r in results) - min(r["started"] for r in results)
            after = last_numbers()
            gaps = duplicates = 0
            for register in used:  # per register: numbers 1..N of the year, each once
                numbers = [n for r in results for n in r["numbers"] if r["index"] % len(used) == used.index(register)]
                first, last = before.get(register.pk, 0), after.get(register.pk, before.get(register.pk, 0))
                stored = list(register.incomingdocument_set.filter(arrival_year=year, arrival_number__gt=first)
                              .values_list("arrival_number", flat=True))
                gaps += len(set(range(first + 1, last + 1)) - set(stored)) + len(set(numbers) - set(stored))
                duplicates += (len(stored) - len(set(stored))) + (len(numbers) - len(set(numbers)))
            where = f"{len(used)} registers" if own else f"one register ({registers[0].name} {year})"
            note(f"{db}: {taken} registrations by {n_clerks} clerk(s) in {elapsed:.1f} s, {where}")
            for error in sorted(set(errors))[:5]:
                note(f"{db}: registration failed: {error}")
            emit(f"incoming.register.{db}.{label}", taken / elapsed if elapsed else 0, "per_s")
            if taken:  # where the two cores go: the clerks' Python and their PostgreSQL backends
                emit(f"incoming.register.{db}.{label}.python_cpu_per_doc",
                     1000 * sum(r["cpu"] for r in results) / taken, "ms")
                backend = sum(r["backend_cpu"] for r in results)
                if backend == backend:  # not NaN: the server is on this machine
                    emit(f"incoming.register.{db}.{label}.postgresql_cpu_per_doc", 1000 * backend / taken, "ms")
            if latencies:
                p50, p95 = quantiles(latencies) if len(latencies) > 1 else (latencies[0], latencies[0])
                emit(f"incoming.register.{db}.{label}.p50", p50, "ms")
                emit(f"incoming.register.{db}.{label}.p95", p95, "ms")
            if n_clerks > 1:
                emit(f"incoming.register.{db}.{label}.errors", len(errors), "count")
                suffix = "_own_registers" if own else ""
                emit(f"incoming.register.{db}.gaps{suffix}", gaps, "count")
                emit(f"incoming.register.{db}.duplicates{suffix}", duplicates, "count")
    finally:
        removed = sum(clean_bench_register(register) for register in registers)
        Register.objects.filter(pk__in=[r.pk for r in registers]).update(is_active=False)
        note(f"{db}: removed the {removed} rows of the registration benchmark (its events stay in the chain)")
        # The jobs they queued (reading their files, e-mailing the leader) name what was just removed;
        # the bench's queue is its own (bench/run.py: its own var/ and Redis database).
        from huey.contrib.djhuey import HUEY

        note(f"{db}: dropped the {HUEY.pending_count()} jobs the registrations queued")
        HUEY.flush()

if __name__ == "__main__":
    main()

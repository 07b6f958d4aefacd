"""Measure the pages on one database; bench/run.py runs it with DATABASE_URL set.

Requests go through Django's test Client, so the figures are server time: middleware, view,
queries and template rendering, without the network and the browser. After each request the
connection is handled as a WSGI server would (close_old_connections: SQLite reconnects every
request, PostgreSQL keeps its connection for DB_CONN_MAX_AGE).

Prints `bench <page>.<db>.<statistic> <value> <unit>` lines (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
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


def emit(name: str, value: float, unit: str) -> None:
    text = f"{value:.1f}" if unit == "ms" else f"{int(value)}"
    print(f"bench {name} {text} {unit}", flush=True)


def note(text: str) -> None:
    print(f"# {text}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db-label", required=True, help="sqlite or postgresql: the <db> part of the names")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--show-queries", action="store_true", help="Print the SQL of one request of each page.")
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
    times: dict[str, list[float]] = {name: [] for name, _, _ in pages}
    for round_no in range(args.warmup + args.requests):
        for name, person, url in pages:
            client = client_for(person)
            started = time.perf_counter()
            get(client, url)
            close_old_connections()
            if round_no >= args.warmup:
                times[name].append((time.perf_counter() - started) * 1000)
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

    for pk, client in clients.items():
        record_logout(person=Person.objects.get(pk=pk), session_key=client.session.session_key, ip="127.0.0.1")


if __name__ == "__main__":
    main()

"""Statistics benchmark (issue 19's Figures), run by bench/statistics_bench.py in a process with
DATABASE_URL set on a generated province (generate_province, kept between runs).

    python bench/statistics_measure.py --rows 5000000 [--repeat 20] [--only selectors|pages]

The figures are read only from `statistics.Item` rows (one per incoming document, outgoing
document, review step and task), the org tables and, for secret rows, the owning kind's visibility
rule. So the benchmark writes the rows themselves, in bulk, not the documents behind them (see
`generate` for their shape; docs/benchmarks.md, "Statistics"). Then it prints
`bench statistics.<what>.<db>.<p50|p95|queries> <value> <unit>` for:

- the selectors the pages call (`sel_*`): the agency dashboard for a month and a year as the head
  of the largest agency and of a small one (query counts compared: flat), the province dashboard
  for a month and a year as the UBND tỉnh's head, a unit's figures by person for a year as the head
  of a large unit;
- the same pages through the test client (`page_*`) and the quarterly Excel exports, when the
  branches that build them are merged (their URLs resolve); skipped with a note otherwise.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from qlvb.org.models import Agency, Person, Position, Post  # noqa: E402
from qlvb.statistics.models import Item, LoginDay, Tally  # noqa: E402

DB = connection.vendor
YEARS = 5
TOP_SHARE = 0.08  # the largest agency's share of the rows
SMALLEST = 300  # rows of the smallest agency (at least)
SECRET = 0.003
KINDS = [("incoming", 75), ("outgoing", 15), ("review", 5), ("task", 5)]
DOC_TYPES = [("CV", 45), ("QĐ", 12), ("BC", 10), ("KH", 8), ("GM", 7), ("TB", 6), ("TTr", 5), ("HD", 3),
             ("CT", 1), ("NQ", 1), ("BB", 1), ("CĐ", 1)]
URGENCY = [("", 88), ("khan", 8), ("thuong_khan", 3), ("hoa_toc", 1)]
TASK_SOURCES = [("instruction", 40), ("meeting", 25), ("programme", 20), ("provincial", 10), ("document", 5)]
REVIEW_KINDS = [("unit_head", 50), ("office", 25), ("signer", 25)]
OUTGOING_OPEN = ["draft", "in_review", "returned", "approved", "signed"]
TITLES = ["Về việc triển khai kế hoạch năm", "Báo cáo kết quả thực hiện nhiệm vụ quý",
          "Về việc góp ý dự thảo quy chế", "Kế hoạch kiểm tra công tác cải cách hành chính",
          "Về việc cử cán bộ tham gia tập huấn", "Quyết định phê duyệt dự toán", "Tờ trình đề nghị bổ sung kinh phí",
          "Giấy mời họp giao ban", "Thông báo kết luận của Chủ tịch UBND tỉnh", "Hướng dẫn thực hiện chế độ báo cáo"]
COLUMNS = ["id", "kind", "source_id", "document_id", "agency_id", "unit_id", "person_id", "field_id", "doc_type",
           "urgency", "secret", "category", "opened_on", "deadline", "closed_on", "state", "late", "status",
           "holder_id", "held_since", "reference", "title"]
CHUNK = 200_000


def note(text: str) -> None:
    print(f"# {text}", flush=True)


def figure(what: str, stat: str, value: float, unit: str) -> None:
    print(f"bench statistics.{what}.{DB}.{stat} {value:.1f} {unit}", flush=True)


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


# --- Generation ---------------------------------------------------------------------------------

def shares(n: int, agencies: int) -> list[int]:
    """Rows of each agency, largest first: geometric, the largest TOP_SHARE of all, the smallest at
    least SMALLEST (a commune-level office with a few hundred documents in five years)."""
    if agencies == 1:
        return [n]
    lo, hi = 0.5, 0.9999
    for _ in range(60):  # the ratio q whose geometric series gives the largest TOP_SHARE
        q = (lo + hi) / 2
        top = (1 - q) / (1 - q ** agencies)
        lo, hi = (q, hi) if top > TOP_SHARE else (lo, q)
    weights = [q ** i for i in range(agencies)]
    total = sum(weights)
    counts = [max(SMALLEST, round(n * w / total)) for w in weights]
    counts[0] += n - sum(counts)  # what the floor added, taken from the largest (small scale: given to it)
    return counts


def _agencies_by_size() -> list[int]:
    """The generated agencies, most people first (their documents follow their size)."""
    people: dict[int, int] = defaultdict(int)
    for agency_id in Post.objects.filter(end_date__isnull=True).values_list("agency_id", flat=True):
        people[agency_id] += 1
    return sorted(people, key=lambda a: (-people[a], a))


def _working_days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)
            if (first + timedelta(days=i)).weekday() < 5]


def _cum(pairs: list[tuple[str, int]]) -> tuple[list[str], list[int]]:
    values, cum, total = [], [], 0
    for value, weight in pairs:
        total += weight
        values.append(value)
        cum.append(total)
    return values, cum


def rows_of(agency_id: int, n: int, first_id: int, rng: random.Random, *, posts: list[tuple[int, int]],
            fields: list[int], days: list[date], today: date):
    """n rows of one agency, as tuples in the order of COLUMNS."""
    choices = rng.choices
    kinds_, kinds_cum = _cum(KINDS)
    types_, types_cum = _cum(DOC_TYPES)
    urg_, urg_cum = _cum(URGENCY)
    tasks_, tasks_cum = _cum(TASK_SOURCES)
    reviews_, reviews_cum = _cum(REVIEW_KINDS)
    # Recent days a little busier than five years ago (the system's use grows).
    day_weights = [1 + i / len(days) for i in range(len(days))]
    kind_col = choices(kinds_, cum_weights=kinds_cum, k=n)
    type_col = choices(types_, cum_weights=types_cum, k=n)
    urg_col = choices(urg_, cum_weights=urg_cum, k=n)
    post_col = choices(posts, k=n)
    field_col = choices(fields or [None], k=n)
    day_col = choices(days, weights=day_weights, k=n)
    tz = timezone.get_current_timezone()
    randint, random_ = rng.randint, rng.random
    for k in range(n):
        pk = first_id + k
        kind = kind_col[k]
        opened = day_col[k]
        deadline = opened + timedelta(days=randint(5, 15))
        age = (today - opened).days
        # Open: most of the last fortnight's work, half of the last two months', and a backlog.
        open_chance = 0.9 if age < 15 else 0.5 if age < 60 else 0.12
        done = random_() >= open_chance
        late = False
        closed = None
        if done:
            if random_() < 0.10:
                closed = deadline + timedelta(days=randint(1, 20))
                late = True
            else:
                closed = opened + timedelta(days=randint(0, (deadline - opened).days))
            if closed > today:
                closed = today
                late = closed > deadline
        unit_id, person_id = post_col[k]
        category = ""
        status = ""
        holder = None
        held_since = None
        if kind == "incoming":
            status = "completed" if done else ("in_progress" if random_() < 0.6 else "routed")
        elif kind == "outgoing":
            status = "issued" if done else OUTGOING_OPEN[randint(0, 4)]
            if not done:
                holder = person_id
                held_since = datetime.combine(opened, datetime.min.time(), tzinfo=tz) + timedelta(hours=9)
        elif kind == "review":
            category = choices(reviews_, cum_weights=reviews_cum)[0]
            status = "approved" if done else "pending"
        else:
            category = choices(tasks_, cum_weights=tasks_cum)[0]
            status = "done" if done else "in_progress"
        doc_type = type_col[k] if kind in ("incoming", "outgoing", "review") else ""
        yield (pk, kind, pk, pk, agency_id, unit_id, person_id, field_col[k], doc_type, urg_col[k],
               random_() < SECRET, category, opened, deadline, closed, "done" if done else "open", late, status,
               holder, held_since, f"{pk % 9000 + 1}/{doc_type or 'KH'}-UBND", TITLES[pk % len(TITLES)])


def _copy(rows) -> int:
    table = Item._meta.db_table
    n = 0
    with connection.cursor() as cursor:
        if DB == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        else:
            marks = ", ".join(["%s"] * len(COLUMNS))
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == 5_000:
                    cursor.executemany(f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})", batch)
                    n += len(batch)
                    batch = []
            if batch:
                cursor.executemany(f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})", batch)
                n += len(batch)
    return n


def _drop_indexes() -> None:
    """Every index but the primary key, rebuilt once after a large load (_ensure_indexes)."""
    with connection.cursor() as cursor:
        existing = connection.introspection.get_constraints(cursor, Item._meta.db_table)
    with connection.schema_editor() as editor:
        for index in Item._meta.indexes:
            if index.name in existing:
                editor.remove_index(Item, index)
        for constraint in Item._meta.constraints:
            if constraint.name in existing:
                editor.remove_constraint(Item, constraint)


def _ensure_indexes() -> bool:
    with connection.cursor() as cursor:
        existing = connection.introspection.get_constraints(cursor, Item._meta.db_table)
        if DB == "postgresql":
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute("SET max_parallel_maintenance_workers = 1")  # the machine is shared
    built = False
    for thing in [*Item._meta.constraints, *Item._meta.indexes]:
        if thing.name in existing:
            continue
        started = time.perf_counter()
        with connection.schema_editor() as editor:
            if thing in Item._meta.indexes:
                editor.add_index(Item, thing)
            else:
                editor.add_constraint(Item, thing)
        note(f"built {thing.name} in {time.perf_counter() - started:.0f} s")
        built = True
    return built


def analyse(tables: list[str]) -> None:
    """Planner statistics (and, on PostgreSQL, the visibility map the index-only scans need)."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}" if DB == "postgresql" else f"ANALYZE {table}")


def generate(n: int) -> list[int]:
    """n rows over the province (topped up: each agency gets only what it lacks); returns the
    agencies, largest first."""
    order = _agencies_by_size()
    counts = shares(n, len(order))
    have = dict(Item.objects.order_by().values_list("agency_id").annotate(n=Count("id")))
    missing = {a: c - have.get(a, 0) for a, c in zip(order, counts, strict=True) if c > have.get(a, 0)}
    if not missing:
        if _ensure_indexes():  # a load interrupted while the indexes were rebuilt
            analyse([Item._meta.db_table])
        note(f"{sum(have.values()):,} statistics rows already generated")
        if not Tally.objects.exists():  # rows generated before the tallies were
            build_tallies()
        return order
    started = time.perf_counter()
    total = sum(missing.values())
    bulk = total >= n // 5
    note(f"generating {total:,} statistics rows over {len(missing)} agencies on {DB}"
         f"{' (indexes dropped until the end)' if bulk else ''}; load average {load()}")
    today = timezone.localdate()
    days = _working_days(today.replace(year=today.year - YEARS), today)
    posts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for agency_id, unit_id, person_id, kind in (Post.objects.filter(end_date__isnull=True)
                                                .values_list("agency_id", "unit_id", "person_id", "position__kind")):
        # Specialists handle most of the work; leaders hold the rest.
        weight = 3 if kind in (Position.Kind.SPECIALIST, Position.Kind.CLERK) else 1
        posts[agency_id].extend([(unit_id, person_id)] * weight)
    from qlvb.org.models import Field

    fields: dict[int, list[int | None]] = defaultdict(list)
    for agency_id, field_id in Field.objects.values_list("agency_id", "pk"):
        fields[agency_id].append(field_id)
    for agency_fields in fields.values():
        agency_fields.append(None)  # some work has no field
    with connection.cursor() as cursor:
        if DB == "postgresql":
            cursor.execute("SET synchronous_commit = off")
            # The rows are built from the org tables: no foreign-key trigger per row.
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(f"ALTER TABLE {Item._meta.db_table} SET (autovacuum_enabled = false)")
        else:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -500000")
    if bulk:
        _drop_indexes()
    next_id = (Item.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    done = 0
    for agency_id, count in missing.items():
        rng = random.Random(f"stat-{agency_id}-{have.get(agency_id, 0)}")
        offset = 0
        while offset < count:
            k = min(CHUNK, count - offset)
            with transaction.atomic():
                made = _copy(rows_of(agency_id, k, next_id, rng, posts=posts[agency_id],
                                     fields=fields.get(agency_id, [None]), days=days, today=today))
            next_id += made
            offset += made
            done += made
            if done % 1_000_000 < made:
                note(f"{done:,} rows ({done / (time.perf_counter() - started):,.0f}/s)")
    loaded = time.perf_counter() - started
    note(f"loaded {done:,} rows in {loaded:.0f} s")
    with connection.cursor() as cursor:
        if DB == "postgresql":
            cursor.execute("SET session_replication_role = origin")
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{Item._meta.db_table}', 'id'), "
                           f"(SELECT max(id) FROM {Item._meta.db_table}))")
    _ensure_indexes()
    with connection.cursor() as cursor:
        if DB == "postgresql":
            cursor.execute(f"ALTER TABLE {Item._meta.db_table} RESET (autovacuum_enabled)")
    mark = time.perf_counter()
    analyse([Item._meta.db_table])
    note(f"analysed in {time.perf_counter() - mark:.0f} s")
    elapsed = time.perf_counter() - started
    print(f"bench statistics.generate.{DB}.seconds {elapsed:.1f} s", flush=True)
    print(f"bench statistics.generate.{DB}.rows_per_s {done / elapsed:.0f} rows/s", flush=True)
    build_tallies()
    generate_logins()
    return order


def build_tallies() -> None:
    """The tallies from the rows, as `manage.py rebuild_statistics` builds them after its rows."""
    from qlvb.statistics import tallies

    started = time.perf_counter()
    with transaction.atomic():
        written = tallies.rebuild()
    analyse([Tally._meta.db_table])
    elapsed = time.perf_counter() - started
    note(f"{written:,} tallies from the rows in {elapsed:.0f} s")
    print(f"bench statistics.tallies_rebuild.{DB}.seconds {elapsed:.1f} s", flush=True)


def generate_logins(sample: int = 10) -> None:
    """A year of log-in days for one person in `sample` (90 % of the working days)."""
    if LoginDay.objects.exists():
        return
    rng = random.Random(3)
    today = timezone.localdate()
    days = _working_days(today - timedelta(days=365), today)
    people = sorted(set(Post.objects.filter(end_date__isnull=True).values_list("person_id", flat=True)))[::sample]
    rows = [(p, d) for p in people for d in days if rng.random() < 0.9]
    with transaction.atomic(), connection.cursor() as cursor:
        table = LoginDay._meta.db_table
        if DB == "postgresql":
            with cursor.cursor.copy(f"COPY {table} (person_id, day) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} (person_id, day) VALUES (%s, %s)", rows)
    analyse([LoginDay._meta.db_table])
    note(f"{len(rows):,} log-in days for {len(people):,} people")


# --- Measuring ----------------------------------------------------------------------------------

def time_call(what: str, call: Callable[[], object], repeat: int) -> None:
    from pages import time_calls  # (bench/pages.py, importable once django is set up)

    timing = time_calls(call, repeat)
    figure(what, "p50", timing.p50, "ms")
    figure(what, "p95", timing.p95, "ms")
    figure(what, "queries", timing.queries, "queries")


def dashboard_work(viewer: Person, params: dict[str, str], today: date) -> Callable[[], object]:
    """What a dashboard asks of the selectors: for each kind its totals, by unit (by agency for
    the province), the documents issued by type, the tasks by category, the trend by month, the
    drafts waiting. (The page of branch stat-dash may ask a little more or less: see page_*.)"""
    from qlvb.statistics import params as stat_params
    from qlvb.statistics import periods, selectors
    from qlvb.statistics.selectors import Query

    def work() -> object:
        viewer.__dict__.pop("_statistics_secret_ids", None)  # kept for one request (selectors)
        asked = stat_params.read(viewer, params, today=today)
        q = asked.query
        side = "agency" if q.scope.level == "province" else "unit"
        out = []
        for kind in ("incoming", "outgoing", "review", "task"):
            query = Query(kind, q.scope, q.period)
            out.append(selectors.totals(viewer, query, today))
            out.append(selectors.by(viewer, query, side, today))
        issued = Query("outgoing", q.scope, q.period, basis="closed")
        out.append(selectors.totals(viewer, issued, today))
        out.append(selectors.by(viewer, issued, "doc_type", today))
        out.append(selectors.by(viewer, Query("task", q.scope, q.period), "category", today))
        months = periods.months_back(12, q.period.end)  # the twelve months the dashboard draws
        trend = Query("incoming", q.scope, type(q.period)("range", months[0].start, months[-1].end))
        out.append(selectors.by(viewer, trend, "month", today))
        out.append(selectors.waiting_by_status(viewer, q.scope))
        return out

    return work


def table_work(viewer: Person, params: dict[str, str], today: date) -> Callable[[], object]:
    from qlvb.statistics import params as stat_params
    from qlvb.statistics import selectors

    def work() -> object:
        viewer.__dict__.pop("_statistics_secret_ids", None)
        asked = stat_params.read(viewer, params, today=today)
        return selectors.totals(viewer, asked.query, today), selectors.by(viewer, asked.query, asked.by or "unit",
                                                                          today)

    return work


def head_of(agency_id: int) -> Person:
    person = Person.objects.get(posts__agency_id=agency_id, posts__end_date__isnull=True,
                                posts__position__kind=Position.Kind.AGENCY_HEAD)
    Person.objects.filter(pk=person.pk).update(must_change_password=False)
    person.refresh_from_db()
    return person


def url_resolves(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", choices=["selectors", "pages"], default=None)
    args = parser.parse_args()
    order = generate(args.rows)
    today = timezone.localdate()
    largest, small = order[0], order[len(order) * 3 // 4] if len(order) > 1 else order[0]
    root = Agency.objects.filter(parent__isnull=True, pk__in=order).order_by("pk").values_list("pk", flat=True).first()
    sizes = dict(Item.objects.filter(agency_id__in=[largest, small]).order_by().values_list("agency_id")
                 .annotate(n=Count("id")))
    # The unit of the largest agency with the most rows this year, and its head.
    year_start = today.replace(month=1, day=1)
    unit_id = (Item.objects.filter(kind="incoming", agency_id=largest, opened_on__gte=year_start).order_by()
               .values("unit_id").annotate(n=Count("id")).order_by("-n")
               .values_list("unit_id", flat=True).first())
    unit_head = Person.objects.filter(posts__unit_id=unit_id, posts__end_date__isnull=True,
                                      posts__position__kind=Position.Kind.UNIT_HEAD).first()
    note(f"{Item.objects.count():,} statistics rows; largest agency {largest} ({sizes.get(largest, 0):,} rows), "
         f"small agency {small} ({sizes.get(small, 0):,} rows), province root {root}, unit {unit_id} "
         f"(head {unit_head.pk if unit_head else None}); load average {load()}")
    boss, small_boss, governor = head_of(largest), head_of(small), head_of(root)
    if unit_head is not None:
        Person.objects.filter(pk=unit_head.pk).update(must_change_password=False)
        unit_head.refresh_from_db()
    day = today.isoformat()
    cases: list[tuple[str, Person, str, str]] = [  # (name, viewer, page path, query string)
        ("agency_dashboard_month", boss, "/statistics/", f"scope=agency&agency={largest}&period=month&day={day}"),
        ("agency_dashboard_year", boss, "/statistics/", f"scope=agency&agency={largest}&period=year&day={day}"),
        ("small_agency_dashboard_month", small_boss, "/statistics/",
         f"scope=agency&agency={small}&period=month&day={day}"),
        ("small_agency_dashboard_year", small_boss, "/statistics/",
         f"scope=agency&agency={small}&period=year&day={day}"),
        ("province_dashboard_month", governor, "/statistics/", f"scope=province&agency={root}&period=month&day={day}"),
        ("province_dashboard_year", governor, "/statistics/", f"scope=province&agency={root}&period=year&day={day}"),
    ]
    if unit_head is not None:
        cases.append(("unit_by_person_year", unit_head, "/statistics/table/",
                      f"scope=unit&agency={largest}&unit={unit_id}&kind=incoming&by=person&period=year&day={day}"))
    from django.http import QueryDict

    if args.only != "pages":
        for name, viewer, path, query in cases:
            params = QueryDict(query)
            work = (table_work if path.endswith("table/") else dashboard_work)(viewer, params, today)
            time_call(f"sel_{name}", work, args.repeat)
    if args.only == "selectors":
        return
    from pages import signed_in, time_page  # noqa: E402  (bench/pages.py)

    clients: dict[int, object] = {}
    for name, viewer, path, query in cases:
        if not url_resolves(path):
            note(f"{path} does not resolve on this branch: page_{name} skipped")
            continue
        client = clients.setdefault(viewer.pk, signed_in(viewer))
        timing = time_page(client, f"{path}?{query}", args.repeat)
        figure(f"page_{name}", "p50", timing.p50, "ms")
        figure(f"page_{name}", "p95", timing.p95, "ms")
        figure(f"page_{name}", "queries", timing.queries, "queries")
    exports = [
        ("export_quarter_table", boss, "/statistics/table.xlsx",
         f"scope=agency&agency={largest}&kind=incoming&by=unit&period=quarter&day={day}"),
        ("export_quarter_report", boss, "/statistics/report.xlsx",
         f"scope=agency&agency={largest}&period=quarter&day={day}"),
        ("export_quarter_province_table", governor, "/statistics/table.xlsx",
         f"scope=province&agency={root}&kind=incoming&by=agency&period=quarter&day={day}"),
    ]
    for name, viewer, path, query in exports:
        if not url_resolves(path):
            note(f"{path} does not resolve on this branch: {name} skipped")
            continue
        client = clients.setdefault(viewer.pk, signed_in(viewer))
        timing = time_page(client, f"{path}?{query}", max(5, args.repeat // 4))
        figure(name, "p50", timing.p50, "ms")
        figure(name, "p95", timing.p95, "ms")
        figure(name, "queries", timing.queries, "queries")
    note(f"load average {load()}")


if __name__ == "__main__":
    main()

"""Tasks benchmark, run by bench/tasks_bench.py in a process with DATABASE_URL set on a generated
province (generate_province, kept between runs).

    python bench/tasks_measure.py --tasks 2000000 [--repeat 20]

Generates the tasks once (bulk inserts, no events: the figures are about reading): every agency's
people and units own tasks in proportion to their size, 70 % done over the past year, the rest open
with deadlines from a month ago to two months ahead, a coordinator on every fifth. Then prints
`bench tasks.<page>.<db>.<statistic> <value> <unit>` for the pages of the busiest specialist and of
the head of the busiest unit of the largest agency: p50/p95 in ms and the query count, which must
not grow with the data:
- person_list: /tasks/list/to_do/ (the list and its counts);
- person_overdue: /tasks/list/overdue/;
- unit_overview: /tasks/overview/?unit=<unit> (every unit's counts and the unit's open list).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from pages import signed_in, time_page  # noqa: E402  (bench/pages.py)

from qlvb.org.models import Agency, Person, Position, Post  # noqa: E402
from qlvb.tasks.models import Coordinator, Task  # noqa: E402

DB = connection.vendor


def figure(what: str, stat: str, value: float, unit: str) -> None:
    print(f"bench tasks.{what}.{DB}.{stat} {value:.1f} {unit}", flush=True)


def note(text: str) -> None:
    print(f"# {text}", flush=True)


def generate(total: int) -> None:
    have = Task.objects.count()
    if have >= total:
        note(f"{have} tasks already generated")
        analyse()
        return
    rng = random.Random(have + 1)
    posts = list(Post.objects.filter(end_date__isnull=True).values_list("person_id", "unit_id", "agency_id"))
    heads = dict(Post.objects.filter(end_date__isnull=True, position__kind=Position.Kind.AGENCY_HEAD)
                 .values_list("agency_id", "person_id"))
    posts = [p for p in posts if p[2] in heads]
    today = timezone.localdate()
    now = timezone.now()
    batch, coordinators, made = [], [], have
    started = time.perf_counter()
    while made < total:
        person_id, unit_id, agency_id = rng.choice(posts)
        unit_owned = rng.random() < 0.2
        done = rng.random() < 0.7
        deadline = today + timedelta(days=rng.randint(-365, -1) if done else rng.randint(-30, 60))
        batch.append(Task(
            agency_id=agency_id, title=f"Nhiệm vụ số {made + 1}", assigned_by_id=heads[agency_id],
            owner_person_id=None if unit_owned else person_id, owner_unit_id=unit_id if unit_owned else None,
            unit_id=unit_id, deadline=deadline, status=Task.Status.DONE if done else rng.choice(
                [Task.Status.PENDING, Task.Status.IN_PROGRESS]), progress=100 if done else rng.randint(0, 90),
            completed_at=now - timedelta(days=rng.randint(1, 365)) if done else None))
        made += 1
        if len(batch) == 10_000 or made == total:
            rows = Task.objects.bulk_create(batch)
            coordinators += [Coordinator(task_id=row.pk, person_id=rng.choice(posts)[0]) for row in rows[::5]]
            Coordinator.objects.bulk_create(coordinators)
            batch, coordinators = [], []
    note(f"generated {total - have} tasks in {time.perf_counter() - started:.0f} s")
    analyse()


def analyse() -> None:
    """Fresh planner statistics and visibility map after the bulk insert, as autovacuum leaves them
    in time: without statistics PostgreSQL expects one row per person and reads the agency's index
    instead of the owner's; without the visibility map the counts read the table, not the index."""
    with connection.cursor() as cursor:
        for table in (Task._meta.db_table, Coordinator._meta.db_table):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}" if DB == "postgresql"
                           else f"ANALYZE {connection.ops.quote_name(table)}")


def measure(client: Client, what: str, url: str, repeat: int) -> None:
    timing = time_page(client, url, repeat)
    figure(what, "p50", timing.p50, "ms")
    figure(what, "p95", timing.p95, "ms")
    figure(what, "queries", timing.queries, "")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    generate(args.tasks)
    agency_id = (Task.objects.values("agency_id").annotate(n=Count("id")).order_by("-n")
                 .values_list("agency_id", flat=True).first())
    agency = Agency.objects.get(pk=agency_id)
    busiest = (Task.objects.filter(agency=agency, owner_person__isnull=False).values("owner_person_id")
               .annotate(n=Count("id")).order_by("-n").first())
    unit_row = (Task.objects.filter(agency=agency).values("unit_id").annotate(n=Count("id")).order_by("-n").first())
    assert busiest and unit_row
    person = Person.objects.get(pk=busiest["owner_person_id"])
    head = Person.objects.filter(posts__unit_id=unit_row["unit_id"], posts__end_date__isnull=True,
                                 posts__position__kind__in=[Position.Kind.UNIT_HEAD, Position.Kind.UNIT_DEPUTY],
                                 is_active=True, locked_at__isnull=True).order_by("pk").first()
    note(f"{Task.objects.filter(agency=agency).count()} tasks in {agency.code}; the specialist owns "
         f"{busiest['n']}, the unit {unit_row['n']}")
    # Generated people must change their first password; these two have, as real users would.
    Person.objects.filter(pk__in=[person.pk, *([head.pk] if head else [])]).update(must_change_password=False)
    person.refresh_from_db()
    client = signed_in(person)
    measure(client, "person_list", "/tasks/list/to_do/", args.repeat)
    measure(client, "person_overdue", "/tasks/list/overdue/", args.repeat)
    if head is not None:
        head.refresh_from_db()
        boss = signed_in(head)
        measure(boss, "unit_overview", f"/tasks/overview/?unit={unit_row['unit_id']}", args.repeat)
    else:
        note("no head for the busiest unit: overview not measured")


if __name__ == "__main__":
    main()

"""Leave benchmark, run by bench/leave_bench.py in a process with DATABASE_URL set on a generated
province (generate_province, kept between runs).

    python bench/leave_measure.py --years 5 [--repeat 30]

Gives every person of the province (20,000 at full scale) five years of leave history (bulk
inserts, once): about six requests a year each, most granted, some refused or cancelled, a
service start date and a carry-over. Then prints `bench leave.<what>.<db>.<stat> <value> <unit>`:
- register: the office's leave register of the largest agency for the last year
  (/leave/register/?year=…, its first page and the count): p50/p95 in ms and queries;
- register_xlsx: the same register as an Excel file (every row of the year): p50 in ms;
- balance: a person's balance (selectors.balance): p50/p95 in ms;
- home: the person's /leave/ page (balance and requests): p95 in ms and queries.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402
from pages import signed_in, time_page  # noqa: E402  (bench/pages.py)

from qlvb.core import personcache  # noqa: E402
from qlvb.leave import selectors  # noqa: E402
from qlvb.leave.models import CarryOver, LeaveRequest, ServiceStart  # noqa: E402
from qlvb.org.models import Agency, Person, Post, Unit  # noqa: E402

DB = connection.vendor
KINDS = ["annual"] * 6 + ["personal", "sick", "unpaid", "compensatory"]
STATUSES = ["approved"] * 8 + ["refused", "cancelled"]


def figure(what: str, stat: str, value: float, unit: str) -> None:
    print(f"bench leave.{what}.{DB}.{stat} {value:.1f} {unit}", flush=True)


def note(text: str) -> None:
    print(f"# {text}", flush=True)


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * 0.95) - 1)]


def generate(years: int) -> None:
    """Six requests a year per person with a post, over `years` years up to this one (bulk)."""
    posts = list(Post.objects.filter(end_date__isnull=True, is_concurrent=False)
                 .values_list("person_id", "agency_id", "unit_id").order_by("person_id"))
    people = {}
    for person_id, agency_id, unit_id in posts:
        people.setdefault(person_id, (agency_id, unit_id))
    this_year = timezone.localdate().year
    first = this_year - years + 1
    if LeaveRequest.objects.filter(year=first).exists():
        note(f"{LeaveRequest.objects.count()} leave requests already generated")
        return
    rng = random.Random(23)
    approver = Post.objects.filter(position__kind="agency_head", end_date__isnull=True).values_list(
        "agency_id", "person_id")
    heads = dict(approver)
    ServiceStart.objects.bulk_create([ServiceStart(person_id=pk, started_on=date(rng.randint(1990, 2024), rng.randint(
        1, 12), 1)) for pk in people], ignore_conflicts=True, batch_size=5000)
    batch: list[LeaveRequest] = []
    total = 0
    for person_id, (agency_id, unit_id) in people.items():
        for year in range(first, this_year + 1):
            for n in range(6):
                start = date(year, 1 + n * 2, 1) + timedelta(days=rng.randint(0, 40))
                while start.weekday() >= 5:
                    start += timedelta(days=1)
                length = rng.choice([0, 0, 0, 1, 2, 4])
                end = start + timedelta(days=length)
                batch.append(LeaveRequest(
                    agency_id=agency_id, person_id=person_id, unit_id=unit_id, kind=rng.choice(KINDS), start=start,
                    end=end, days=Decimal(length + 1), year=year, reason="Việc gia đình",
                    status=rng.choice(STATUSES), step="director", approver_id=heads.get(agency_id),
                    decided_by_id=heads.get(agency_id)))
        if len(batch) >= 20_000:
            LeaveRequest.objects.bulk_create(batch, batch_size=5000)
            total += len(batch)
            batch = []
    LeaveRequest.objects.bulk_create(batch, batch_size=5000)
    total += len(batch)
    agreed = next(iter(heads.values()), None) or next(iter(people))
    CarryOver.objects.bulk_create([CarryOver(person_id=pk, year=this_year, days=Decimal(2), agreed_by_id=agreed)
                                   for pk in list(people)[::3]], ignore_conflicts=True, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE leave_leaverequest; ANALYZE leave_servicestart; ANALYZE leave_carryover")
    note(f"generated {total} leave requests for {len(people)} people over {years} years")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    settings.QLVB_KEEP_PAGES = False  # every request made afresh
    started = time.perf_counter()
    generate(args.years)
    note(f"generation: {time.perf_counter() - started:.1f} s")
    agency_id = (LeaveRequest.objects.values("agency_id").annotate(n=Count("id")).order_by("-n")
                 .values_list("agency_id", flat=True).first())
    agency = Agency.objects.get(pk=agency_id)
    office = Unit.objects.filter(agency=agency, kind=Unit.Kind.OFFICE).first()
    keeper = (Person.objects.filter(posts__unit=office, posts__end_date__isnull=True).first() if office else None) \
        or Person.objects.filter(posts__agency=agency, posts__position__kind="agency_head").first()
    assert keeper is not None
    year = timezone.localdate().year - 1
    rows = selectors.register(agency.pk, year).count()
    note(f"agency {agency.name}: {rows} rows in the register of {year}; "
         f"{LeaveRequest.objects.count()} requests in all")

    client = signed_in(keeper)
    timing = time_page(client, f"/leave/register/?year={year}", args.repeat)
    figure("register", "p50", timing.p50, "ms")
    figure("register", "p95", timing.p95, "ms")
    figure("register", "queries", timing.queries, "queries")
    times = []
    for _n in range(max(3, args.repeat // 6)):
        personcache.bump()
        begun = time.perf_counter()
        assert client.get(f"/leave/register/?year={year}&format=xlsx").status_code == 200
        times.append((time.perf_counter() - begun) * 1000)
    figure("register_xlsx", "p50", statistics.median(times), "ms")

    person = Person.objects.get(pk=LeaveRequest.objects.filter(agency=agency).values_list("person_id", flat=True)
                                .first())
    times = []
    for _n in range(args.repeat * 3):
        person = Person.objects.get(pk=person.pk)
        begun = time.perf_counter()
        selectors.balance(person, year)
        times.append((time.perf_counter() - begun) * 1000)
    figure("balance", "p50", statistics.median(times), "ms")
    figure("balance", "p95", p95(times), "ms")
    timing = time_page(signed_in(person), "/leave/", args.repeat)
    figure("home", "p95", timing.p95, "ms")
    figure("home", "queries", timing.queries, "queries")
    return 0


if __name__ == "__main__":
    sys.exit(main())

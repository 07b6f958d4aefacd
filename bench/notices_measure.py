"""Notices benchmark, run by bench/notices_bench.py in a process with DATABASE_URL set on a
generated province (generate_province, kept between runs).

    python bench/notices_measure.py --notices 50000 [--repeat 30]

Makes the largest agency 700 people (bulk inserts, once), and its notices (bulk, once): one in
ten to everyone, the others to one of its units, a position or a few people; the measured
person has read half of those he is sent. Then prints `bench notices.<what>.<db>.<stat> <value> <unit>`:
- publish700: the notice's own transaction (the notice, its event): p50 in ms;
- fanout700: publishing one notice to the whole agency through the services, with its event and
  the notifications app's subscriber writing one notification per addressee (run at the commit,
  in the same process; with the e-mails queued for those who want them): p50 and the largest, in
  ms, and the notifications written;
- list: the person's /notices/ page (pinned on top, unread first): p50/p95 in ms and queries;
- home: the home page (its notices box among the rest), made afresh each time: p95 in ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402
from pages import signed_in, time_page  # noqa: E402  (bench/pages.py)

from qlvb.core import personcache  # noqa: E402
from qlvb.core.actor import Actor  # noqa: E402
from qlvb.notices import services  # noqa: E402
from qlvb.notices.models import Audience, Notice, Receipt  # noqa: E402
from qlvb.notifications.models import Notification  # noqa: E402
from qlvb.org.models import Agency, Person, Position, Post, Unit  # noqa: E402

DB = connection.vendor
PEOPLE = 700


def figure(what: str, stat: str, value: float, unit: str) -> None:
    print(f"bench notices.{what}.{DB}.{stat} {value:.1f} {unit}", flush=True)


def note(text: str) -> None:
    print(f"# {text}", flush=True)


def agency_of_700() -> Agency:
    agency_id = (Post.objects.filter(end_date__isnull=True).values("agency_id").annotate(n=Count("id"))
                 .order_by("-n").values_list("agency_id", flat=True).first())
    agency = Agency.objects.get(pk=agency_id)
    have = Post.objects.filter(agency=agency, end_date__isnull=True).values("person_id").distinct().count()
    if have < PEOPLE:
        units = list(Unit.objects.filter(agency=agency, deleted_at__isnull=True))
        position = Position.objects.filter(agency=agency, kind=Position.Kind.SPECIALIST).first()
        assert position is not None and units
        # Members through their posts only (no `agency`): generate_province recognises its own
        # province by the people whose agency is of it, and must find it unchanged on the next run.
        people = Person.objects.bulk_create([
            Person(username=f"bench.notice.{agency.pk}.{n}", full_name=f"Chuyên viên thử {n}", agency=None,
                   password="!", must_change_password=False) for n in range(PEOPLE - have)])
        Post.objects.bulk_create([Post(person=p, agency=agency, unit=units[n % len(units)], position=position)
                                  for n, p in enumerate(people)])
        note(f"added {len(people)} people to {agency.name}")
    return agency


def generate(agency: Agency, total: int, reader: Person, sender: Person) -> None:
    have = Notice.objects.filter(agency=agency).count()
    if have >= total:
        note(f"{have} notices already generated")
        return
    rng = random.Random(18)
    units = list(Unit.objects.filter(agency=agency).values_list("pk", flat=True))
    positions = list(Position.objects.filter(agency=agency).values_list("pk", flat=True))
    people = list(Post.objects.filter(agency=agency, end_date__isnull=True).values_list("person_id", flat=True))
    now = timezone.now()
    batch = 5000
    for start in range(have, total, batch):
        rows = [Notice(agency=agency, title=f"Thông báo nội bộ số {n}", body="Nội dung thông báo.",
                       to_everyone=n % 10 == 0, pinned=n % 500 == 0, created_by=sender,
                       published_at=now - timedelta(minutes=total - n),
                       expires_on=None if n % 3 else (now + timedelta(days=rng.randint(-60, 60))).date())
                for n in range(start, min(total, start + batch))]
        made = Notice.objects.bulk_create(rows, batch_size=1000)
        audience, receipts = [], []
        for notice in made:
            if not notice.to_everyone:
                kind = rng.random()
                if kind < 0.5:
                    audience.append(Audience(notice=notice, unit_id=rng.choice(units)))
                elif kind < 0.7:
                    audience.append(Audience(notice=notice, position_id=rng.choice(positions)))
                else:
                    audience += [Audience(notice=notice, person_id=p) for p in rng.sample(people, 3)]
            if rng.random() < 0.5:
                receipts.append(Receipt(notice=notice, person=reader, read_at=now))
        Audience.objects.bulk_create(audience, batch_size=2000)
        Receipt.objects.bulk_create(receipts, batch_size=2000, ignore_conflicts=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE notices_notice; ANALYZE notices_audience; ANALYZE notices_receipt")
    note(f"generated {total - have} notices")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notices", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    settings.QLVB_KEEP_PAGES = False  # every request made afresh: the figures are of the work, not the cache
    agency = agency_of_700()
    office = Unit.objects.filter(agency=agency, kind=Unit.Kind.OFFICE).first()
    sender = Person.objects.filter(posts__unit=office, posts__end_date__isnull=True).first() if office else None
    reader = (Person.objects.filter(posts__agency=agency, posts__end_date__isnull=True,
                                    posts__position__kind=Position.Kind.SPECIALIST).order_by("pk").first())
    assert sender is not None and reader is not None
    generate(agency, args.notices, reader, sender)
    audience = Post.objects.filter(agency=agency, end_date__isnull=True).values("person_id").distinct().count()
    note(f"agency {agency.name}: {audience} people; {Notice.objects.filter(agency=agency).count()} notices")

    times, own, written = [], [], 0
    for n in range(5):
        before = Notification.objects.filter(kind=Notification.Kind.NOTICE).count()
        started = time.perf_counter()
        with transaction.atomic():  # the notice's own transaction; the notifications run at its commit
            services.publish(by=Actor(sender), agency=agency, title=f"Thông báo toàn cơ quan (đo) {n}",
                             to_everyone=True)
            own.append((time.perf_counter() - started) * 1000)
        times.append((time.perf_counter() - started) * 1000)
        written = Notification.objects.filter(kind=Notification.Kind.NOTICE).count() - before
    figure("publish700", "p50", statistics.median(own), "ms")
    figure("fanout700", "p50", statistics.median(times), "ms")
    figure("fanout700", "max", max(times), "ms")
    figure("fanout700", "notifications", written, "rows")

    client = signed_in(reader)
    list_timing = time_page(client, "/notices/", args.repeat)
    figure("list", "p50", list_timing.p50, "ms")
    figure("list", "p95", list_timing.p95, "ms")
    figure("list", "queries", list_timing.queries, "queries")
    times = []
    for _n in range(args.repeat):
        personcache.bump()
        started = time.perf_counter()
        assert client.get("/").status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    figure("home", "p95", times[max(0, int(len(times) * 0.95) - 1)], "ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

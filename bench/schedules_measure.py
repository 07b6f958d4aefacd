"""Schedules benchmark, run by bench/schedules_bench.py in a process with DATABASE_URL set on a
generated province (generate_province, kept between runs).

    python bench/schedules_measure.py --per-person 50 [--repeat 20]

Generates a year of schedules once (half a year back, half ahead; COPY on PostgreSQL, batched
inserts on SQLite; no events: the figures are about reading): every person has `per-person`
entries on working days, morning or afternoon — 65 % in their own schedule, 25 % in their unit's
(with a colleague), 10 % in the agency's (leaders') schedule chaired by one of its leaders, with
the person's unit taking part; every week of every agency's schedule is published. Then prints
`bench schedules.<what>.<db>.<statistic> <value> <unit>` for this week in the largest agency:
p50/p95 in ms and the query count, which must not grow with the data:
- agency_week_leader: /schedules/week/?s=agency as the agency head (with the double bookings);
- agency_week_specialist: the same page as a specialist;
- person_week: /schedules/week/?s=me of the specialist;
- unit_week: /schedules/week/?s=unit-<id> of the specialist's unit;
- ical_person, ical_unit: the iCalendar feeds (30 days back, 180 ahead) of the same;
- meetings_leader, meetings_specialist: /meetings/ (the upcoming meetings) of the same two people.
Meetings are generated too (generate_meetings, also into a database generated before they were):
every agency's Friday briefing chaired by its head with its leaders and unit heads invited, and
every unit's monthly meeting chaired by its head with the unit invited, each with its entry in
the schedules of the people concerned, as the meetings app makes it.
The pages are kept whole for their person until the next event (core.keptpages): each is measured
as served again (`<page>`) and made afresh at every request (`<page>_fresh`, as after a change).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from pages import signed_in, time_page  # noqa: E402  (bench/pages.py)

from qlvb.core.actor import Actor  # noqa: E402
from qlvb.meetings.models import Invitee, Meeting  # noqa: E402
from qlvb.org.models import Agency, Person, Position, Post  # noqa: E402
from qlvb.schedules import services  # noqa: E402
from qlvb.schedules.models import Attendee, Entry, FeedToken, Period, Scope  # noqa: E402

DB = connection.vendor
PEOPLE_A_BATCH = 2_000
TITLES = ["Họp giao ban", "Làm việc với Sở Tài chính về dự toán", "Kiểm tra tiến độ dự án", "Tiếp đoàn công tác",
          "Hội nghị sơ kết", "Dự họp UBND tỉnh", "Thẩm định hồ sơ", "Làm việc với UBND huyện",
          "Tập huấn nghiệp vụ", "Họp Hội đồng thi đua"]
PLACES = ["Phòng họp tầng 2", "Hội trường", "Phòng họp số 1", "UBND tỉnh", "Trực tuyến", ""]
ENTRY_COLUMNS = ["id", "agency_id", "scope", "unit_id", "period_id", "title", "place", "starts_at", "ends_at",
                 "chair_id", "chair_text", "guests", "preparing_unit_id", "documents", "notes", "sequence",
                 "created_by_id", "created_at", "updated_at"]

ATTENDEE_COLUMNS = ["entry_id", "person_id", "starts_at", "ends_at"]


def figure(what: str, stat: str, value: float, unit: str) -> None:
    print(f"bench schedules.{what}.{DB}.{stat} {value:.1f} {unit}".rstrip(), flush=True)


def note(text: str) -> None:
    print(f"# {text}", flush=True)


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        if DB == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _next_id(model) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def _reset_sequence(model) -> None:
    if DB == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")


def _working_days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)
            if (start + timedelta(days=i)).weekday() < 5]


def generate(per_person: int) -> None:
    if Entry.objects.exists():
        note(f"{Entry.objects.count()} entries already generated")
        return
    started = time.perf_counter()
    rng = random.Random(1)
    today = timezone.localdate()
    first, last = today - timedelta(days=182), today + timedelta(days=182)
    days = _working_days(first, last)
    posts = list(Post.objects.filter(end_date__isnull=True, person__is_active=True)
                 .values_list("person_id", "unit_id", "agency_id", "position__kind"))
    leaders: dict[int, list[int]] = defaultdict(list)
    by_unit: dict[int, list[int]] = defaultdict(list)
    seen: set[int] = set()
    people = []
    for person_id, unit_id, agency_id, kind in posts:
        if kind in (Position.Kind.AGENCY_HEAD, Position.Kind.AGENCY_DEPUTY):
            leaders[agency_id].append(person_id)
        by_unit[unit_id].append(person_id)
        if person_id not in seen:
            seen.add(person_id)
            people.append((person_id, unit_id, agency_id))
    head_of = dict(Post.objects.filter(end_date__isnull=True, position__kind=Position.Kind.AGENCY_HEAD)
                   .values_list("agency_id", "person_id"))
    # Every week of every agency's (leaders') schedule, published.
    now = timezone.now()
    weeks = sorted({d - timedelta(days=d.weekday()) for d in days})
    Period.objects.bulk_create([
        Period(agency_id=agency_id, scope=Scope.AGENCY, starts=monday, ends=monday + timedelta(days=6),
               status=Period.Status.PUBLISHED, published_by_id=head_of.get(agency_id), published_at=now)
        for agency_id in sorted({a for _p, _u, a in people}) for monday in weeks], batch_size=5_000)
    period_of = {(a, s): pk for pk, a, s in Period.objects.filter(scope=Scope.AGENCY)
                 .values_list("pk", "agency_id", "starts")}
    next_entry = _next_id(Entry)
    attendee_table, units_table = Attendee._meta.db_table, Entry.units.through._meta.db_table
    made = 0
    for offset in range(0, len(people), PEOPLE_A_BATCH):
        entries, attendees, units = [], [], []
        for person_id, unit_id, agency_id in people[offset:offset + PEOPLE_A_BATCH]:
            for day in rng.sample(days, min(per_person, len(days))):
                hour = rng.choice([8, 9, 14, 15])
                starts = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))
                ends = starts + timedelta(hours=rng.choice([1, 2, 3]))
                roll = rng.random()
                pk = next_entry
                next_entry += 1
                title, place = rng.choice(TITLES), rng.choice(PLACES)
                if roll < 0.10 and leaders.get(agency_id):
                    monday = day - timedelta(days=day.weekday())
                    entries.append((pk, agency_id, Scope.AGENCY.value, None, period_of[(agency_id, monday)], title,
                                    place, starts, ends, rng.choice(leaders[agency_id]), "", "", unit_id, "", "", 0,
                                    person_id, now, now))
                    units.append((pk, unit_id))
                    attendees.append((pk, person_id))
                elif roll < 0.35:
                    entries.append((pk, agency_id, Scope.UNIT.value, unit_id, None, title, place, starts, ends, None,
                                    "", "", None, "", "", 0, person_id, now, now))
                    attendees.append((pk, person_id))
                    colleague = rng.choice(by_unit[unit_id])
                    if colleague != person_id:
                        attendees.append((pk, colleague))
                else:
                    entries.append((pk, agency_id, Scope.PERSONAL.value, None, None, title, place, starts, ends,
                                    None, "", "", None, "", "", 0, person_id, now, now))
                    attendees.append((pk, person_id))
        times = {row[0]: (row[7], row[8]) for row in entries}
        with transaction.atomic():
            _insert(Entry._meta.db_table, ENTRY_COLUMNS, entries)
            _insert(attendee_table, ATTENDEE_COLUMNS, [(e, p, *times[e]) for e, p in attendees])
            _insert(units_table, ["entry_id", "unit_id"], units)
        made += len(entries)
        note(f"{made} entries ({time.perf_counter() - started:.0f} s)")
    for model in (Entry, Attendee, Entry.units.through):
        _reset_sequence(model)
    note(f"generated {made} entries in {time.perf_counter() - started:.0f} s")
    analyse()


MEETING_COLUMNS = ["id", "agency_id", "kind", "title", "starts_at", "ends_at", "place", "chair_id", "secretary_id",
                   "organising_unit_id", "status", "schedule_entry_id", "cancel_reason", "created_by_id", "created_at"]
INVITEE_COLUMNS = ["meeting_id", "person_id", "unit_id", "answer", "note"]


def generate_meetings() -> None:
    """A year of the Friday briefings (giao ban) of every agency and of the monthly meetings of
    every unit, with their invitees and their entries in the people's schedules."""
    if Meeting.objects.exists():
        note(f"{Meeting.objects.count()} meetings already generated")
        return
    started = time.perf_counter()
    rng = random.Random(2)
    today = timezone.localdate()
    days = _working_days(today - timedelta(days=182), today + timedelta(days=182))
    now = timezone.now()
    heads: dict[int, int] = {}
    leaders: dict[int, list[int]] = defaultdict(list)
    unit_heads: dict[int, int] = {}
    first_unit: dict[int, int] = {}
    members: dict[int, list[int]] = defaultdict(list)
    for person_id, unit_id, agency_id, kind in (Post.objects.filter(end_date__isnull=True, person__is_active=True)
                                                .order_by("unit__order", "unit_id", "id")
                                                .values_list("person_id", "unit_id", "agency_id", "position__kind")):
        first_unit.setdefault(agency_id, unit_id)
        members[unit_id].append(person_id)
        if kind == Position.Kind.AGENCY_HEAD:
            heads[agency_id] = person_id
        if kind in (Position.Kind.AGENCY_HEAD, Position.Kind.AGENCY_DEPUTY):
            leaders[agency_id].append(person_id)
        if kind == Position.Kind.UNIT_HEAD:
            unit_heads.setdefault(unit_id, person_id)
    agency_of = dict(Post.objects.filter(end_date__isnull=True).values_list("unit_id", "agency_id"))
    next_meeting, next_entry = _next_id(Meeting), _next_id(Entry)
    meetings, invitees, entries, attendees, entry_units = [], [], [], [], []

    def add(agency_id: int, kind: str, title: str, starts: datetime, hours: int, chair: int, unit_id: int,
            people: list[int], units: list[int]) -> None:
        nonlocal next_meeting, next_entry
        meeting_id, entry_id = next_meeting, next_entry
        next_meeting += 1
        next_entry += 1
        ends = starts + timedelta(hours=hours)
        status = Meeting.Status.INVITED if ends > now else Meeting.Status.CLOSED
        secretary = rng.choice(members[unit_id])
        meetings.append((meeting_id, agency_id, kind, title, starts, ends, "Phòng họp số 1", chair, secretary, unit_id,
                         status.value, entry_id, "", secretary, now))
        answered = status == Meeting.Status.CLOSED
        invitees.extend((meeting_id, p, None, "accepted" if answered else "pending", "") for p in people)
        invitees.extend((meeting_id, None, u, "accepted" if answered else "pending", "") for u in units)
        entries.append((entry_id, agency_id, Scope.PERSONAL.value, None, None, title, "Phòng họp số 1", starts, ends,
                        chair, "", "", unit_id, "", "Cuộc họp", 0, secretary, now, now))
        attendees.extend((entry_id, p) for p in sorted({*people, *(unit_heads[u] for u in units if u in unit_heads),
                                                        secretary}))
        entry_units.extend((entry_id, u) for u in units)

    for agency_id, head in sorted(heads.items()):
        invited = sorted({*leaders[agency_id], *(h for u, h in unit_heads.items() if agency_of.get(u) == agency_id)}
                         - {head})
        for day in days:
            if day.weekday() == 4:
                starts = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=14))
                add(agency_id, Meeting.Kind.BRIEFING.value, f"Giao ban tuần {day:%d/%m/%Y}", starts, 2, head,
                    first_unit[agency_id], invited, [])
    for unit_id, head in sorted(unit_heads.items()):
        months = sorted({(d.year, d.month) for d in days})
        for year, month in months:
            day = next(d for d in days if (d.year, d.month) == (year, month))
            starts = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=8))
            add(agency_of[unit_id], Meeting.Kind.UNIT_MONTHLY.value, f"Họp phòng tháng {month}/{year}", starts, 2,
                head, unit_id, [], [unit_id])
    with transaction.atomic():
        _insert(Entry._meta.db_table, ENTRY_COLUMNS, entries)
        times = {row[0]: (row[7], row[8]) for row in entries}
        _insert(Attendee._meta.db_table, ATTENDEE_COLUMNS, [(e, p, *times[e]) for e, p in attendees])
        _insert(Entry.units.through._meta.db_table, ["entry_id", "unit_id"], entry_units)
        _insert(Meeting._meta.db_table, MEETING_COLUMNS, meetings)
        _insert(Invitee._meta.db_table, INVITEE_COLUMNS, invitees)
    for model in (Entry, Attendee, Entry.units.through, Meeting, Invitee):
        _reset_sequence(model)
    note(f"generated {len(meetings)} meetings, {len(invitees)} invitees in {time.perf_counter() - started:.0f} s")
    analyse()


def analyse() -> None:
    """Fresh planner statistics after the bulk insert (see bench/tasks_measure.py)."""
    with connection.cursor() as cursor:
        for model in (Entry, Attendee, Entry.units.through, Period, Meeting, Invitee):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"VACUUM ANALYZE {table}" if DB == "postgresql" else f"ANALYZE {table}")


def measure(client: Client, what: str, url: str, repeat: int, *, fresh: bool = False) -> None:
    """`fresh`: each request makes the page afresh (as after any change: pages are otherwise kept
    whole for their person until the next event, core.keptpages)."""
    from django.conf import settings

    if fresh:
        settings.QLVB_KEEP_PAGES = False
        what = f"{what}_fresh"
    try:
        _measure(client, what, url, repeat)
    finally:
        settings.QLVB_KEEP_PAGES = True


def _measure(client: Client, what: str, url: str, repeat: int) -> None:
    timing = time_page(client, url, repeat)
    figure(what, "p50", timing.p50, "ms")
    figure(what, "p95", timing.p95, "ms")
    figure(what, "queries", timing.queries, "count")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-person", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    generate(args.per_person)
    generate_meetings()
    agency_id = (Post.objects.filter(end_date__isnull=True).values("agency_id").annotate(n=Count("id"))
                 .order_by("-n").values_list("agency_id", flat=True).first())
    agency = Agency.objects.get(pk=agency_id)
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    head = Person.objects.get(posts__agency=agency, posts__end_date__isnull=True,
                              posts__position__kind=Position.Kind.AGENCY_HEAD)
    # The specialist of the agency with the most entries this week.
    week = Attendee.objects.filter(entry__agency=agency, entry__starts_at__gte=timezone.make_aware(
        datetime.combine(monday, datetime.min.time())), entry__starts_at__lt=timezone.make_aware(
        datetime.combine(monday + timedelta(days=7), datetime.min.time())),
        person__posts__position__kind=Position.Kind.SPECIALIST, person__posts__end_date__isnull=True)
    busiest = week.values("person_id").annotate(n=Count("id")).order_by("-n").first()
    assert busiest, "no entries this week"
    person = Person.objects.get(pk=busiest["person_id"])
    unit_id = Post.objects.filter(person=person, end_date__isnull=True).values_list("unit_id", flat=True).first()
    agency_week = Entry.objects.filter(agency=agency, scope=Scope.AGENCY, period__starts=monday).count()
    unit_week = Entry.objects.filter(unit_id=unit_id, period__isnull=True, starts_at__gte=timezone.make_aware(
        datetime.combine(monday, datetime.min.time()))).filter(starts_at__lt=timezone.make_aware(
            datetime.combine(monday + timedelta(days=7), datetime.min.time()))).count()
    note(f"{Entry.objects.count()} entries, {Attendee.objects.count()} attendees; in {agency.code} this week: "
         f"{agency_week} in the leaders' schedule, {unit_week} in the specialist's unit's, {busiest['n']} his")
    Person.objects.filter(pk__in=[person.pk, head.pk]).update(must_change_password=False)
    person.refresh_from_db()
    head.refresh_from_db()
    day = today.isoformat()
    boss, specialist = signed_in(head), signed_in(person)
    for fresh in (False, True):
        measure(boss, "agency_week_leader", f"/schedules/week/?s=agency&d={day}", args.repeat, fresh=fresh)
        measure(specialist, "agency_week_specialist", f"/schedules/week/?s=agency&d={day}", args.repeat,
                fresh=fresh)
        measure(specialist, "person_week", f"/schedules/week/?s=me&d={day}", args.repeat, fresh=fresh)
        measure(specialist, "unit_week", f"/schedules/week/?s=unit-{unit_id}&d={day}", args.repeat, fresh=fresh)
    from qlvb.org.models import Unit

    feed_client = Client()
    personal = services.reset_feed_token(by=Actor(person), feed=FeedToken.Feed.PERSONAL)
    measure(feed_client, "ical_person", f"/schedules/feed/{personal}.ics", args.repeat)
    unit_token = services.reset_feed_token(by=Actor(person), feed=FeedToken.Feed.UNIT,
                                           unit=Unit.objects.get(pk=unit_id))
    measure(feed_client, "ical_unit", f"/schedules/feed/{unit_token}.ics", args.repeat)
    for fresh in (False, True):
        measure(boss, "meetings_leader", "/meetings/", args.repeat, fresh=fresh)
        measure(specialist, "meetings_specialist", "/meetings/", args.repeat, fresh=fresh)


if __name__ == "__main__":
    main()

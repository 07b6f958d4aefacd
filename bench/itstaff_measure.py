"""IT staff benchmark, run by bench/itstaff_bench.py in a process with DATABASE_URL set.

    python bench/itstaff_measure.py --agencies 100 --incidents 20000 [--repeat 30]

Makes (bulk, once) the agencies, each with its office, a leader and three IT staff members (one
in five agencies below the standard), certificates and meetings, a report round with half the
agencies' reports, and the incidents; Sở TT&TT is named the Department. Then prints
`bench itstaff.<what>.<db>.<stat> <value> <unit>`:
- department: the Department's /itstaff/ page (every agency, flags and reasons): p50/p95 in ms
  and queries;
- round: the compiled table of the round (every agency's state): p95 in ms and queries;
- incidents: the incidents page with the year's statistics by agency and kind: p95 in ms and queries.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from pages import signed_in, time_page  # noqa: E402  (bench/pages.py)

from qlvb.core.models import Parameter  # noqa: E402
from qlvb.itstaff.models import Certificate, Incident, Report, ReportTemplate, Staff, Training  # noqa: E402
from qlvb.itstaff.rules import PARAMETER  # noqa: E402
from qlvb.org.models import Agency, Person, Position, Post, Unit  # noqa: E402

DB = connection.vendor
PREFIX = "bench.it."


def figure(what: str, stat: str, value: float, unit: str) -> None:
    print(f"bench itstaff.{what}.{DB}.{stat} {value:.1f} {unit}", flush=True)


def note(text: str) -> None:
    print(f"# {text}", flush=True)


def generate(count: int, incidents: int) -> Person:
    """The agencies (once) and the Department's specialist who measures."""
    have = Agency.objects.filter(code__startswith="999.00.").count()
    if have < count:
        rng = random.Random(27)
        agencies = Agency.objects.bulk_create([
            Agency(code=f"999.00.{n:02d}.H51", abbreviation=f"SX{n}", name=f"Sở thử nghiệm {n} tỉnh Sơn La")
            for n in range(have, count)])
        offices = Unit.objects.bulk_create([Unit(agency=a, name="Văn phòng", abbreviation="VP", kind=Unit.Kind.OFFICE)
                                            for a in agencies])
        positions = Position.objects.bulk_create([Position(agency=a, name="Chuyên viên",
                                                           kind=Position.Kind.SPECIALIST) for a in agencies])
        people = Person.objects.bulk_create([
            Person(username=f"{PREFIX}{a.pk}.{k}", full_name=f"Cán bộ CNTT {a.pk}.{k}", agency=a, password="!",
                   must_change_password=False) for a in agencies for k in range(4)])
        Post.objects.bulk_create([Post(person=p, agency=p.agency, unit=offices[i // 4], position=positions[i // 4])
                                  for i, p in enumerate(people)])
        creator = people[0]
        staff = Staff.objects.bulk_create([
            Staff(agency=p.agency, person=p, unit=offices[i // 4], post_title="Chuyên viên, Văn phòng",
                  degree="university" if (i // 4) % 5 else "college", field_of_study="Công nghệ thông tin",
                  field_is_it=True, full_time_study=True, decision_kind="outgoing", decision_id=1,
                  decision_label="QĐ phân công")
            for i, p in enumerate(people) if i % 4])
        Certificate.objects.bulk_create([Certificate(staff=s, name="CCNA", issued_on=date(2024, 1, 1))
                                         for s in staff])
        Training.objects.bulk_create([Training(staff=s, kind="meeting", title="Giao ban CNTT",
                                               held_on=date(2026, 7, 10), attended=rng.random() < 0.8)
                                      for s in staff])
        template = ReportTemplate.objects.filter(period="year", year=2026).first() or ReportTemplate.objects.create(
            agency=agencies[0], title="Báo cáo ứng dụng CNTT năm 2026", period="year", year=2026,
            deadline=date(2026, 12, 15), sections=[{"key": f"s{k}", "label": f"Mục {k}"} for k in range(1, 6)],
            created_by=creator)
        Report.objects.bulk_create([Report(template=template, agency=a, status="submitted",
                                           answers={f"s{k}": "Nội dung" for k in range(1, 6)},
                                           submitted_at=timezone.now(), created_by=creator)
                                    for a in agencies[::2]])
        now = timezone.now()
        Incident.objects.bulk_create([
            Incident(agency=rng.choice(agencies), kind=rng.choice(["server", "wan", "line", "security", "other"]),
                     title="Sự cố thử", occurred_at=now - timedelta(minutes=rng.randint(10, 60 * 24 * 700)),
                     closed_at=None if rng.random() < 0.05 else now, reported_by=creator)
            for _ in range(incidents)], batch_size=2000)
        note(f"generated {len(agencies)} agencies, {len(staff)} IT staff, {incidents} incidents")
    department = Agency.objects.get(code="999.00.00.H51")
    Parameter.objects.update_or_create(name=PARAMETER, defaults={"value": department.pk})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE itstaff_staff; ANALYZE itstaff_incident; ANALYZE itstaff_report")
    person = Person.objects.filter(username__startswith=f"{PREFIX}{department.pk}.").order_by("pk").first()
    assert person is not None
    return person


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=100)
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    settings.QLVB_KEEP_PAGES = False  # every request made afresh
    person = generate(args.agencies, args.incidents)
    note(f"{Agency.objects.filter(is_active=True).count()} agencies, {Staff.objects.count()} IT staff, "
         f"{Incident.objects.count()} incidents")
    client = signed_in(person)
    timing = time_page(client, "/itstaff/", args.repeat)
    figure("department", "p50", timing.p50, "ms")
    figure("department", "p95", timing.p95, "ms")
    figure("department", "queries", timing.queries, "queries")
    template = ReportTemplate.objects.get(period="year", year=2026)
    timing = time_page(client, f"/itstaff/reports/rounds/{template.pk}/", args.repeat)
    figure("round", "p95", timing.p95, "ms")
    figure("round", "queries", timing.queries, "queries")
    timing = time_page(client, "/itstaff/incidents/?from=2025-01-01", args.repeat)
    figure("incidents", "p95", timing.p95, "ms")
    figure("incidents", "queries", timing.queries, "queries")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Hand-over benchmark, run by bench/handover_bench.py in a process with DATABASE_URL set on a
generated province (generate_province, kept between runs).

    python bench/handover_measure.py --items 5000 [--repeat 3]

Makes two specialists of the largest agency's first unit (once) and gives the first `--items` open
items in bulk (once): half incoming tasks (one document each, main handler), a fifth drafts, a
fifth tasks he owns, a tenth dossiers he keeps. Each run hands everything over to the other, and
back on the next repeat (so the items stay open between runs). Prints
`bench handover.<what>.<db>.<stat> <value> <unit>`:
- handover: the whole hand-over (every provider, one event per item, the record), in one
  transaction, through handover.services.hand_over: each repeat's seconds and the largest;
- items, events: what one hand-over moved and the events it recorded;
- per_event: the hand-over's time divided by its events, in ms (the chain's cost per item);
- events_only: N events recorded in one transaction on one agency's chain, without any change
  (the event chain's own cost, its in-transaction subscribers included), per event, in ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from qlvb.core import events, handover  # noqa: E402
from qlvb.core.actor import Actor  # noqa: E402
from qlvb.core.models import Event  # noqa: E402
from qlvb.dossiers.models import Dossier  # noqa: E402
from qlvb.handover import services  # noqa: E402
from qlvb.incoming.models import Assignment, DocumentAccess, IncomingDocument  # noqa: E402
from qlvb.org.models import Agency, Person, Position, Post, Unit  # noqa: E402
from qlvb.outgoing.models import OutgoingAccess, OutgoingDocument  # noqa: E402
from qlvb.tasks.models import Task  # noqa: E402

DB = connection.vendor


def figure(what: str, stat: str, value: float, unit: str) -> None:
    print(f"bench handover.{what}.{DB}.{stat} {value:.1f} {unit}", flush=True)


def note(text: str) -> None:
    print(f"# {text}", flush=True)


def people() -> tuple[Agency, Unit, Person, Person, Person]:
    """The largest agency, its first ordinary unit, the two specialists and the unit's head."""
    agency_id = (Post.objects.filter(end_date__isnull=True).values("agency_id").annotate(n=Count("id"))
                 .order_by("-n").values_list("agency_id", flat=True).first())
    agency = Agency.objects.get(pk=agency_id)
    unit = Unit.objects.filter(agency=agency, kind=Unit.Kind.DEPARTMENT, deleted_at__isnull=True).order_by("pk").first()
    assert unit is not None
    specialist = Position.objects.filter(agency=agency, kind=Position.Kind.SPECIALIST).first()
    head_kind = Position.objects.filter(agency=agency, kind=Position.Kind.AGENCY_HEAD).first()
    assert specialist is not None and head_kind is not None
    pair = []
    for n in (1, 2):
        # Members through their posts only (no `agency`): generate_province recognises its own
        # province by the people whose agency is of it, and must find it unchanged on the next run.
        person, made = Person.objects.get_or_create(
            username=f"bench.handover.{agency.pk}.{n}",
            defaults={"full_name": f"Chuyên viên bàn giao {n}", "password": "!", "must_change_password": False})
        if made:
            Post.objects.create(person=person, agency=agency, unit=unit, position=specialist)
        pair.append(person)
    leader = Person.objects.filter(posts__agency=agency, posts__position=head_kind,
                                   posts__end_date__isnull=True).first()
    assert leader is not None
    return agency, unit, pair[0], pair[1], leader


def holder(agency: Agency, a: Person, b: Person) -> tuple[Person, Person]:
    """Who holds the items now (they move back and forth between the two)."""
    if handover.open_total(a, agency.pk) >= handover.open_total(b, agency.pk):
        return a, b
    return b, a


def generate(agency: Agency, unit: Unit, person: Person, leader: Person, total: int) -> None:
    have = handover.open_total(person, agency.pk)
    if have >= total:
        note(f"{have} open items already generated")
        return
    now, today = timezone.now(), timezone.localdate()
    total -= have  # the items made by an earlier, smaller run stay
    n_incoming, n_drafts, n_tasks = total // 2, total // 5, total // 5
    n_dossiers = total - n_incoming - n_drafts - n_tasks
    documents = IncomingDocument.objects.bulk_create([
        IncomingDocument(agency=agency, status=IncomingDocument.Status.IN_PROGRESS, issuer_name="UBND tỉnh Sơn La",
                         document_date=today, doc_type="CV", summary=f"V/v bàn giao thử {n}", created_by=leader,
                         received_at=now - timedelta(minutes=n))
        for n in range(n_incoming)], batch_size=2000)
    Assignment.objects.bulk_create([
        Assignment(document=d, agency=agency, assigned_by=leader, assignee_person=person, role="main",
                   state=Assignment.State.IN_PROGRESS, received_at=d.received_at, deadline=today + timedelta(days=5))
        for d in documents], batch_size=2000)
    DocumentAccess.objects.bulk_create([DocumentAccess(document=d, person=person, reason="assigned")
                                        for d in documents], batch_size=2000)
    drafts = OutgoingDocument.objects.bulk_create([
        OutgoingDocument(agency=agency, drafting_unit=unit, drafter=person, doc_type="CV",
                         summary=f"V/v dự thảo bàn giao thử {n}") for n in range(n_drafts)], batch_size=2000)
    OutgoingAccess.objects.bulk_create([OutgoingAccess(document=d, person=person, reason="drafter") for d in drafts],
                                       batch_size=2000)
    Task.objects.bulk_create([
        Task(agency=agency, title=f"Nhiệm vụ bàn giao thử {n}", assigned_by=leader, owner_person=person, unit=unit,
             deadline=today + timedelta(days=10)) for n in range(n_tasks)], batch_size=2000)
    Dossier.objects.bulk_create([
        Dossier(agency=agency, year=today.year, code=f"BG.{person.pk}.{have}.{n}", title=f"Hồ sơ bàn giao thử {n}",
                owner=person, status=Dossier.Status.OPEN, opened_at=now) for n in range(n_dossiers)], batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE incoming_assignment; ANALYZE outgoing_outgoingdocument; ANALYZE tasks_task; "
                           "ANALYZE dossiers_dossier")
    note(f"generated {n_incoming} incoming tasks, {n_drafts} drafts, {n_tasks} tasks, {n_dossiers} dossiers")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    agency, unit, a, b, leader = people()
    generate(agency, unit, *holder(agency, a, b)[:1], leader, args.items)
    seconds = []
    for _n in range(args.repeat):
        person, successor = holder(agency, a, b)
        before = Event.objects.count()
        started = time.perf_counter()
        record = services.hand_over(by=Actor(leader), person=person, agency=agency, successor=successor,
                                    note="Đo hiệu năng bàn giao")
        seconds.append(time.perf_counter() - started)
        recorded = Event.objects.count() - before
        note(f"{record.total} items {person.username} → {successor.username} in {seconds[-1]:.2f} s: {record.counts}")
        assert handover.open_total(person, agency.pk) == 0
    figure("handover", "seconds", seconds[-1], "s")
    figure("handover", "max", max(seconds), "s")
    figure("handover", "items", record.total, "items")
    figure("handover", "events", recorded, "events")
    figure("handover", "per_event", seconds[-1] * 1000 / max(recorded, 1), "ms")
    n = min(args.items, 2000)
    started = time.perf_counter()
    with transaction.atomic():
        for i in range(n):
            events.record(verb="bench.handover_event", actor=Actor(leader), agency=agency, data={"n": i})
    figure("events_only", "per_event", (time.perf_counter() - started) * 1000 / n, "ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How each kind of work becomes statistics rows (models.Item): read from the owning app's tables,
many sources at a time (the subscriber passes one, the rebuild thousands).

What is counted, and where (docs/statistics.md):
- incoming: every registered document, not recalled; its unit is the one holding its main task
  (the first routed), its person the latest main handler below it; on time or late by the
  document's handling deadline (set in working days when it is routed) and its completion;
- outgoing: every draft not cancelled, under its drafting unit and drafter; done when issued, late
  if issued after its handling deadline; where it waits (status, holder) for the oversight;
- review: every review step that was given to its reviewer (a due date was set), counted on the
  day it fell due; late if acted on after that day (the review days are working days);
- task: every task given by a leader or a unit head (not the sub-tasks a unit splits it into),
  under its owner; its source (instruction, meeting conclusion, programme item…) is its category;
- leave: every leave request (not one withdrawn before it was decided), under the person who asked
  and his unit; decided (approved, refused, or the director's own announced) on or before its
  first day is on time; its kind of leave is its category;
- itreport: every IT report an agency has begun for a round, from the day the round was published
  to its deadline; done when submitted (a report returned for completion is open again), late if
  first submitted after the deadline (as the round's compiled table says);
- itincident: every IT incident, from its occurrence to its closure, by its kind; late if the
  Department was told more than REPORT_WITHIN after it occurred (004 Đ7.2 "kịp thời").

Leave, IT reports and IT incidents are private (`Source.private`): each row is `secret` — never in a
tally — and a figure counts only the rows whose request, report or incident the viewer may open
(the kind's rule in core.kinds; docs/statistics.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from qlvb.core import rows
from qlvb.incoming.models import Assignment, IncomingDocument
from qlvb.itstaff.models import Incident, Report
from qlvb.leave.models import LeaveRequest
from qlvb.org.models import Post
from qlvb.outgoing.models import OutgoingDocument, ReviewStep
from qlvb.statistics.models import Item
from qlvb.tasks.models import Task

DONE, OPEN = Item.State.DONE, Item.State.OPEN


def _day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


def _opened(moment: datetime) -> date:
    return timezone.localdate(moment)


def _late(deadline: date | None, closed_on: date | None) -> bool:
    return bool(deadline and closed_on and closed_on > deadline)


def _home_units(agency_people: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """(agency, person) → the unit of the person's post there (the first, for two posts)."""
    pairs = set(agency_people)
    if not pairs:
        return {}
    found: dict[tuple[int, int], int] = {}
    for agency_id, person_id, unit_id in (Post.objects.filter(person_id__in={p for _, p in pairs})
                                          .order_by("is_concurrent", "pk")
                                          .values_list("agency_id", "person_id", "unit_id")):
        found.setdefault((agency_id, person_id), unit_id)
    return found


def _incoming_rows(ids: Any) -> QuerySet[Any]:
    # One query, the routing tree read by subqueries: the subscriber runs on every routing.
    mains = Assignment.objects.filter(document=OuterRef("pk"), role=Assignment.Role.MAIN).exclude(
        state=Assignment.State.WITHDRAWN)
    first_unit = mains.filter(assignee_unit__isnull=False).order_by("created_at", "pk").values("assignee_unit_id")
    last_person = mains.filter(assignee_person__isnull=False).order_by("-created_at", "-pk")
    return IncomingDocument.objects.filter(pk__in=ids).exclude(
        status__in=[IncomingDocument.Status.DRAFT, IncomingDocument.Status.CANCELLED]).annotate(
        main_unit=Subquery(first_unit[:1]), main_person=Subquery(last_person.values("assignee_person_id")[:1]),
        via_unit=Subquery(last_person.values("via_unit_id")[:1])).order_by().values(
        "pk", "agency_id", "field_id", "doc_type", "urgency", "secrecy", "received_at", "deadline", "status",
        "completed_at", "completed_late", "number", "notation", "summary", "main_unit", "main_person", "via_unit")


# The subscriber reads one document on every registration and routing: compiled once (a rebuild's
# thousands go through the ORM, core.rows.Read.LONGEST).
_INCOMING = rows.Read(_incoming_rows, list)


def incoming(ids: list[int]) -> list[Item]:
    documents = _INCOMING.dicts(ids)
    # Routed by a leader straight to a person: the unit of the person's post.
    homes = _home_units((d["agency_id"], d["main_person"]) for d in documents
                        if d["main_person"] and not d["main_unit"] and not d["via_unit"])
    items = []
    for d in documents:
        person_id = d["main_person"]
        unit_id: int | None = d["main_unit"] or d["via_unit"]
        if unit_id is None and person_id is not None:
            unit_id = homes.get((d["agency_id"], person_id))
        done = d["status"] == IncomingDocument.Status.COMPLETED
        reference = (f"{d['number']}/{d['notation']}" if d["number"] and d["notation"]
                     else (d["number"] or d["notation"]))
        items.append(Item(
            kind=Item.Kind.INCOMING, source_id=d["pk"], document_id=d["pk"], agency_id=d["agency_id"],
            unit_id=unit_id, person_id=person_id, field_id=d["field_id"], doc_type=d["doc_type"],
            urgency=d["urgency"], secret=bool(d["secrecy"]), opened_on=_opened(d["received_at"]),
            deadline=d["deadline"], closed_on=_day(d["completed_at"]) if done else None,
            state=DONE if done else OPEN, late=bool(done and d["completed_late"]), status=d["status"],
            reference=reference[:60], title=d["summary"][:300]))
    return items


def _holder(status: str, drafter_id: int, signer_id: int | None, reviewer_id: int | None) -> int | None:
    """Who the draft waits for: the drafter while it is drafted or returned, the reviewer of the
    step in hand, the signer once approved; signed, it waits for the office (no one person)."""
    S = OutgoingDocument.Status
    if status in (S.DRAFT, S.RETURNED):
        return drafter_id
    if status == S.IN_REVIEW:
        return reviewer_id
    if status == S.APPROVED:
        return signer_id
    return None


def outgoing(ids: list[int]) -> list[Item]:
    pending = ReviewStep.objects.filter(document=OuterRef("pk"), state=ReviewStep.State.PENDING).order_by(
        "round", "order").values("reviewer_id")[:1]
    documents = list(OutgoingDocument.objects.filter(pk__in=ids).exclude(
        status=OutgoingDocument.Status.CANCELLED).annotate(pending_reviewer=Subquery(pending)).values(
        "pk", "agency_id", "drafting_unit_id", "drafter_id", "signer_id", "field_id", "doc_type", "urgency",
        "secrecy", "created_at", "deadline", "status", "issued_at", "number", "notation", "summary", "updated_at",
        "pending_reviewer"))
    if not documents:
        return []
    reviewers = {d["pk"]: d["pending_reviewer"] for d in documents}
    items = []
    for d in documents:
        done = d["status"] == OutgoingDocument.Status.ISSUED
        closed_on = _day(d["issued_at"]) if done else None
        items.append(Item(
            kind=Item.Kind.OUTGOING, source_id=d["pk"], document_id=d["pk"], agency_id=d["agency_id"],
            unit_id=d["drafting_unit_id"], person_id=d["drafter_id"], field_id=d["field_id"],
            doc_type=d["doc_type"], urgency=d["urgency"], secret=bool(d["secrecy"]), opened_on=_opened(d["created_at"]),
            deadline=d["deadline"], closed_on=closed_on, state=DONE if done else OPEN,
            late=_late(d["deadline"], closed_on), status=d["status"],
            holder_id=None if done else _holder(d["status"], d["drafter_id"], d["signer_id"], reviewers.get(d["pk"])),
            held_since=None if done else d["updated_at"],
            reference=(f"{d['number']:02d}/{d['notation']}" if d["number"] is not None else "")[:60],
            title=d["summary"][:300]))
    return items


def review_steps(document_id: int) -> QuerySet[ReviewStep, Any]:
    """The ids of a draft's review steps, as a subquery."""
    return ReviewStep.objects.filter(document_id=document_id).values("pk")


def reviews(ids: list[int]) -> list[Item]:
    """The review steps `ids` (of any document) that were given to their reviewer."""
    return _reviews(ReviewStep.objects.filter(pk__in=ids))


def reviews_of(document_id: int) -> list[Item]:
    return _reviews(ReviewStep.objects.filter(document_id=document_id))


def _reviews(steps_asked: QuerySet[ReviewStep]) -> list[Item]:
    S = ReviewStep.State
    # The reviewer's unit: their post in the document's agency (the first, for two posts).
    home = Post.objects.filter(person=OuterRef("reviewer_id"), agency=OuterRef("document__agency_id")).order_by(
        "is_concurrent", "pk").values("unit_id")[:1]
    steps = list(steps_asked.filter(due_date__isnull=False, state__in=[S.PENDING, S.APPROVED, S.RETURNED])
                 .exclude(document__status=OutgoingDocument.Status.CANCELLED).annotate(home=Subquery(home)).values(
        "pk", "document_id", "kind", "reviewer_id", "due_date", "acted_at", "state", "document__agency_id",
        "document__field_id", "document__doc_type", "document__urgency", "document__secrecy",
        "document__summary", "home"))
    items = []
    for s in steps:
        done = s["state"] != S.PENDING
        closed_on = _day(s["acted_at"]) if done else None
        items.append(Item(
            kind=Item.Kind.REVIEW, source_id=s["pk"], document_id=s["document_id"],
            agency_id=s["document__agency_id"], unit_id=s["home"],
            person_id=s["reviewer_id"], field_id=s["document__field_id"], doc_type=s["document__doc_type"],
            urgency=s["document__urgency"], secret=bool(s["document__secrecy"]), category=s["kind"],
            opened_on=s["due_date"] or _opened(timezone.now()), deadline=s["due_date"], closed_on=closed_on,
            state=DONE if done else OPEN,
            late=_late(s["due_date"], closed_on), status=s["state"], title=s["document__summary"][:300]))
    return items


def tasks(ids: list[int]) -> list[Item]:
    rows = list(Task.objects.filter(pk__in=ids, parent__isnull=True).exclude(status=Task.Status.WITHDRAWN).values(
        "pk", "agency_id", "owner_unit_id", "unit_id", "owner_person_id", "source", "source_ref", "created_at",
        "deadline", "status", "completed_at", "title"))
    items = []
    for t in rows:
        done = t["status"] == Task.Status.DONE
        closed_on = _day(t["completed_at"]) if done else None
        items.append(Item(
            kind=Item.Kind.TASK, source_id=t["pk"], document_id=t["pk"], agency_id=t["agency_id"],
            unit_id=t["owner_unit_id"] or t["unit_id"], person_id=t["owner_person_id"], category=t["source"],
            opened_on=_opened(t["created_at"]), deadline=t["deadline"], closed_on=closed_on,
            state=DONE if done else OPEN, late=_late(t["deadline"], closed_on), status=t["status"],
            reference=t["source_ref"][:60], title=t["title"][:300]))
    return items


def leave(ids: list[int]) -> list[Item]:
    """Leave requests: opened the day asked, due on the first day of leave (or the day asked, for
    an emergency entered afterwards: it cannot be decided before it is asked), closed when
    decided. Withdrawn before a decision, a request is not counted."""
    S = LeaveRequest.Status
    requests = LeaveRequest.objects.filter(pk__in=ids).values(
        "pk", "agency_id", "unit_id", "person_id", "kind", "start", "end", "status", "decided_at", "created_at")
    items = []
    for r in requests:
        done = r["status"] != S.PENDING and r["decided_at"] is not None
        if r["status"] == S.CANCELLED and not done:
            continue
        opened = _opened(r["created_at"])
        deadline = max(r["start"], opened)
        closed_on = _day(r["decided_at"]) if done else None
        days = f"{r['start']:%d/%m/%Y}" + (f"–{r['end']:%d/%m/%Y}" if r["end"] != r["start"] else "")
        items.append(Item(
            kind=Item.Kind.LEAVE, source_id=r["pk"], document_id=r["pk"], agency_id=r["agency_id"],
            unit_id=r["unit_id"], person_id=r["person_id"], secret=True, category=r["kind"], opened_on=opened,
            deadline=deadline, closed_on=closed_on, state=DONE if done else OPEN, late=_late(deadline, closed_on),
            status=r["status"], reference=days))
    return items


def itreports(ids: list[int]) -> list[Item]:
    """IT reports (004 Đ7.1): under the reporting agency and whoever began it, its period (first six
    months, whole year) as its category."""
    S = Report.Status
    reports = Report.objects.filter(pk__in=ids).values(
        "pk", "agency_id", "created_by_id", "status", "submitted_at", "template__published_at",
        "template__deadline", "template__period", "template__title")
    items = []
    for r in reports:
        done = r["status"] in (S.SUBMITTED, S.ACCEPTED)
        closed_on = _day(r["submitted_at"]) if done else None
        deadline = r["template__deadline"]
        items.append(Item(
            kind=Item.Kind.ITREPORT, source_id=r["pk"], document_id=r["pk"], agency_id=r["agency_id"],
            person_id=r["created_by_id"], secret=True, category=r["template__period"],
            opened_on=_opened(r["template__published_at"]), deadline=deadline, closed_on=closed_on,
            state=DONE if done else OPEN, late=_late(deadline, closed_on), status=r["status"],
            title=r["template__title"][:300]))
    return items


# 004 Đ7.2 asks incidents to be reported "kịp thời" (in good time) without a figure: a day is the
# product's reading, as the national rules on incident response count it.
REPORT_WITHIN = timedelta(hours=24)


def itincidents(ids: list[int]) -> list[Item]:
    """IT incidents (004 Đ7.2): no deadline for handling them (an open one is pending); closed, it
    was handled on time if the Department was told within REPORT_WITHIN of its occurrence."""
    incidents = Incident.objects.filter(pk__in=ids).values(
        "pk", "agency_id", "kind", "title", "occurred_at", "closed_at", "reported_at", "reported_by_id")
    items = []
    for i in incidents:
        done = i["closed_at"] is not None
        items.append(Item(
            kind=Item.Kind.ITINCIDENT, source_id=i["pk"], document_id=i["pk"], agency_id=i["agency_id"],
            person_id=i["reported_by_id"], secret=True, category=i["kind"], opened_on=_opened(i["occurred_at"]),
            closed_on=_day(i["closed_at"]), state=DONE if done else OPEN,
            late=done and i["reported_at"] - i["occurred_at"] > REPORT_WITHIN,
            status="closed" if done else "open", title=i["title"][:300]))
    return items


@dataclass(frozen=True)
class Source:
    """A kind of statistics row: the document kind (core.kinds) whose page and visibility rule
    it follows, the rows of given sources, and every source id (for the rebuild). A `private` kind's
    rows are all secret: counted only for whoever its rule lets open them, never in a tally."""

    kind: str
    document_kind: str
    build: Callable[[list[int]], list[Item]]
    all_ids: Callable[[], Iterable[int]]
    private: bool = False


SOURCES: dict[str, Source] = {
    Item.Kind.INCOMING: Source(Item.Kind.INCOMING, "incoming", incoming,
                               lambda: IncomingDocument.objects.order_by("pk").values_list("pk", flat=True)),
    Item.Kind.OUTGOING: Source(Item.Kind.OUTGOING, "outgoing", outgoing,
                               lambda: OutgoingDocument.objects.order_by("pk").values_list("pk", flat=True)),
    Item.Kind.REVIEW: Source(Item.Kind.REVIEW, "outgoing", reviews,
                             lambda: ReviewStep.objects.order_by("pk").values_list("pk", flat=True)),
    Item.Kind.TASK: Source(Item.Kind.TASK, "task", tasks,
                           lambda: Task.objects.order_by("pk").values_list("pk", flat=True)),
    Item.Kind.LEAVE: Source(Item.Kind.LEAVE, "leave", leave,
                            lambda: LeaveRequest.objects.order_by("pk").values_list("pk", flat=True), private=True),
    Item.Kind.ITREPORT: Source(Item.Kind.ITREPORT, "itreport", itreports,
                               lambda: Report.objects.order_by("pk").values_list("pk", flat=True), private=True),
    Item.Kind.ITINCIDENT: Source(Item.Kind.ITINCIDENT, "itincident", itincidents,
                                 lambda: Incident.objects.order_by("pk").values_list("pk", flat=True), private=True),
}
# The document kind whose events refresh each statistics kind's row of the same id (the reviews
# follow their draft's events apart: services.on_document_event).
BY_DOCUMENT_KIND = {source.document_kind: kind for kind, source in SOURCES.items() if kind != Item.Kind.REVIEW}

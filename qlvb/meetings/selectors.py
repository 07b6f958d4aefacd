"""Meeting reads: the person's lists (upcoming, past, waiting for his answer), one meeting (404 for
whoever may not see it) with its invitees, agenda, the documents he may see, attendance, minutes,
and its conclusions with the status of their tasks (qlvb.tasks.selectors.from_sources)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from qlvb.core import kinds
from qlvb.meetings import rules
from qlvb.meetings.models import AgendaItem, Attendance, Conclusion, Invitee, Meeting, MeetingDocument, Minutes
from qlvb.meetings.services import expected_people
from qlvb.org.models import Person
from qlvb.org.roles import roles_of
from qlvb.tasks import selectors as task_selectors
from qlvb.tasks.models import Task

LISTS = ("upcoming", "past", "to_answer")


def visible(person: Person) -> QuerySet[Meeting]:
    """Every meeting the person may open: the kind's one rule (kind.py)."""
    return kinds.visible("meeting", person)


def get_meeting(person: Person, pk: int) -> Meeting:
    meeting = (Meeting.objects.filter(pk=pk)
               .select_related("agency", "chair", "secretary", "organising_unit", "created_by",
                               "conclusions_published_by", "series").first())
    if meeting is None or not kinds.may_see("meeting", person, meeting):
        raise Http404()
    return meeting


def _to_answer(person: Person) -> Q:
    headed = sorted(roles_of(person).headed_unit_ids)
    condition = Q(person_id=person.pk)
    if headed:
        condition |= Q(unit_id__in=headed)
    rows = Invitee.objects.filter(condition, answer=Invitee.Answer.PENDING)
    return Q(pk__in=rows.values("meeting_id"), status=Meeting.Status.INVITED)


def meeting_list(person: Person, name: str) -> QuerySet[Meeting]:
    """Upcoming ones soonest first, past ones latest first, and those waiting for the person's
    answer (or his units')."""
    if name not in LISTS:
        raise Http404()
    now = timezone.now()
    meetings = visible(person)
    if name == "upcoming":
        meetings = meetings.filter(ends_at__gte=now).order_by("starts_at", "id")
    elif name == "past":
        meetings = meetings.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    else:
        meetings = meetings.filter(_to_answer(person)).order_by("starts_at", "id")
    return meetings.select_related("chair", "secretary", "organising_unit")


def count_to_answer(person: Person) -> int:
    return Meeting.objects.filter(_to_answer(person)).count()


@dataclass
class ConclusionRow:
    conclusion: Conclusion
    tasks: list[Task]

    @property
    def task(self) -> Task | None:
        return self.tasks[0] if self.tasks else None

    @property
    def done(self) -> bool:
        return bool(self.tasks) and all(t.status == Task.Status.DONE for t in self.tasks)


@dataclass
class Detail:
    invitees: list[Invitee]
    agenda: list[AgendaItem]
    documents: list[tuple[MeetingDocument, str]]
    attendance: dict[int, Attendance]
    expected: list[Person]
    minutes: Minutes | None
    conclusions: list[ConclusionRow]
    answers: dict[str, int] = field(default_factory=dict)

    @property
    def conclusions_done(self) -> int:
        return sum(1 for row in self.conclusions if row.done)

    @property
    def conclusions_with_tasks(self) -> int:
        return sum(1 for row in self.conclusions if row.tasks)


def visible_documents(person: Person, meeting: Meeting) -> list[tuple[MeetingDocument, str]]:
    """The meeting's documents the person may see, with their pages' (or files') addresses: the
    uploads to every reader of the meeting, a linked document only to who may see it (one query
    per kind linked, the kind's own rule)."""
    from django.urls import reverse

    rows = list(MeetingDocument.objects.filter(meeting=meeting).select_related("agenda_item"))
    shown: list[tuple[MeetingDocument, str]] = []
    allowed: dict[str, set[int]] = {}
    for name in sorted({r.kind for r in rows if r.kind}):
        try:
            kinds.get(name)
        except KeyError:
            continue
        allowed[name] = set(kinds.visible(name, person).filter(
            pk__in=[r.document_id for r in rows if r.kind == name]).values_list("pk", flat=True))
    for row in rows:
        if not row.kind:
            shown.append((row, reverse("meetings:file", args=[meeting.pk, row.pk, "view"])))
        elif row.document_id in allowed.get(row.kind, set()):
            shown.append((row, kinds.get(row.kind).url(row.document_id)))
    return shown


def conclusions(meeting: Meeting) -> list[ConclusionRow]:
    """The conclusions with the tasks made from them: one query for all their tasks."""
    rows = list(Conclusion.objects.filter(meeting=meeting).select_related("owner_person", "owner_unit"))
    found = task_selectors.from_sources(meeting.agency_id, Task.Source.MEETING, [str(c.pk) for c in rows])
    return [ConclusionRow(conclusion=c, tasks=found.get(str(c.pk), [])) for c in rows]


def detail(person: Person, meeting: Meeting) -> Detail:
    invitees = list(Invitee.objects.filter(meeting=meeting).select_related("person", "unit", "substitute",
                                                                           "answered_by"))
    answers: dict[str, int] = {}
    for row in invitees:
        answers[row.answer] = answers.get(row.answer, 0) + 1
    return Detail(
        invitees=invitees,
        agenda=list(AgendaItem.objects.filter(meeting=meeting).select_related("presenter")),
        documents=visible_documents(person, meeting),
        attendance={a.person_id: a for a in Attendance.objects.filter(meeting=meeting)},
        expected=expected_people(meeting),
        minutes=Minutes.objects.filter(meeting=meeting).select_related("drafted_by", "approved_by").first(),
        conclusions=conclusions(meeting),
        answers=answers,
    )


def file_of(meeting: Meeting, pk: int) -> MeetingDocument:
    row = MeetingDocument.objects.filter(meeting=meeting, pk=pk, stored__isnull=False).select_related("stored").first()
    if row is None:
        raise Http404()
    return row


def actions(person: Person, meeting: Meeting, d: Detail | None = None) -> dict[str, Any]:
    """What the person may do on the meeting's page."""
    manage = rules.may_manage(person, meeting)
    record = rules.may_record(person, meeting)
    direct = rules.may_direct(person, meeting)
    conclude = rules.may_conclude(person, meeting)
    editable = meeting.is_editable
    held = meeting.status in (Meeting.Status.HELD, Meeting.Status.CLOSED)
    minutes = d.minutes if d is not None else Minutes.objects.filter(meeting=meeting).first()
    to_answer = (rules.invitees_to_answer(person, meeting)
                 if meeting.status == Meeting.Status.INVITED else [])
    has_tasks_waiting = bool(d and any(row.conclusion.makes_task and not row.tasks for row in d.conclusions))
    return {
        "edit": manage and editable, "invite": manage and meeting.status == Meeting.Status.DRAFT,
        "cancel": manage and editable, "agenda": manage and editable,
        "attach": manage and meeting.status not in (Meeting.Status.CANCELLED, Meeting.Status.CLOSED),
        "repeat": manage and meeting.status != Meeting.Status.CANCELLED,
        "attendance": record and meeting.status in (Meeting.Status.INVITED, Meeting.Status.HELD)
        and meeting.starts_at <= timezone.now(),
        "minutes": record and held and (minutes is None or minutes.status == Minutes.Status.DRAFT),
        "approve": direct and minutes is not None and minutes.status == Minutes.Status.SUBMITTED,
        "conclude": conclude and held and not meeting.conclusions_published,
        "publish": direct and held and not meeting.conclusions_published,
        "make_tasks": direct and meeting.conclusions_published and has_tasks_waiting,
        "answer": to_answer,
    }

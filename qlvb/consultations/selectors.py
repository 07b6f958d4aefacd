"""Consultation reads: the lists, one consultation with what the person may do, the participants,
the compiled results (counts per choice, agree/disagree per article with the comments, the
opinions listed) and their export. The results never say who answered what in an anonymous
consultation: there is nothing in the database to say it."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.consultations import rules
from qlvb.consultations.models import Consultation, ConsultedUnit, MeetingRequest, Participation, Question, Response
from qlvb.core import kinds
from qlvb.core.models import Event
from qlvb.org.models import Person, Post

LISTS = ("to_answer", "open", "closed", "mine")


def consultation_list(person: Person, name: str) -> QuerySet[Consultation]:
    today = timezone.localdate()
    rows = rules.visible(person).select_related("created_by")
    answered = Participation.objects.filter(consultation=OuterRef("pk"), person_id=person.pk)
    rows = rows.annotate(answered=Exists(answered))
    if name == "to_answer":
        rows = rows.filter(status=Consultation.Status.OPEN, opens_on__lte=today, closes_on__gte=today,
                           answered=False)
        return rows.order_by("closes_on", "id")
    if name == "open":
        return rows.filter(status=Consultation.Status.OPEN, closes_on__gte=today).order_by("closes_on", "id")
    if name == "closed":
        return rows.exclude(status=Consultation.Status.DRAFT).exclude(
            status=Consultation.Status.OPEN, closes_on__gte=today).order_by("-closes_on", "-id")
    return rows.filter(created_by_id=person.pk).order_by("-created_at", "-id")


def count_to_answer(person: Person) -> int:
    return consultation_list(person, "to_answer").count()


def get_consultation(person: Person, pk: int) -> Consultation:
    consultation = Consultation.objects.select_related("agency", "created_by", "unit",
                                                       "results_published_by").filter(pk=pk).first()
    if consultation is None or not rules.may_see(person, consultation):
        raise Http404()
    return consultation


def is_closed(consultation: Consultation, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return consultation.status == Consultation.Status.CLOSED or (
        consultation.status == Consultation.Status.OPEN and today > consultation.closes_on)


def state_label(consultation: Consultation) -> str:
    if consultation.published:
        return _("Results published")
    if is_closed(consultation):
        return _("Closed")
    if consultation.status == Consultation.Status.OPEN and timezone.localdate() < consultation.opens_on:
        return _("Opens on %(date)s") % {"date": consultation.opens_on.strftime("%d/%m/%Y")}
    return str(consultation.get_status_display())


def participant_ids(consultation: Consultation) -> list[int]:
    """The active people consulted: everyone posted in the agency, or in the units consulted."""
    posts = Post.objects.filter(agency_id=consultation.agency_id, end_date__isnull=True, person__is_active=True,
                                person__locked_at__isnull=True)
    if not consultation.everyone:
        posts = posts.filter(unit_id__in=ConsultedUnit.objects.filter(consultation=consultation).values("unit_id"))
    return sorted(set(posts.values_list("person_id", flat=True)))


def not_answered_ids(consultation: Consultation) -> list[int]:
    answered = set(Participation.objects.filter(consultation=consultation).values_list("person_id", flat=True))
    return [pk for pk in participant_ids(consultation) if pk not in answered]


def linked_document(person: Person, consultation: Consultation) -> tuple[Any, str] | None:
    """The document consulted on and its page, if the person may see it."""
    if not consultation.document_id or not consultation.document_kind:
        return None
    try:
        kind = kinds.get(consultation.document_kind)
    except KeyError:
        return None
    document = kind.model_class._default_manager.filter(pk=consultation.document_id).first()
    if document is None or not kinds.may_see(consultation.document_kind, person, document):
        return None
    return document, kind.url(document.pk)


@dataclass
class Detail:
    questions: list[Question]
    units: list[Any]
    document: tuple[Any, str] | None
    answered: bool
    participant: bool
    participants: int
    answers: int
    timeline: list[Event] = field(default_factory=list)


def detail(person: Person, consultation: Consultation) -> Detail:
    manage = rules.may_manage(person, consultation)
    participants = participant_ids(consultation) if manage else []
    return Detail(
        questions=list(Question.objects.filter(consultation=consultation)),
        units=[cu.unit for cu in ConsultedUnit.objects.filter(consultation=consultation).select_related("unit")],
        document=linked_document(person, consultation),
        answered=Participation.objects.filter(consultation=consultation, person_id=person.pk).exists(),
        participant=rules.is_participant(person, consultation),
        participants=len(participants),
        answers=Participation.objects.filter(consultation=consultation).count() if manage else 0,
        # Who answered when is not shown beside anonymous answers (the audit log keeps it).
        timeline=list(Event.objects.filter(target_type="consultation", target_id=str(consultation.pk))
                      .exclude(verb="consultation.answered").select_related("actor", "on_behalf_of")
                      .order_by("at", "id")) if manage else [],
    )


def actions(person: Person, consultation: Consultation, d: Detail) -> dict[str, bool]:
    from qlvb.consultations.services import accepting

    manage = rules.may_manage(person, consultation)
    draft = consultation.status == Consultation.Status.DRAFT
    return {
        "manage": manage,
        "add_question": manage and draft,
        "open": manage and draft,
        "answer": d.participant and not d.answered and accepting(consultation),
        "close": manage and consultation.status == Consultation.Status.OPEN,
        "results": rules.may_see_results(person, consultation),
        "publish": manage and not consultation.published and is_closed(consultation),
    }


# --- Results -------------------------------------------------------------------------------------

@dataclass
class ChoiceCount:
    label: str
    count: int
    percent: int


@dataclass
class ArticleResult:
    label: str
    agree: int
    disagree: int
    comments: list[tuple[bool | None, str, str]]  # (agree, comment, who: "" when anonymous)


@dataclass
class QuestionResult:
    question: Question
    answered: int
    choices: list[ChoiceCount] = field(default_factory=list)
    articles: list[ArticleResult] = field(default_factory=list)
    opinions: list[tuple[str, str]] = field(default_factory=list)  # (opinion, who: "" when anonymous)


@dataclass
class Results:
    consultation: Consultation
    participants: int
    responses: int
    questions: list[QuestionResult]


def _percent(n: int, total: int) -> int:
    return round(100 * n / total) if total else 0


def results(consultation: Consultation) -> Results:
    """Compiled in Python from the consultation's responses (a few queries, whatever their number).
    Opinions and comments are listed in a stable order that is not the order of answering (by the
    text; named ones with their author)."""
    questions = list(Question.objects.filter(consultation=consultation))
    rows = list(Response.objects.filter(consultation=consultation).select_related("person")
                .only("answers", "person__full_name"))
    compiled: list[QuestionResult] = []
    for question in questions:
        key = str(question.pk)
        given = [(r.answers.get(key), r.person.full_name if r.person_id and r.person else "")
                 for r in rows if key in (r.answers or {})]
        result = QuestionResult(question=question, answered=len(given))
        if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            counts = [0] * len(question.options)
            for value, _who in given:
                for index in (value if isinstance(value, list) else [value]):
                    if isinstance(index, int) and 0 <= index < len(counts):
                        counts[index] += 1
            result.choices = [ChoiceCount(label, n, _percent(n, len(given)))
                              for label, n in zip(question.options, counts, strict=True)]
        elif question.kind == Question.Kind.ARTICLES:
            for index, label in enumerate(question.options):
                agree = disagree = 0
                comments: list[tuple[bool | None, str, str]] = []
                for value, who in given:
                    item = (value or {}).get(str(index)) if isinstance(value, dict) else None
                    if not item:
                        continue
                    if item.get("agree") is True:
                        agree += 1
                    elif item.get("agree") is False:
                        disagree += 1
                    if item.get("comment"):
                        comments.append((item.get("agree"), item["comment"], who))
                comments.sort(key=lambda c: (c[1], c[2]))
                result.articles.append(ArticleResult(label, agree, disagree, comments))
        else:
            result.opinions = sorted(((str(v), who) for v, who in given), key=lambda o: (o[0], o[1]))
        compiled.append(result)
    return Results(consultation=consultation, participants=len(participant_ids(consultation)),
                   responses=len(rows), questions=compiled)


def export_rows(compiled: Results) -> list[list[Any]]:
    """The results as rows (CSV and XLSX): one block per question."""
    c = compiled.consultation
    rows: list[list[Any]] = [
        [_("Consultation"), c.title],
        [_("Opens on"), c.opens_on.strftime("%d/%m/%Y"), _("Closes on"), c.closes_on.strftime("%d/%m/%Y")],
        [_("People consulted"), compiled.participants, _("Answers"), compiled.responses],
        [_("Anonymous") if c.anonymous else _("Named")],
        [],
    ]
    for n, q in enumerate(compiled.questions, 1):
        rows.append([f"{n}. {q.question.text}", q.question.get_kind_display(), _("Answers"), q.answered])
        if q.choices:
            rows.append([_("Choice"), _("Count"), "%"])
            rows += [[ch.label, ch.count, ch.percent] for ch in q.choices]
        if q.articles:
            rows.append([_("Article"), _("Agree"), _("Disagree"), _("Comments")])
            for a in q.articles:
                rows.append([a.label, a.agree, a.disagree,
                             "\n".join(f"{'+' if ok is True else '-' if ok is False else '·'} {text}"
                                       + (f" ({who})" if who else "") for ok, text, who in a.comments)])
        if q.question.kind == Question.Kind.TEXT:
            rows.append([_("Opinions")])
            rows += [[text, who] if who else [text] for text, who in q.opinions]
        rows.append([])
    return rows


def export_csv(compiled: Results) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in export_rows(compiled):
        writer.writerow([_safe(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _safe(value: Any) -> Any:
    """No formula in a spreadsheet cell typed by a participant."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not value.startswith(("+ ", "- ")):
        return "'" + value
    return value


def export_xlsx(compiled: Results) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Results")[:31]
    for row in export_rows(compiled):
        sheet.append([_safe(v) for v in row])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.column_dimensions["A"].width = 70
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 18
    sheet.column_dimensions["D"].width = 60
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- Requests to meet the director ---------------------------------------------------------------

def my_requests(person: Person) -> QuerySet[MeetingRequest]:
    return MeetingRequest.objects.filter(requester_id=person.pk).select_related("answered_by")


def requests_to_answer(person: Person) -> QuerySet[MeetingRequest]:
    agencies = sorted(rules.organiser_agency_ids(person))
    return (MeetingRequest.objects.filter(agency_id__in=agencies)
            .select_related("requester", "answered_by").order_by("status", "-created_at", "-id"))


def get_request(person: Person, pk: int) -> MeetingRequest:
    found = MeetingRequest.objects.select_related("requester", "answered_by").filter(pk=pk).first()
    if found is None or not rules.may_see_request(person, found):
        raise Http404()
    return found

"""Consultation writes (R26, 002 Đ7, Đ22–Đ23). Each change is one transaction that also records its
event. Bad input raises ValidationError with a Vietnamese message and saves nothing; a person
without the right gets NotAllowed (a 404 at the edge).

The flow: a leader, the office or a unit head prepares a consultation (what it is on, who is
consulted, opening and closing dates, named or anonymous) and its questions, then opens it (the
participants are told); each participant answers once between the dates; participants who have
not answered are reminded before the closing date (notifications.reminders); after the closing
the organisers compile the results, export them and publish them (`consultation.results_published`,
which the disclosures register records, 002 Đ20.8).

Anonymity (see models.py): an anonymous answer is stored with no person and no date, under a random
key; the consultation's anonymous responses are then rewritten in random order; the participation
row and the event name the person, never the response."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.consultations import rules
from qlvb.consultations.models import Consultation, ConsultedUnit, MeetingRequest, Participation, Question, Response
from qlvb.core import events, kinds
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.text import clean
from qlvb.org import permissions
from qlvb.org.models import Agency, Person, Unit

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_OPTIONS = 200
MAX_TEXT = 5000
TARGET_TYPE = "consultation"


@dataclass(frozen=True)
class _Meta:
    label_lower: str


@dataclass(frozen=True)
class Target:
    """What the events of a consultation name as their target: type "consultation" and its id
    (the disclosures app and the timelines read this type)."""

    pk: int
    label: str
    _meta: _Meta = _Meta(TARGET_TYPE)

    def __str__(self) -> str:
        return self.label


def target(consultation: Consultation) -> Target:
    return Target(consultation.pk, str(consultation))


def _effective(by: Actor) -> Person:
    if by.effective is None:
        raise NotAllowed()
    return by.effective


def _author(by: Actor) -> Person:
    if by.person is None:
        raise NotAllowed()
    return by.person


def _locked(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


def _linked(person: Person, agency: Agency, kind: str, document_id: int | None) -> Any:
    """The document consulted on, if the person may see it (core.kinds); else a ValidationError."""
    try:
        document_kind = kinds.get(kind)
    except KeyError:
        raise ValidationError({"document": [_("Choose a document among those you may see.")]}) from None
    document = document_kind.model_class._default_manager.filter(pk=document_id).first() if document_id else None
    if (document is None or getattr(document, "agency_id", None) != agency.pk
            or not kinds.may_see(kind, person, document)):
        raise ValidationError({"document": [_("No such document among those you may see.")]})
    return document


def _validate(*, person: Person, agency: Agency, title: str, subject: str, topic: str, opens_on: date | None,
              closes_on: date | None, everyone: bool, units: Sequence[Unit], document_kind: str,
              document_id: int | None) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not clean(title or ""):
        add("title", _("Say what the consultation is about."))
    if subject not in Consultation.Subject.values:
        add("subject", _("Choose what is consulted on."))
    if topic not in Consultation.Topic.values:
        add("topic", _("Choose the matter consulted on."))
    if opens_on is None:
        add("opens_on", _("Give the opening date."))
    if closes_on is None:
        add("closes_on", _("Give the closing date."))
    for name, day in (("opens_on", opens_on), ("closes_on", closes_on)):
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            add(name, _("Give a date between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR})
    if opens_on and closes_on and "opens_on" not in errors and "closes_on" not in errors and closes_on < opens_on:
        add("closes_on", _("The consultation cannot close before it opens."))
    whole_agency = agency.pk in rules.organiser_agency_ids(person)
    if everyone:
        if not whole_agency:
            add("everyone", _("Only the leaders or the office consult the whole agency; choose your unit."))
    elif not units:
        add("units", _("Choose the units consulted, or consult everyone."))
    else:
        if any(u.agency_id != agency.pk or u.deleted_at for u in units):
            add("units", _("Only units of the agency can be consulted."))
        elif not whole_agency and not {u.pk for u in units} <= set(rules.headed_units(person, agency.pk)):
            add("units", _("A unit head consults only the units he heads."))
    if document_kind or document_id:
        try:
            _linked(person, agency, document_kind, document_id)
        except ValidationError as error:
            for message in error.message_dict.get("document", []):
                add("document", message)
    if errors:
        raise ValidationError(errors)


def create(*, by: Actor, agency: Agency, title: str, subject: str = Consultation.Subject.DRAFT,
           topic: str = Consultation.Topic.OTHER, description: str = "", opens_on: date | None,
           closes_on: date | None, everyone: bool = True, units: Sequence[Unit] = (), anonymous: bool = False,
           document_kind: str = "", document_id: int | None = None, lets_choose: bool = False) -> Consultation:
    """Prepare a consultation (its organisers' alone until opened)."""
    person = _effective(by)
    if agency.pk not in permissions.member_agency_ids(person) or not rules.may_create(person, agency.pk):
        raise NotAllowed()
    _validate(person=person, agency=agency, title=title, subject=subject, topic=topic, opens_on=opens_on,
              closes_on=closes_on, everyone=everyone, units=units, document_kind=document_kind,
              document_id=document_id)
    assert opens_on is not None and closes_on is not None
    headed = set(rules.headed_units(person, agency.pk))
    unit_ids = list(dict.fromkeys(u.pk for u in units)) if not everyone else []
    with transaction.atomic():
        consultation = Consultation.objects.create(
            agency=agency, title=clean(title)[:500], subject=subject, topic=topic,
            description=clean(description or "")[:MAX_TEXT * 4], document_kind=document_kind if document_id else "",
            document_id=document_id or None, everyone=everyone, opens_on=opens_on, closes_on=closes_on,
            anonymous=anonymous, lets_choose=lets_choose and not anonymous, created_by=_author(by),
            unit_id=unit_ids[0] if unit_ids and set(unit_ids) <= headed and agency.pk not in
            rules.organiser_agency_ids(person) else None)
        ConsultedUnit.objects.bulk_create([ConsultedUnit(consultation=consultation, unit_id=pk) for pk in unit_ids])
        events.record(verb="consultation.created", actor=by, agency=agency, target=target(consultation), data={
            "title": consultation.title, "subject": subject, "topic": topic, "everyone": everyone,
            "units": unit_ids, "opens_on": opens_on, "closes_on": closes_on, "anonymous": anonymous,
            "lets_choose": lets_choose and not anonymous,
            "document": {"kind": document_kind, "id": document_id} if document_id else None})
    return consultation


def _clean_options(kind: str, options: Sequence[str]) -> list[str]:
    cleaned = [clean(str(o))[:1000] for o in options if clean(str(o or ""))]
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and len(cleaned) < 2:
        raise ValidationError({"options": [_("Give at least two choices, one a line.")]})
    if kind == Question.Kind.ARTICLES and not cleaned:
        raise ValidationError({"options": [_("List the draft's articles, one a line.")]})
    if len(cleaned) > MAX_OPTIONS:
        raise ValidationError({"options": [_("At most %(n)s lines.") % {"n": MAX_OPTIONS}]})
    return cleaned if kind != Question.Kind.TEXT else []


def add_question(*, by: Actor, consultation: Consultation, kind: str, text: str, options: Sequence[str] = (),
                 required: bool = False) -> Question:
    """A question of the questionnaire (002 Đ23.3): a free opinion, one or several choices, or
    agree/disagree with a comment on each article of the draft."""
    if not rules.may_manage(_effective(by), consultation):
        raise NotAllowed()
    if kind not in Question.Kind.values:
        raise ValidationError({"kind": [_("Choose the kind of question.")]})
    text = clean(text or "")
    if not text:
        raise ValidationError({"text": [_("Write the question.")]})
    cleaned = _clean_options(kind, options)
    with transaction.atomic():
        consultation = _locked(consultation)
        if consultation.status != Consultation.Status.DRAFT:
            raise ValidationError(_("The questions of an open consultation cannot change."))
        order = Question.objects.filter(consultation=consultation).count() + 1
        question = Question.objects.create(consultation=consultation, order=order, kind=kind, text=text[:MAX_TEXT],
                                           options=cleaned, required=required)
        events.record(verb="consultation.question_added", actor=by, agency=consultation.agency_id,
                      target=target(consultation), data={"question": question.pk, "kind": kind,
                                                         "options": len(cleaned)})
    return question


def remove_question(*, by: Actor, question: Question) -> None:
    consultation = question.consultation
    if not rules.may_manage(_effective(by), consultation):
        raise NotAllowed()
    with transaction.atomic():
        consultation = _locked(consultation)
        if consultation.status != Consultation.Status.DRAFT:
            raise ValidationError(_("The questions of an open consultation cannot change."))
        pk = question.pk
        question.delete()
        events.record(verb="consultation.question_removed", actor=by, agency=consultation.agency_id,
                      target=target(consultation), data={"question": pk})


def open_consultation(*, by: Actor, consultation: Consultation) -> Consultation:
    """Open it: the participants see it and are told (notifications)."""
    if not rules.may_manage(_effective(by), consultation):
        raise NotAllowed()
    with transaction.atomic():
        consultation = _locked(consultation)
        if consultation.status != Consultation.Status.DRAFT:
            raise ValidationError(_("The consultation is already open."))
        if not Question.objects.filter(consultation=consultation).exists():
            raise ValidationError(_("Add at least one question before opening the consultation."))
        if consultation.closes_on < timezone.localdate():
            raise ValidationError({"closes_on": [_("The closing date has passed.")]})
        consultation.status, consultation.opened_at = Consultation.Status.OPEN, timezone.now()
        consultation.save(update_fields=["status", "opened_at"])
        events.record(verb="consultation.opened", actor=by, agency=consultation.agency_id,
                      target=target(consultation), data={"opens_on": consultation.opens_on,
                                                         "closes_on": consultation.closes_on})
    return consultation


def accepting(consultation: Consultation, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return (consultation.status == Consultation.Status.OPEN
            and consultation.opens_on <= today <= consultation.closes_on)


def _clean_answers(questions: Sequence[Question], answers: dict[str, Any]) -> dict[str, Any]:
    """The answers as kept, checked against the questions; a ValidationError keyed by question."""
    errors: dict[str, list[str]] = {}
    kept: dict[str, Any] = {}
    for question in questions:
        key = str(question.pk)
        value = answers.get(key)
        field = f"q{question.pk}"
        if question.kind == Question.Kind.TEXT:
            opinion = clean(str(value or ""))[:MAX_TEXT]
            if opinion:
                kept[key] = opinion
        elif question.kind == Question.Kind.SINGLE:
            if value not in (None, ""):
                try:
                    index = int(value)
                except (TypeError, ValueError):
                    index = -1
                if not 0 <= index < len(question.options):
                    errors.setdefault(field, []).append(_("Choose one of the choices."))
                else:
                    kept[key] = index
        elif question.kind == Question.Kind.MULTIPLE:
            values = value if isinstance(value, list) else ([] if value in (None, "") else [value])
            try:
                indexes = sorted({int(v) for v in values})
            except (TypeError, ValueError):
                indexes = [-1]
            if any(not 0 <= i < len(question.options) for i in indexes):
                errors.setdefault(field, []).append(_("Choose among the choices."))
            elif indexes:
                kept[key] = indexes
        else:
            given = value if isinstance(value, dict) else {}
            articles: dict[str, Any] = {}
            for index in range(len(question.options)):
                item = given.get(str(index)) or {}
                if not isinstance(item, dict):
                    continue
                agree = item.get("agree")
                comment = clean(str(item.get("comment") or ""))[:MAX_TEXT]
                if agree in ("agree", "true", "1", True):
                    articles[str(index)] = {"agree": True, "comment": comment}
                elif agree in ("disagree", "false", "0", False):
                    articles[str(index)] = {"agree": False, "comment": comment}
                elif comment:
                    articles[str(index)] = {"agree": None, "comment": comment}
            if articles:
                kept[key] = articles
        if question.required and key not in kept and field not in errors:
            errors.setdefault(field, []).append(_("This question needs an answer."))
    if errors:
        raise ValidationError(errors)
    if not kept:
        raise ValidationError(_("Answer at least one question."))
    return kept


def _shuffle(consultation: Consultation) -> None:
    """Write the consultation's anonymous responses again, in random order, so that their rows'
    physical order (SQLite's rowid, PostgreSQL's heap) does not tell the order of answering."""
    rows = list(Response.objects.filter(consultation=consultation, person__isnull=True))
    random.SystemRandom().shuffle(rows)
    Response.objects.filter(pk__in=[r.pk for r in rows]).delete()
    Response.objects.bulk_create([Response(id=r.pk, consultation_id=r.consultation_id, answers=r.answers)
                                  for r in rows])


def answer(*, by: Actor, consultation: Consultation, answers: dict[str, Any],
           anonymously: bool = False) -> Response | None:
    """A participant answers, once, between the opening and the closing dates. Named: the response
    carries the person and the date. Anonymous (the consultation's, or the person's choice when it
    lets him choose): neither, and nothing returned (the person's own answer cannot be found again
    either); what is kept of the person is only that he answered."""
    person = by.person  # one's own opinion: never on another's behalf
    if person is None or by.on_behalf_of is not None or not rules.may_see(person, consultation) \
            or not rules.is_participant(person, consultation):
        raise NotAllowed()
    questions = list(Question.objects.filter(consultation=consultation))
    kept = _clean_answers(questions, answers if isinstance(answers, dict) else {})
    today = timezone.localdate()
    with transaction.atomic():
        consultation = _locked(consultation)
        if not accepting(consultation, today):
            raise ValidationError(_("The consultation is not open for answers."))
        if Participation.objects.filter(consultation=consultation, person=person).exists():
            raise ValidationError(_("You have already answered this consultation."))
        Participation.objects.create(consultation=consultation, person=person, answered_on=today)
        if consultation.anonymous or (consultation.lets_choose and anonymously):
            Response.objects.create(consultation=consultation, answers=kept)
            _shuffle(consultation)
            response = None
            data: dict[str, Any] = {"anonymous": True}
        else:
            response = Response.objects.create(consultation=consultation, person=person, submitted_on=today,
                                               answers=kept)
            data = {"anonymous": False, "response": str(response.pk)}
        events.record(verb="consultation.answered", actor=Actor(person=person, ip=by.ip),
                      agency=consultation.agency_id, target=target(consultation), data=data)
    return response


def close(*, by: Actor, consultation: Consultation) -> Consultation:
    """Close it before its date (it also closes by itself after the closing date)."""
    if not rules.may_manage(_effective(by), consultation):
        raise NotAllowed()
    with transaction.atomic():
        consultation = _locked(consultation)
        if consultation.status != Consultation.Status.OPEN:
            raise ValidationError(_("Only an open consultation can be closed."))
        consultation.status, consultation.closed_at = Consultation.Status.CLOSED, timezone.now()
        consultation.save(update_fields=["status", "closed_at"])
        events.record(verb="consultation.closed", actor=by, agency=consultation.agency_id,
                      target=target(consultation), data={})
    return consultation


def url(consultation: Consultation) -> str:
    return reverse("consultations:results", args=[consultation.pk])


def publish_results(*, by: Actor, consultation: Consultation) -> Consultation:
    """Publish the compiled results to the participants (002 Đ20.8: the results of the staff's
    opinions are disclosed); the disclosures register records it from the event. Only after the
    closing (closing it now if its date has passed)."""
    if not rules.may_manage(_effective(by), consultation):
        raise NotAllowed()
    today = timezone.localdate()
    with transaction.atomic():
        consultation = _locked(consultation)
        if consultation.published:
            raise ValidationError(_("The results are already published."))
        if consultation.status == Consultation.Status.DRAFT:
            raise ValidationError(_("The consultation has not been opened."))
        if consultation.status == Consultation.Status.OPEN:
            if today <= consultation.closes_on:
                raise ValidationError(_("Close the consultation before publishing its results."))
            consultation.status, consultation.closed_at = Consultation.Status.CLOSED, timezone.now()
        consultation.results_published_at, consultation.results_published_by = timezone.now(), _author(by)
        consultation.save(update_fields=["status", "closed_at", "results_published_at", "results_published_by"])
        events.record(verb="consultation.results_published", actor=by, agency=consultation.agency_id,
                      target=target(consultation), data={
                          "title": consultation.title, "url": url(consultation), "agency": consultation.agency_id,
                          "published_on": today.isoformat()})
    return consultation


# --- Requests to meet the director (002 Đ7) -------------------------------------------------------

def request_meeting(*, by: Actor, agency: Agency, subject: str, reason: str) -> MeetingRequest:
    """A staff member asks to meet the director, with the subject and a reason (002 Đ7)."""
    person = by.person
    if person is None or agency.pk not in permissions.member_agency_ids(person):
        raise NotAllowed()
    errors: dict[str, list[str]] = {}
    subject, reason = clean(subject or ""), clean(reason or "")
    if not subject:
        errors["subject"] = [_("Say what you want to discuss.")]
    if not reason:
        errors["reason"] = [_("Give the reason for the meeting.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = MeetingRequest.objects.create(agency=agency, requester=person, subject=subject[:300],
                                                reason=reason[:MAX_TEXT])
        events.record(verb="consultation.meeting_requested", actor=by, agency=agency, target=request,
                      data={"subject": request.subject})
    return request


def answer_meeting_request(*, by: Actor, request: MeetingRequest, meets_at: datetime | None = None,
                           place: str = "", note: str = "", decline: bool = False) -> MeetingRequest:
    """The director or the office arranges a time (and place), or declines saying why; the
    requester is told."""
    person = _effective(by)
    if not rules.may_see_request(person, request) or not rules.may_answer_requests(person, request.agency_id):
        raise NotAllowed()
    note, place = clean(note or "")[:500], clean(place or "")[:300]
    if decline:
        if not note:
            raise ValidationError({"note": [_("Say why the meeting is declined.")]})
    elif meets_at is None:
        raise ValidationError({"meets_at": [_("Give the time of the meeting.")]})
    elif not FIRST_YEAR <= timezone.localtime(meets_at).year <= LAST_YEAR or meets_at < timezone.now():
        raise ValidationError({"meets_at": [_("Give a time to come.")]})
    with transaction.atomic():
        request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != MeetingRequest.Status.PENDING:
            raise ValidationError(_("This request has already been answered."))
        request.status = MeetingRequest.Status.DECLINED if decline else MeetingRequest.Status.SCHEDULED
        request.meets_at = None if decline else meets_at
        request.place, request.answer_note = ("" if decline else place), note
        request.answered_by, request.answered_at = _author(by), timezone.now()
        request.save()
        events.record(verb="consultation.meeting_answered", actor=by, agency=request.agency_id, target=request,
                      data={"status": request.status, "meets_at": request.meets_at, "place": request.place,
                            "requester": request.requester_id})
    return request

"""Disclosure writes (002 Đ20–Đ21): recording a matter to disclose with its deadline, disclosing
it (a notice to the whole agency through qlvb.notices when that form is used), and recording the
results of a consultation disclosed by the consultations app (an event subscriber). Each is one
transaction with its event; bad input raises ValidationError with a Vietnamese message and saves
nothing (a secret document above all: it can never be disclosed)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import events, kinds
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.core.text import clean
from qlvb.core.workdays import add_working_days
from qlvb.disclosures import rules
from qlvb.disclosures.models import EXTENDED_DAYS, MIN_POSTING_DAYS, NORMAL_DAYS, Disclosure
from qlvb.notices import rules as notice_rules
from qlvb.notices import services as notices
from qlvb.org.models import Agency, Person

logger = logging.getLogger(__name__)
SOURCE_KINDS = ("incoming", "outgoing")
MAX_POSTING_DAYS = 3650


def deadline(agency_id: int, source_date: date, *, extended: bool) -> date:
    """3 working days after the issue or receipt, 5 in a special case (002 Đ21.2), on the agency's
    calendar (weekends, holidays, Tết, its own days off)."""
    return add_working_days(source_date, EXTENDED_DAYS if extended else NORMAL_DAYS, agency_id)


def source_date_of(document: Any) -> date | None:
    """The date a document was issued (outgoing) or received (incoming)."""
    for name in ("issued_at", "received_at"):
        moment = getattr(document, name, None)
        if moment is not None:
            return timezone.localtime(moment).date()
    return getattr(document, "document_date", None)


def _author(by: Actor) -> Person:
    if by.effective is None:
        raise NotAllowed()
    return by.effective


def _source(author: Person, agency: Agency, kind_name: str, document_id: int | None,
            add: Any) -> tuple[Any, str]:
    if kind_name not in SOURCE_KINDS or not document_id:
        add("source", _("Choose the document to disclose."))
        return None, ""
    kind = kinds.get(kind_name)
    document = kind.load(int(document_id))
    if document is None or document.agency_id != agency.pk or not kind.rule(author).allows(document):
        add("source", _("Choose the document to disclose."))
        return None, ""
    if getattr(document, "secrecy", ""):
        add("source", _("A secret document can never be disclosed (002 Article 21.2)."))
        return None, ""
    label = " – ".join(x for x in (getattr(document, "reference", "") or "", getattr(document, "summary", "") or "")
                       if x)
    return document, label[:300]


def _check_disclosure(add: Any, *, source_date: date | None, disclosed_on: date | None, forms: tuple[bool, ...],
                      posting_days: int) -> None:
    today = timezone.localdate()
    if disclosed_on is not None:
        if disclosed_on > today:
            add("disclosed_on", _("The date of disclosure cannot be in the future."))
        elif source_date is not None and disclosed_on < source_date:
            add("disclosed_on", _("A document cannot be disclosed before it is issued or received."))
        if not any(forms):
            add("forms", _("Choose how it is disclosed."))
    if not MIN_POSTING_DAYS <= posting_days <= MAX_POSTING_DAYS:
        add("posting_days", _("It stays posted at least %(n)s days.") % {"n": MIN_POSTING_DAYS})


def _notice_body(disclosure: Disclosure) -> str:
    lines = [str(_("Disclosed under Article 20 of the democracy rules: %(category)s.")
                 % {"category": disclosure.get_category_display()})]
    if disclosure.source_label:
        lines.append(str(_("Document: %(label)s.") % {"label": disclosure.source_label}))
    if disclosure.note:
        lines.append(disclosure.note)
    return "\n".join(lines)


def _post_notice(by: Actor, disclosure: Disclosure) -> None:
    """The form "notice in the system": a notice to the whole agency, shown for the posting period,
    linking the source document (each reader sees the link only if he may open it)."""
    links = [(disclosure.source_kind, disclosure.source_id)] if disclosure.source_id else []
    notice = notices.publish(by=by, agency=disclosure.agency, title=disclosure.title, body=_notice_body(disclosure),
                             to_everyone=True, expires_on=disclosure.posted_until, links=links)
    disclosure.notice = notice
    Disclosure.objects.filter(pk=disclosure.pk).update(notice=notice)


def create(*, by: Actor, agency: Agency, category: str, title: str, source_kind: str = "",
           source_id: int | None = None, source_date: date | None = None, extended: bool = False,
           extension_reason: str = "", posting_days: int = MIN_POSTING_DAYS, by_notice: bool = False,
           at_premises: bool = False, at_conference: bool = False, disclosed_on: date | None = None,
           note: str = "") -> Disclosure:
    """Record a matter to disclose; with `disclosed_on`, disclosed that day by the forms chosen."""
    author = _author(by)
    if not rules.may_keep(author, agency.pk):
        raise NotAllowed()
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if category not in Disclosure.Category.values:
        add("category", _("Choose what is disclosed (002 Article 20)."))
    title = clean(title or "")
    if not title:
        add("title", _("Give the disclosure a title."))
    document, label = _source(author, agency, source_kind, source_id, add)
    if source_date is None and document is not None:
        source_date = source_date_of(document)
    if source_date is None and "source" not in errors:
        add("source_date", _("Give the date the document was issued or received."))
    elif source_date is not None and source_date > timezone.localdate():
        add("source_date", _("The date of issue or receipt cannot be in the future."))
    extension_reason = clean(extension_reason or "")
    if extended and not extension_reason:
        add("extension_reason", _("Give the reason for the special case (5 working days)."))
    _check_disclosure(add, source_date=source_date, disclosed_on=disclosed_on,
                      forms=(by_notice, at_premises, at_conference), posting_days=posting_days)
    if document is not None and Disclosure.objects.filter(source_kind=source_kind, source_id=document.pk).exists():
        add("source", _("This document is already in the register."))
    if errors:
        raise ValidationError(errors)
    assert source_date is not None
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            agency=agency, category=category, title=title, source_kind=source_kind, source_id=document.pk,
            source_label=label, source_date=source_date, extended=extended,
            extension_reason=extension_reason if extended else "",
            due_on=deadline(agency.pk, source_date, extended=extended), disclosed_on=disclosed_on,
            posting_days=posting_days, by_notice=by_notice, at_premises=at_premises, at_conference=at_conference,
            note=clean(note or "")[:500], created_by=author)
        events.record(verb="disclosure.recorded", actor=by, agency=agency, target=disclosure, data={
            "category": category, "source": [source_kind, document.pk], "source_date": source_date,
            "due_on": disclosure.due_on, "disclosed_on": disclosed_on, "extended": extended})
        if disclosed_on is not None and by_notice:
            _post_notice(by, disclosure)
    return disclosure


def disclose(*, by: Actor, disclosure: Disclosure, disclosed_on: date | None = None, by_notice: bool = False,
             at_premises: bool = False, at_conference: bool = False, posting_days: int | None = None) -> Disclosure:
    """A recorded matter disclosed (today unless said) by the forms chosen."""
    author = _author(by)
    if not rules.may_keep(author, disclosure.agency_id):
        raise NotAllowed()
    disclosed_on = disclosed_on or timezone.localdate()
    posting_days = posting_days or disclosure.posting_days
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if disclosure.disclosed_on is not None:
        add("disclosed_on", _("It is disclosed already."))
    _check_disclosure(add, source_date=disclosure.source_date, disclosed_on=disclosed_on,
                      forms=(by_notice, at_premises, at_conference), posting_days=posting_days)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
        disclosure.disclosed_on = disclosed_on
        disclosure.by_notice, disclosure.at_premises, disclosure.at_conference = by_notice, at_premises, at_conference
        disclosure.posting_days = posting_days
        disclosure.save(update_fields=["disclosed_on", "by_notice", "at_premises", "at_conference", "posting_days"])
        events.record(verb="disclosure.disclosed", actor=by, agency=disclosure.agency_id, target=disclosure, data={
            "disclosed_on": disclosed_on, "due_on": disclosure.due_on, "on_time": disclosed_on <= disclosure.due_on,
            "forms": [n for n, on in (("notice", by_notice), ("premises", at_premises),
                                      ("conference", at_conference)) if on]})
        if by_notice:
            _post_notice(by, disclosure)
    return disclosure


def record_consultation_results(event: Event) -> Disclosure | None:
    """`consultation.results_published` (qlvb.consultations): the results of a consultation are
    disclosed (002 Đ20.8) — recorded in the register on the day they are published, by a notice to
    the agency when whoever published them may send one. Run once per consultation."""
    data = event.data or {}
    try:
        agency = Agency.objects.get(pk=int(data.get("agency") or event.agency_id or 0))
        published_on = date.fromisoformat(str(data.get("published_on")))
    except (Agency.DoesNotExist, ValueError, TypeError):
        logger.warning("consultation.results_published %s: no agency or date, no disclosure recorded", event.pk)
        return None
    reference = f"consultation:{event.target_id}"
    if Disclosure.objects.filter(agency=agency, source_kind="consultation", source_label__startswith=reference
                                 ).exists():
        return None
    title = clean(str(data.get("title") or ""))[:250] or str(_("Consultation"))
    by = Actor(person=event.actor, on_behalf_of=event.on_behalf_of)
    author = by.effective
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            agency=agency, category=Disclosure.Category.CONSULTATION,
            title=str(_("Results of the consultation: %(title)s")) % {"title": title},
            source_kind="consultation", source_label=f"{reference} {title}"[:300],
            source_url=str(data.get("url") or "")[:300], source_date=published_on,
            due_on=deadline(agency.pk, published_on, extended=False), disclosed_on=published_on,
            by_notice=True, created_by=author)
        events.record(verb="disclosure.recorded", actor=by, agency=agency, target=disclosure, data={
            "category": disclosure.category, "source": ["consultation", event.target_id],
            "source_date": published_on, "due_on": disclosure.due_on, "disclosed_on": published_on,
            "automatic": True})
        if author is not None and notice_rules.may_send_to_agency(author, agency.pk):
            _post_notice(by, disclosure)
        else:
            Disclosure.objects.filter(pk=disclosure.pk).update(by_notice=False)
            disclosure.by_notice = False
    return disclosure


def on_consultation_results(event: Event) -> None:
    """The subscriber (DisclosuresConfig.ready): record_consultation_results, after the commit."""
    record_consultation_results(event)

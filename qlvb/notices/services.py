"""Notice writes: publishing a notice and reading it. Each is one transaction with its event
(notifications follow `notice.published`; the home page's kept values follow every event). Bad
input raises ValidationError with a Vietnamese message and saves nothing; someone who may not
send gets NotAllowed (a 404 at the edge)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import events, kinds
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.text import clean
from qlvb.files.services import prepare_uploads, staged_uploads
from qlvb.notices import rules
from qlvb.notices.models import Audience, Notice, NoticeFile, NoticeLink, Receipt
from qlvb.org import permissions
from qlvb.org.models import Agency, Person, Position, Unit

MAX_TITLE = 300
MAX_BODY = 20_000
MAX_DAYS_SHOWN = 366 * 5


def _author(by: Actor) -> Person:
    if by.effective is None:
        raise NotAllowed()
    return by.effective


def _link_label(document: Any) -> str:
    reference = getattr(document, "reference", "") or ""
    summary = getattr(document, "summary", "") or getattr(document, "title", "") or str(document)
    if getattr(document, "secrecy", ""):
        return reference or str(_("Secret document"))  # a secret document is named by its number alone
    return " – ".join(x for x in (reference, summary) if x)[:300]


def publish(*, by: Actor, agency: Agency, title: str, body: str = "", to_everyone: bool = False,
            units: Sequence[Unit] = (), positions: Sequence[Position] = (), people: Sequence[Person] = (),
            pinned: bool = False, expires_on: date | None = None, links: Sequence[tuple[str, int]] = (),
            uploads: Sequence[Any] = ()) -> Notice:
    """Publish a notice (see rules.py for who may send to whom). `links`: (kind, document id) of
    documents the sender may open; each reader sees a link only if he may open it too."""
    author = _author(by)
    if not rules.may_send(author, agency.pk):
        raise NotAllowed()
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    title = clean(title or "")
    body = (body or "").strip()
    if not title:
        add("title", _("Give the notice a title."))
    elif len(title) > MAX_TITLE:
        add("title", _("The title is at most %(n)s characters.") % {"n": MAX_TITLE})
    if len(body) > MAX_BODY:
        add("body", _("The content is at most %(n)s characters.") % {"n": MAX_BODY})
    units, positions, people = list(dict.fromkeys(units)), list(dict.fromkeys(positions)), list(dict.fromkeys(people))
    if not (to_everyone or units or positions or people):
        add("audience", _("Choose who the notice is for."))
    whole = rules.may_send_to_agency(author, agency.pk)
    if not whole:
        own = rules.sendable_unit_ids(author, agency.pk)
        if to_everyone or positions or people or any(u.pk not in own for u in units):
            add("audience", _("A unit head sends notices to his own unit only."))
    if any(u.agency_id != agency.pk or u.deleted_at for u in units):
        add("units", _("Only units of the agency can be addressed."))
    if any(p.agency_id != agency.pk for p in positions):
        add("positions", _("Only positions of the agency can be addressed."))
    outsiders = [p.full_name for p in people
                 if not p.is_active or agency.pk not in permissions.member_agency_ids(p)]
    if outsiders:
        add("people", _("Not in the agency: %(names)s.") % {"names": ", ".join(outsiders)})
    today = timezone.localdate()
    if expires_on is not None and expires_on < today:
        add("expires_on", _("The last day shown cannot be in the past."))
    elif expires_on is not None and expires_on > today + timedelta(days=MAX_DAYS_SHOWN):
        add("expires_on", _("The last day shown is at most five years away."))
    linked: list[tuple[str, int, str]] = []
    for kind_name, document_id in dict.fromkeys(links):
        try:
            kind = kinds.get(kind_name)
        except KeyError:
            add("links", _("Unknown kind of document."))
            continue
        document = kind.load(int(document_id))
        if document is None or not kind.rule(author).allows(document) or document.agency_id != agency.pk:
            add("links", _("You can link only documents of the agency you may open."))
            continue
        linked.append((kind_name, int(document_id), _link_label(document)))
    prepared = prepare_uploads(uploads, combine_images=False, field="files") if uploads and not errors else []
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), staged_uploads(prepared, savepoint=False) as staged:
        notice = Notice.objects.create(agency=agency, title=title, body=body, to_everyone=to_everyone,
                                       pinned=pinned, expires_on=expires_on, created_by=author)
        Audience.objects.bulk_create([Audience(notice=notice, unit=u) for u in units]
                                     + [Audience(notice=notice, position=p) for p in positions]
                                     + [Audience(notice=notice, person=p) for p in people])
        NoticeLink.objects.bulk_create([NoticeLink(notice=notice, kind=k, document_id=d, name=n)
                                        for k, d, n in linked])
        NoticeFile.objects.bulk_create([NoticeFile(notice=notice, stored=s.stored, name=s.name[:300])
                                        for s in staged])
        events.record(verb="notice.published", actor=by, agency=agency, target=notice, data={
            "title": title, "everyone": to_everyone, "units": [u.pk for u in units],
            "positions": [p.pk for p in positions], "people": [p.pk for p in people],
            "pinned": pinned, "expires_on": expires_on, "links": [[k, d] for k, d, _n in linked],
            "files": len(staged)})
    return notice


def mark_read(*, by: Actor, notice: Notice) -> bool:
    """The reader opened the notice: his receipt, once (True when written now). Only for the
    person at the keyboard: someone acting on a delegation has not read it himself."""
    person = by.person
    if person is None:
        raise NotAllowed()
    if Receipt.objects.filter(notice=notice, person=person).exists():
        return False
    try:
        with transaction.atomic():
            Receipt.objects.create(notice=notice, person=person)
            events.record(verb="notice.read", actor=Actor(person=person, ip=by.ip), agency=notice.agency_id,
                          target=notice)
    except IntegrityError:
        return False  # read at the same moment in another tab
    return True


def set_pinned(*, by: Actor, notice: Notice, pinned: bool) -> Notice:
    """Pin or unpin: the sender, the office, the leaders."""
    author = _author(by)
    if not rules.may_see_receipts(author, notice):
        raise NotAllowed()
    with transaction.atomic():
        Notice.objects.filter(pk=notice.pk).update(pinned=pinned)
        notice.pinned = pinned
        events.record(verb="notice.pinned" if pinned else "notice.unpinned", actor=by, agency=notice.agency_id,
                      target=notice)
    return notice

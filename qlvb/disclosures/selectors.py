"""Reading the disclosure register: filtered (category, state, period), one disclosure, and the
rows of the printout and the export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from qlvb.disclosures import rules
from qlvb.disclosures.models import Disclosure
from qlvb.org.models import Person


@dataclass(frozen=True)
class Filters:
    category: str = ""
    state: str = ""
    since: date | None = None
    until: date | None = None


def register(person: Person, filters: Filters | None = None) -> QuerySet[Disclosure]:
    """The agency's register, for its office and leaders (an empty list for anyone else)."""
    agency_id = person.agency_id
    if agency_id is None or not rules.may_keep(person, agency_id):
        return Disclosure.objects.none()
    rows = Disclosure.objects.filter(agency_id=agency_id).select_related("created_by", "notice")
    f = filters or Filters()
    if f.category:
        rows = rows.filter(category=f.category)
    today = timezone.localdate()
    if f.state == Disclosure.State.WAITING:
        rows = rows.filter(disclosed_on__isnull=True, due_on__gte=today)
    elif f.state == Disclosure.State.OVERDUE:
        rows = rows.filter(disclosed_on__isnull=True, due_on__lt=today)
    elif f.state == Disclosure.State.ON_TIME:
        rows = rows.filter(disclosed_on__isnull=False, disclosed_on__lte=F("due_on"))
    elif f.state == Disclosure.State.LATE:
        rows = rows.filter(disclosed_on__isnull=False, disclosed_on__gt=F("due_on"))
    if f.since:
        rows = rows.filter(source_date__gte=f.since)
    if f.until:
        rows = rows.filter(source_date__lte=f.until)
    return rows.order_by("-source_date", "-id")


def overdue_count(person: Person) -> int:
    return register(person, Filters(state=Disclosure.State.OVERDUE)).count()


def get_disclosure(person: Person, pk: int) -> Disclosure:
    found = Disclosure.objects.filter(pk=pk).select_related("agency", "created_by", "notice").first()
    if found is None or not rules.may_keep(person, found.agency_id):
        raise Http404()
    return found


def source_url(person: Person, disclosure: Disclosure) -> str:
    """The address of the source document, if the person may open it ("" otherwise)."""
    from qlvb.core import kinds

    if disclosure.source_url:
        return disclosure.source_url
    if not disclosure.source_id:
        return ""
    try:
        kind = kinds.get(disclosure.source_kind)
    except KeyError:
        return ""
    document = kind.load(disclosure.source_id)
    return kind.url(disclosure.source_id) if document is not None and kind.rule(person).allows(document) else ""



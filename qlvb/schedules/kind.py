"""Schedule entries as a document kind (core.kinds): what search finds of them (their content,
place, notes and the reports filed after an invitation) and who may open them — the rule of
selectors.may_see, written as SQL on the search index's columns. Registered in
SchedulesConfig.ready().

The index's `status` of an entry is its schedule (scope): it never changes, so publishing a week
reindexes nothing; whether a week is published is read live (an access part):
- the agency's leaders: every non-personal entry of their agency (units' schedules, drafts);
- the office: the agency's and the reception schedules, drafts included; the inspectorate: the
  reception schedule's drafts;
- everyone in the agency: the entries of published weeks (months);
- a personal or unit entry: its attendees and whoever made it; a unit's entry: the unit's people;
  a personal entry made from an invitation letter: the agency's leaders too.
An entry has no secrecy: the grants hold nothing back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core import kinds
from qlvb.core.kinds import Grant, Rule
from qlvb.org import permissions
from qlvb.org.models import Unit
from qlvb.org.roles import roles_of
from qlvb.schedules.models import PUBLISHED_SCOPES, Entry, EntryReport, Period, Scope

NAME = "schedule"  # the search index's kind
OWN_SCOPES = [Scope.PERSONAL.value, Scope.UNIT.value]  # seen by their people, not by publication


def _as_access(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """Each part is a query on the entries (core.kinds ORs them for one entry)."""
    return entries.order_by().annotate(document_id=F("pk"))


def _agencies_with_unit_kind(person: Any, kinds_: set[str]) -> frozenset[int]:
    from qlvb.schedules.selectors import _unit_kinds

    return frozenset(agency for _pk, kind, agency in _unit_kinds(person) if kind in kinds_)


def rule(person: Any) -> Rule:
    if person is None or not getattr(person, "pk", None):
        return Rule(agencies=frozenset())
    roles = roles_of(person)
    agencies = frozenset(permissions.member_agency_ids(person))
    office = _agencies_with_unit_kind(person, {Unit.Kind.OFFICE}) & agencies
    inspectorate = _agencies_with_unit_kind(person, {Unit.Kind.INSPECTORATE}) & agencies
    grants = (
        Grant(frozenset(roles.leader_agency_ids), secret=True,
              statuses=frozenset({Scope.UNIT, Scope.AGENCY, Scope.RECEPTION})),
        Grant(office, secret=True, statuses=frozenset({Scope.AGENCY, Scope.RECEPTION})),
        Grant(inspectorate, secret=True, statuses=frozenset({Scope.RECEPTION})),
    )
    access: list[QuerySet[Any]] = [
        _as_access(Entry.objects.filter(agency_id__in=sorted(agencies), scope__in=sorted(PUBLISHED_SCOPES),
                                        period__status=Period.Status.PUBLISHED)),
        _as_access(Entry.objects.filter(attendees__person_id=person.pk, scope__in=OWN_SCOPES)),
        _as_access(Entry.objects.filter(created_by_id=person.pk, scope__in=OWN_SCOPES)),
    ]
    if roles.leader_agency_ids:  # the invitations they send people to (selectors.may_see)
        access.append(_as_access(Entry.objects.filter(agency_id__in=sorted(roles.leader_agency_ids),
                                                      scope=Scope.PERSONAL, source_incoming__isnull=False)))
    if roles.unit_ids:
        access.append(_as_access(Entry.objects.filter(scope=Scope.UNIT, unit_id__in=sorted(roles.unit_ids))))
    return Rule(agencies=agencies, grants=grants, access=tuple(access))


def load(entry_id: int) -> Entry | None:
    return Entry.objects.filter(pk=entry_id).first()


def files(entry: Entry) -> dict[int, str]:
    from qlvb.schedules.models import ReportFile

    return {f.stored_id: f.name for f in ReportFile.objects.filter(report__entry=entry)}


def holding(stored_file_id: int) -> set[int]:
    from qlvb.schedules.models import ReportFile

    return set(ReportFile.objects.filter(stored_id=stored_file_id).values_list("report__entry_id", flat=True))


def index_values(entry: Entry, texts: Callable[[Iterable[int]], dict[int, str]]) -> dict[str, Any]:
    """Its content, place and notes, the reports filed on it and the text read from their files."""
    reports = list(EntryReport.objects.filter(entry_id=entry.pk).values_list("text", flat=True))
    read = texts(list(files(entry)))
    return {
        "agency_id": entry.agency_id, "doc_type": "", "issuer": entry.chair_text[:200], "register_id": None,
        "date": timezone.localdate(entry.starts_at), "urgency": "", "secrecy": "", "status": entry.scope,
        "unit_id": entry.unit_id, "reference": entry.documents[:60], "title": entry.title[:600],
        "body": [entry.place, entry.notes, entry.guests, *reports, *read.values()],
    }


def url(entry_id: int) -> str:
    return reverse("schedules:entry", args=[entry_id])


KIND = kinds.DocumentKind(
    name=NAME, model="schedules.Entry", label=_("Schedule entry"), rule=rule, files=files, holding=holding,
    index_values=index_values, load=load, url=url, status_field="scope", verb_prefix="schedules.entry_",
)

"""Dossier reads and the rules of who may see and fill a dossier."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from qlvb.core import kinds
from qlvb.dossiers.models import Dossier, DossierItem
from qlvb.org import permissions
from qlvb.org.models import Agency, Person
from qlvb.org.roles import roles_of


def can_manage_plan(person: Person, agency: Agency) -> bool:
    roles = roles_of(person)
    return agency.pk in roles.leader_agency_ids or agency.pk in roles.clerk_agency_ids \
        or permissions.can_manage_agency(person, agency)


def can_view(person: Person, dossier: Dossier) -> bool:
    """The kind's one rule (dossiers/kind.py): owner, the dossier's unit, the agency's leaders, and
    for a planned dossier whoever keeps the plan."""
    return kinds.may_see("dossier", person, dossier)


def can_edit(person: Person, dossier: Dossier) -> bool:
    if dossier.agency_id not in permissions.member_agency_ids(person):
        return False
    if dossier.owner_id == person.pk:
        return True
    roles = roles_of(person)
    if dossier.kind == Dossier.Kind.UNIT and dossier.unit_id in roles.unit_ids:
        return True
    return dossier.status == Dossier.Status.PLANNED and can_manage_plan(person, dossier.agency)


def dossiers_for(person: Person, *, year: int | None = None, status: str | None = None) -> QuerySet[Dossier]:
    """My, my units' and (leaders) the agency's dossiers, of those the kind's rule opens: the
    plan's dossiers that are not theirs are on the plan page."""
    roles = roles_of(person)
    qs = kinds.visible("dossier", person).filter(deleted_at__isnull=True).filter(
        Q(owner=person) | Q(unit_id__in=roles.unit_ids) | Q(agency_id__in=roles.leader_agency_ids)
    )
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("owner", "unit").annotate(document_count=Count("items")).order_by("-year", "code")


def fileable_dossiers(person: Person) -> QuerySet[Dossier]:
    """Open dossiers the person may file into (theirs and their units')."""
    roles = roles_of(person)
    return (Dossier.objects.filter(status=Dossier.Status.OPEN, deleted_at__isnull=True,
                                   agency_id__in=permissions.member_agency_ids(person))
            .filter(Q(owner=person) | Q(kind=Dossier.Kind.UNIT, unit_id__in=roles.unit_ids))
            .order_by("-year", "code"))


def plan(agency: Agency, year: int) -> QuerySet[Dossier]:
    return (Dossier.objects.filter(agency=agency, year=year, deleted_at__isnull=True).select_related("owner", "unit")
            .annotate(document_count=Count("items")).order_by("code"))


def get_dossier(person: Person, pk: int) -> Dossier:
    dossier = (Dossier.objects.filter(pk=pk, deleted_at__isnull=True)
               .select_related("owner", "unit", "agency", "plan").first())
    if dossier is None or not can_view(person, dossier):
        raise Http404()
    return dossier


def items_for(person: Person, dossier: Dossier) -> list[DossierItem]:
    """The dossier's documents in order, each marked `may_open`: a document filed in a dossier one
    may see is not thereby opened to one (a secret document, one routed elsewhere). What one may
    not open is shown without its label or link. One query per kind of document filed."""
    items = list(dossier.items.select_related("content_type", "added_by").order_by("order", "id"))
    by_kind: dict[str, list[DossierItem]] = {}
    for item in items:
        kind = kinds.for_target_type(f"{item.content_type.app_label}.{item.content_type.model}")
        item.kind_name = kind.name if kind is not None else ""  # type: ignore[attr-defined]
        item.may_open = False  # type: ignore[attr-defined]
        if kind is not None:
            by_kind.setdefault(kind.name, []).append(item)
    for name, group in by_kind.items():
        opened = set(kinds.visible(name, person).filter(pk__in=[i.object_id for i in group])
                     .values_list("pk", flat=True))
        for item in group:
            item.may_open = item.object_id in opened  # type: ignore[attr-defined]
            item.url = kinds.get(name).url(item.object_id) if item.may_open else ""  # type: ignore[attr-defined]
    return items

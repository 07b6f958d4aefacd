"""Work programmes as a document kind (core.kinds): who may open them (rules.py says who, from
the regulation) and what search finds of them — the programme's title and its items' work and
products. Registered in ProgrammesConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qlvb.core import kinds
from qlvb.core.kinds import Grant, Rule
from qlvb.org import permissions
from qlvb.org.models import Unit
from qlvb.org.roles import roles_of
from qlvb.programmes.models import Item, Programme, Review


def _as_access(programmes: QuerySet[Programme]) -> QuerySet[Programme]:
    return programmes.order_by().annotate(document_id=F("pk"))


def rule(person: Any) -> Rule:
    """Leaders see every programme of their agency; everyone the agency's approved programme;
    the office its drafts; a unit's people their unit's programmes; a person his own, and his
    unit's heads theirs; the approver what is submitted to him."""
    if person is None or not getattr(person, "pk", None):
        return Rule(agencies=frozenset())
    roles = roles_of(person)
    units = sorted(roles.unit_ids)
    access: list[QuerySet[Any]] = [
        _as_access(Programme.objects.filter(scope=Programme.Scope.AGENCY, status=Programme.Status.APPROVED)),
        _as_access(Programme.objects.filter(owner_person_id=person.pk)),
        _as_access(Programme.objects.filter(created_by_id=person.pk)),
        _as_access(Programme.objects.filter(approver_id=person.pk)),
    ]
    if units:
        access.append(_as_access(Programme.objects.filter(scope=Programme.Scope.UNIT, owner_unit_id__in=units)))
        access.append(_as_access(Programme.objects.filter(
            scope=Programme.Scope.AGENCY,
            agency_id__in=Unit.objects.filter(pk__in=units, kind=Unit.Kind.OFFICE).values("agency_id"))))
    if roles.headed_unit_ids:
        access.append(_as_access(Programme.objects.filter(scope=Programme.Scope.PERSON,
                                                          owner_unit_id__in=sorted(roles.headed_unit_ids))))
    return Rule(agencies=frozenset(permissions.member_agency_ids(person)),
                grants=(Grant(frozenset(roles.leader_agency_ids), secret=True),), access=tuple(access))


def load(programme_id: int) -> Programme | None:
    return Programme.objects.filter(pk=programme_id).first()


def files(programme: Programme) -> dict[int, str]:
    return {}


def holding(stored_file_id: int) -> set[int]:
    return set()


def index_values(programme: Programme, texts: Callable[[Iterable[int]], dict[int, str]]) -> dict[str, Any]:
    """Its title, its items' work and products, its reviews' assessments."""
    items = [f"{title} — {product}" if product else title for title, product in
             Item.objects.filter(programme_id=programme.pk).values_list("title", "product")]
    reviews = list(Review.objects.filter(programme_id=programme.pk).values_list("assessment", flat=True))
    return {
        "agency_id": programme.agency_id, "doc_type": "", "issuer": "", "register_id": None,
        "date": programme.starts, "urgency": "", "secrecy": "", "status": programme.status,
        "unit_id": programme.owner_unit_id, "reference": "", "title": programme.title[:600],
        "body": [*items, *reviews],
    }


def url(programme_id: int) -> str:
    return reverse("programmes:detail", args=[programme_id])


KIND = kinds.DocumentKind(
    name="programme", model="programmes.Programme", label=_("Work programme"), rule=rule, files=files,
    holding=holding, index_values=index_values, load=load, url=url, quiet_verbs=frozenset(),
)

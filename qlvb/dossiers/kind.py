"""Dossiers as a document kind (core.kinds): who may open them and what of them is indexed for
search. Registered in DossiersConfig.ready(); the dossier pages ask the same rule
(selectors.can_view), so it is written once.

A dossier has no secrecy and no files of its own: it holds documents of other kinds, which keep
their own rules (the labels of the documents filed in it are indexed, as its page shows them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core import kinds
from qlvb.core.kinds import Grant, Rule
from qlvb.dossiers.models import Dossier, DossierItem
from qlvb.org import permissions
from qlvb.org.roles import roles_of

PLANNED = frozenset({Dossier.Status.PLANNED.value})


def _as_access(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """Dossiers read as access rows (core.kinds.Rule.access: rows with a `document_id`)."""
    return dossiers.order_by().annotate(document_id=F("pk"))


def rule(person: Any) -> Rule:
    """In the person's agencies: their own dossiers and their units' (the dossier's unit is one of
    theirs); every dossier of the agencies they lead; planned dossiers of the agencies whose plan
    they keep (leaders, clerks, the agency's administrator). No secrecy: the grants hold nothing
    back (Grant.secret)."""
    if person is None or not getattr(person, "pk", None):
        return Rule(agencies=frozenset())
    roles = roles_of(person)
    agencies = frozenset(permissions.member_agency_ids(person))
    planners = roles.leader_agency_ids | roles.clerk_agency_ids | {
        agency for agency in agencies if permissions.can_manage_agency(person, agency)}
    access = [_as_access(Dossier.objects.filter(owner_id=person.pk))]
    if roles.unit_ids:
        access.append(_as_access(Dossier.objects.filter(unit_id__in=sorted(roles.unit_ids))))
    return Rule(
        agencies=agencies,
        grants=(Grant(frozenset(roles.leader_agency_ids), secret=True),
                Grant(frozenset(planners), secret=True, statuses=PLANNED)),
        access=tuple(access),
    )


def load(dossier_id: int) -> Dossier | None:
    """The dossier, unless it waits in the bin (then search forgets it until it is restored)."""
    return Dossier.objects.filter(pk=dossier_id, deleted_at__isnull=True).first()


def index_values(dossier: Dossier, texts: Callable[[Iterable[int]], dict[int, str]]) -> dict[str, Any]:
    """Its code and title (the entry's reference and title), notes, year and the labels of the
    documents filed in it; dated when it was opened (a planned one: when it was created)."""
    items = list(DossierItem.objects.filter(dossier_id=dossier.pk).order_by("order", "id")
                 .values_list("label", "content_type__app_label", "content_type__model", "object_id"))
    # A secret document's label stays out: the dossier's readers are not all its readers (R7), and
    # a word of its summary must not lead anyone to the dossier.
    secret: set[tuple[str, str, int]] = set()
    for app, model in {(app, model) for _label, app, model, _pk in items}:
        kind = kinds.for_target_type(f"{app}.{model}")
        if kind is not None and kind.has_secrecy:
            ids = [pk for _label, a, m, pk in items if (a, m) == (app, model)]
            secret |= {(app, model, pk) for pk in kind.secret_documents().filter(pk__in=ids)
                       .values_list("pk", flat=True)}
    labels = [label for label, app, model, pk in items if (app, model, pk) not in secret]
    return {
        "agency_id": dossier.agency_id, "doc_type": "", "issuer": "", "register_id": None,
        "date": timezone.localdate(dossier.opened_at or dossier.created_at), "urgency": "", "secrecy": "",
        "status": dossier.status, "unit_id": dossier.unit_id, "reference": dossier.code[:60],
        "title": dossier.title[:600], "body": [dossier.notes, str(dossier.year), *labels],
    }


def files(dossier: Dossier) -> dict[int, str]:
    return {}  # its documents' files belong to their own kinds


def holding(stored_file_id: int) -> tuple[int, ...]:
    return ()


def url(dossier_id: int) -> str:
    return reverse("dossiers:detail", args=[dossier_id])


KIND = kinds.DocumentKind(
    name="dossier", model="dossiers.Dossier", label=_("Dossier"), rule=rule, files=files, holding=holding,
    index_values=index_values, load=load, url=url,
    quiet_verbs=frozenset(),  # every dossier.* verb on a dossier changes what is indexed
)

"""Dossier writes: the year's plan, opening, filing and closing (NĐ30 Đ28–Đ31)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.dossiers import selectors
from qlvb.dossiers.models import Dossier, DossierItem, DossierPlan
from qlvb.org import permissions
from qlvb.org.models import Agency, Unit
from qlvb.org.roles import roles_of


@transaction.atomic
def create_dossier(*, by: Actor, agency: Agency, code: str, title: str, retention: str,
                   kind: str = Dossier.Kind.PERSONAL, unit: Unit | None = None, year: int | None = None,
                   planned: bool = False, notes: str = "") -> Dossier:
    """Open a dossier now, or (planned=True) put it in the year's dossier plan."""
    person = by.effective
    if person is None or agency.pk not in permissions.member_agency_ids(person):
        raise NotAllowed()
    year = year or timezone.localdate().year
    if kind == Dossier.Kind.UNIT:
        if unit is None:
            raise ValidationError({"unit": _("Choose the unit that keeps this dossier.")})
        if unit.agency_id != agency.pk:
            raise NotAllowed()
    if planned and not selectors.can_manage_plan(person, agency):
        raise NotAllowed()
    if Dossier.objects.filter(agency=agency, year=year, code=code.strip()).exists():
        raise ValidationError({"code": _("A dossier with this code already exists this year.")})
    plan = None
    if planned:
        plan, _created = DossierPlan.objects.get_or_create(agency=agency, year=year)
    dossier = Dossier(agency=agency, plan=plan, year=year, code=code.strip(), title=title.strip(),
                      retention=retention, kind=kind, owner=person,
                      unit=unit if kind == Dossier.Kind.UNIT else None,
                      status=Dossier.Status.PLANNED if planned else Dossier.Status.OPEN,
                      opened_at=None if planned else timezone.now(), notes=notes.strip())
    dossier.full_clean()
    dossier.save()
    events.record(verb="dossier.created", actor=by, agency=agency, target=dossier,
                  data={"code": dossier.code, "planned": planned})
    return dossier


@transaction.atomic
def approve_plan(*, by: Actor, agency: Agency, year: int) -> DossierPlan:
    if not roles_of(by.effective).is_agency_head or agency.pk not in roles_of(by.effective).leader_agency_ids:
        raise NotAllowed()
    plan, _created = DossierPlan.objects.get_or_create(agency=agency, year=year)
    if plan.approved_at:
        raise ValidationError(_("The dossier plan of this year is already approved."))
    plan.approved_by, plan.approved_at = by.effective, timezone.now()
    plan.save()
    events.record(verb="dossier.plan_approved", actor=by, agency=agency, target=plan, data={"year": year})
    return plan


@transaction.atomic
def open_dossier(*, by: Actor, dossier: Dossier) -> Dossier:
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    person = by.effective
    assert person is not None  # people open dossiers, not the system
    if not selectors.can_edit(person, dossier):
        raise NotAllowed()
    if dossier.status != Dossier.Status.PLANNED:
        raise ValidationError(_("Only a planned dossier can be opened."))
    dossier.status, dossier.opened_at, dossier.owner = Dossier.Status.OPEN, timezone.now(), person
    dossier.save()
    events.record(verb="dossier.opened", actor=by, agency=dossier.agency_id, target=dossier)
    return dossier


@transaction.atomic
def close_dossier(*, by: Actor, dossier: Dossier) -> Dossier:
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    person = by.effective
    assert person is not None  # people close dossiers, not the system
    if not selectors.can_edit(person, dossier):
        raise NotAllowed()
    if dossier.status != Dossier.Status.OPEN:
        raise ValidationError(_("Only an open dossier can be closed."))
    dossier.status, dossier.closed_at = Dossier.Status.CLOSED, timezone.now()
    dossier.save()
    events.record(verb="dossier.closed", actor=by, agency=dossier.agency_id, target=dossier,
                  data={"documents": dossier.items.count()})
    return dossier


def file_document(*, by: Actor, dossier: Dossier, document: Any, label: str, document_date: Any = None,
                  secret: bool = False) -> DossierItem:
    """File a document into a dossier (called inside the caller's transaction, after the caller
    has checked the person may see the document)."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    person = by.effective
    assert person is not None and by.person is not None  # people file documents, not the system
    if not selectors.can_edit(person, dossier):
        raise NotAllowed()
    if dossier.status != Dossier.Status.OPEN:
        raise ValidationError({"dossiers": _("The dossier %(code)s is not open.") % {"code": dossier.code}})
    if secret and dossier.kind != Dossier.Kind.PERSONAL:
        raise ValidationError({"dossiers": _("A secret document can only be filed into a personal dossier.")})
    content_type = ContentType.objects.get_for_model(document)
    existing = DossierItem.objects.filter(dossier=dossier, content_type=content_type, object_id=document.pk).first()
    if existing:
        return existing
    order = (dossier.items.aggregate(m=Max("order"))["m"] or 0) + 1
    item = DossierItem.objects.create(dossier=dossier, content_type=content_type, object_id=document.pk,
                                      label=label[:300], document_date=document_date, order=order,
                                      added_by=by.person)
    events.record(verb="dossier.document_filed", actor=by, agency=dossier.agency_id, target=dossier,
                  data={"document": f"{content_type.app_label}.{content_type.model}:{document.pk}"})
    return item


@transaction.atomic
def retire_dossier(*, by: Actor, dossier: Dossier) -> Dossier:
    """The agency administrator closes an open dossier that holds documents (what the bin offers
    instead of deleting it: its documents stay filed)."""
    if not permissions.can_manage_agency(by.person, dossier.agency_id):
        raise NotAllowed()
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if dossier.status == Dossier.Status.CLOSED:
        raise ValidationError(_("Only an open dossier can be closed."))
    dossier.status, dossier.closed_at = Dossier.Status.CLOSED, timezone.now()
    dossier.save(update_fields=["status", "closed_at"])
    events.record(verb="dossier.closed", actor=by, agency=dossier.agency_id, target=dossier,
                  data={"documents": dossier.items.count(), "retired": True})
    return dossier


# --- Hand-over (000 Đ4.1.d; core.handover) ----------------------------------------------------

def open_kept(person: Any, agency_id: int) -> Any:
    """The dossiers the person keeps in the agency that are not closed (planned or open)."""
    return Dossier.objects.filter(owner=person, agency_id=agency_id).exclude(status=Dossier.Status.CLOSED)


def hand_over(*, by: Actor, person: Any, successor: Any, agency_id: int, note: str = "") -> int:
    """The successor keeps the person's dossiers that are not closed; each records
    `dossier.handed_over`. The caller checks who may and holds the transaction."""
    with transaction.atomic():
        ids = list(open_kept(person, agency_id).select_for_update().order_by("pk").values_list("pk", flat=True))
        if not ids:
            return 0
        Dossier.objects.filter(pk__in=ids).update(owner=successor)
        data = {"from": person.pk, "from_name": str(person), "to": successor.pk, "to_name": str(successor),
                "note": note[:500]}
        for dossier in Dossier.objects.filter(pk__in=ids).order_by("pk"):
            events.record(verb="dossier.handed_over", actor=by, agency=dossier.agency_id, target=dossier, data=data)
    return len(ids)

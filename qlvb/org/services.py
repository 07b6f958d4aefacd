"""Organisation writes (R1–R3, R5). Each checks permission, validates, saves and records an event
in one transaction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.org import permissions
from qlvb.org.models import Agency, Delegation, Field, Person, Position, Post, SigningAuthority, Unit
from qlvb.org.roles import roles_of


def _require_manager(by: Actor, agency: Agency | int | None) -> None:
    if not permissions.can_manage_agency(by.person, agency):
        raise NotAllowed()


def _apply(obj: models.Model, changes: dict[str, Any]) -> dict[str, list[Any]]:
    """Set attributes, validate, and return {field: [old, new]} for what really changed."""
    diff: dict[str, list[Any]] = {}
    for name, value in changes.items():
        old = getattr(obj, name)
        if old != value:
            diff[name] = [str(getattr(old, "pk", old)) if old is not None else None,
                          str(getattr(value, "pk", value)) if value is not None else None]
            setattr(obj, name, value)
    obj.full_clean()
    return diff


# --- Agencies ------------------------------------------------------------------------------

@transaction.atomic
def create_agency(*, by: Actor, code: str, abbreviation: str, name: str, parent: Agency | None = None,
                  **extra: Any) -> Agency:
    if not permissions.is_installation_admin(by.person):
        raise NotAllowed()
    agency = Agency(code=code.strip().upper(), abbreviation=abbreviation.strip(), name=name.strip(),
                    parent=parent, **extra)
    agency.full_clean()
    agency.save()
    events.record(verb="org.agency_created", actor=by, agency=agency, target=agency,
                  data={"code": agency.code, "name": agency.name})
    return agency


@transaction.atomic
def update_agency(*, by: Actor, agency: Agency, **changes: Any) -> Agency:
    _require_manager(by, agency)
    if not permissions.is_installation_admin(by.person):
        # The national code and the place in the hierarchy are the installation's business.
        changes.pop("code", None)
        changes.pop("parent", None)
    if changes.get("parent") is not None and _is_descendant_agency(changes["parent"], agency):
        raise ValidationError({"parent": _("An agency cannot be placed under itself.")})
    diff = _apply(agency, changes)
    if diff:
        agency.save()
        events.record(verb="org.agency_updated", actor=by, agency=agency, target=agency, data={"changes": diff})
    return agency


def _is_descendant_agency(candidate: Agency, agency: Agency) -> bool:
    node: Agency | None = candidate
    while node is not None:
        if node.pk == agency.pk:
            return True
        node = node.parent
    return False


# --- Units and positions -------------------------------------------------------------------

def _check_unit_parent(unit: Unit, parent: Unit | None) -> None:
    if parent is None:
        return
    if parent.agency_id != unit.agency_id:
        raise ValidationError({"parent": _("The parent unit must belong to the same agency.")})
    node: Unit | None = parent
    while node is not None:
        if unit.pk and node.pk == unit.pk:
            raise ValidationError({"parent": _("A unit cannot be placed under itself.")})
        node = node.parent


@transaction.atomic
def create_unit(*, by: Actor, agency: Agency, name: str, abbreviation: str, kind: str = Unit.Kind.DEPARTMENT,
                parent: Unit | None = None, order: int = 0) -> Unit:
    _require_manager(by, agency)
    unit = Unit(agency=agency, name=name.strip(), abbreviation=abbreviation.strip(), kind=kind, parent=parent,
                order=order)
    _check_unit_parent(unit, parent)
    unit.full_clean()
    unit.save()
    events.record(verb="org.unit_created", actor=by, agency=agency, target=unit,
                  data={"name": unit.name, "parent": parent.pk if parent else None})
    return unit


@transaction.atomic
def update_unit(*, by: Actor, unit: Unit, **changes: Any) -> Unit:
    _require_manager(by, unit.agency_id)
    changes.pop("agency", None)
    if "parent" in changes:
        _check_unit_parent(unit, changes["parent"])
    if changes.get("is_active") is False and unit.posts.filter(end_date__isnull=True).exists():
        raise ValidationError({"is_active": _("People still hold posts in this unit; move them first.")})
    diff = _apply(unit, changes)
    if diff:
        unit.save()
        events.record(verb="org.unit_updated", actor=by, agency=unit.agency_id, target=unit,
                      data={"changes": diff})
    return unit


@transaction.atomic
def create_position(*, by: Actor, agency: Agency, name: str, kind: str, order: int = 0) -> Position:
    _require_manager(by, agency)
    position = Position(agency=agency, name=name.strip(), kind=kind, order=order)
    position.full_clean()
    position.save()
    events.record(verb="org.position_created", actor=by, agency=agency, target=position,
                  data={"name": position.name, "kind": kind})
    return position


@transaction.atomic
def update_position(*, by: Actor, position: Position, **changes: Any) -> Position:
    _require_manager(by, position.agency_id)
    changes.pop("agency", None)
    diff = _apply(position, changes)
    if diff:
        position.save()
        events.record(verb="org.position_updated", actor=by, agency=position.agency_id, target=position,
                      data={"changes": diff})
    return position


# --- People and posts ----------------------------------------------------------------------

@transaction.atomic
def update_person(*, by: Actor, person: Person, **changes: Any) -> Person:
    if not permissions.can_manage_person(by.person, person):
        raise NotAllowed()
    allowed = {"full_name", "email", "phone", "is_agency_admin"}
    changes = {k: v for k, v in changes.items() if k in allowed}
    if person == by.person and changes.get("is_agency_admin") is False:
        raise ValidationError({"is_agency_admin": _("You cannot remove your own administrator rights.")})
    diff = _apply(person, changes) if changes else {}
    if diff:
        person.save()
        events.record(verb="org.person_updated", actor=by, agency=person.agency_id, target=person,
                      data={"changes": diff})
    return person


@transaction.atomic
def assign_post(*, by: Actor, person: Person, unit: Unit, position: Position, is_concurrent: bool = False,
                start_date: date | None = None) -> Post:
    _require_manager(by, unit.agency_id)
    if position.agency_id != unit.agency_id:
        raise ValidationError({"position": _("The position must belong to the unit's agency.")})
    if Post.objects.filter(person=person, unit=unit, position=position, end_date__isnull=True).exists():
        raise ValidationError({"position": _("This person already holds this post.")})
    if not is_concurrent and person.agency_id != unit.agency_id:
        raise ValidationError({"is_concurrent": _("A post in another agency can only be a concurrent post.")})
    post = Post(person=person, agency_id=unit.agency_id, unit=unit, position=position,
                is_concurrent=is_concurrent, start_date=start_date or timezone.localdate())
    post.full_clean()
    post.save()
    events.record(verb="org.post_assigned", actor=by, agency=unit.agency_id, target=person,
                  data={"unit": unit.name, "position": position.name, "concurrent": is_concurrent})
    return post


@transaction.atomic
def end_post(*, by: Actor, post: Post, end_date: date | None = None) -> Post:
    _require_manager(by, post.agency_id)
    if post.end_date is not None:
        raise ValidationError(_("This post has already ended."))
    post.end_date = end_date or timezone.localdate()
    post.save(update_fields=["end_date"])
    events.record(verb="org.post_ended", actor=by, agency=post.agency_id, target=post.person,
                  data={"unit": post.unit.name, "position": post.position.name})
    return post


# --- Fields of work and signing authority --------------------------------------------------

def _check_same_agency(agency_id: int, *, leader: Person | None = None, units: list[Unit] | None = None) -> None:
    if leader is not None and agency_id not in permissions.member_agency_ids(leader):
        raise ValidationError({"leader": _("The leader must work in this agency.")})
    if units and any(unit.agency_id != agency_id for unit in units):
        raise ValidationError({"units": _("Every unit must belong to this agency.")})


@transaction.atomic
def save_field(*, by: Actor, agency: Agency, name: str, abbreviation: str = "", leader: Person | None = None,
               units: list[Unit] | None = None, field: Field | None = None) -> Field:
    _require_manager(by, agency)
    _check_same_agency(agency.pk, leader=leader, units=units)
    created = field is None
    field = field or Field(agency=agency)
    if field.agency_id != agency.pk:
        raise NotAllowed()
    field.name, field.abbreviation, field.leader = name.strip(), abbreviation.strip(), leader
    field.full_clean()
    field.save()
    if units is not None:
        field.units.set(units)
    events.record(verb="org.field_created" if created else "org.field_updated", actor=by, agency=agency,
                  target=field, data={"name": field.name, "leader": leader.pk if leader else None,
                                      "units": sorted(u.pk for u in units or [])})
    return field


@transaction.atomic
def save_signing_authority(*, by: Actor, agency: Agency, person: Person, capacity: str = "",
                           scope: str = SigningAuthority.Scope.AGENCY, unit: Unit | None = None,
                           document_types: list[str] | None = None, fields: list[Field] | None = None,
                           authority: SigningAuthority | None = None) -> SigningAuthority:
    _require_manager(by, agency)
    _check_same_agency(agency.pk, leader=person, units=[unit] if unit else None)
    if scope == SigningAuthority.Scope.UNIT and unit is None:
        raise ValidationError({"unit": _("Choose the unit whose documents this person signs.")})
    if fields and any(f.agency_id != agency.pk for f in fields):
        raise ValidationError({"fields": _("Every field must belong to this agency.")})
    created = authority is None
    authority = authority or SigningAuthority(agency=agency)
    if authority.agency_id != agency.pk:
        raise NotAllowed()
    authority.person, authority.capacity, authority.scope = person, capacity, scope
    authority.unit = unit if scope == SigningAuthority.Scope.UNIT else None
    authority.document_types = sorted(set(document_types or []))
    authority.full_clean()
    authority.save()
    authority.fields.set(fields or [])
    events.record(verb="org.signing_authority_saved", actor=by, agency=agency, target=person,
                  data={"id": authority.pk, "created": created, "capacity": capacity, "scope": scope,
                        "types": authority.document_types, "fields": sorted(f.pk for f in fields or [])})
    return authority


@transaction.atomic
def delete_signing_authority(*, by: Actor, authority: SigningAuthority) -> None:
    _require_manager(by, authority.agency_id)
    events.record(verb="org.signing_authority_removed", actor=by, agency=authority.agency_id,
                  target=authority.person, data={"id": authority.pk})
    authority.delete()


# --- Delegation (R5) -----------------------------------------------------------------------

def _may_approve(approver: Person, delegation: Delegation) -> bool:
    """A leader of the agency approves; the agency head's own delegation needs no one else."""
    if approver.pk == delegation.delegate_id:
        return False
    roles = roles_of(approver)
    if approver.pk == delegation.delegator_id:
        return roles.is_agency_head
    return roles.is_agency_leader and delegation.agency_id in permissions.member_agency_ids(approver)


@transaction.atomic
def request_delegation(*, by: Actor, delegate: Person, starts_at: datetime, ends_at: datetime, reason: str,
                       scopes: list[str] | None = None) -> Delegation:
    """The delegator (by.person) asks to hand their authority to a colleague for a period."""
    delegator = by.person
    if delegator is None or delegator.agency_id is None:
        raise NotAllowed()
    errors: dict[str, str] = {}
    scopes = sorted(set(scopes or [Delegation.Scope.ALL]))
    if any(scope not in Delegation.Scope.values for scope in scopes):
        errors["scopes"] = _("Unknown scope of authority.")
    if delegate.pk == delegator.pk:
        errors["delegate"] = _("You cannot delegate to yourself.")
    elif delegator.agency_id not in permissions.member_agency_ids(delegate) or not delegate.is_active:
        errors["delegate"] = _("The delegate must be an active member of your agency.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("The end must be after the start.")
    elif ends_at <= timezone.now():
        errors["ends_at"] = _("The period is already over.")
    if not reason.strip():
        errors["reason"] = _("Please give the reason (e.g. business trip, leave).")
    if errors:
        raise ValidationError(errors)
    overlapping = Delegation.objects.filter(
        delegator=delegator, status__in=[Delegation.Status.PENDING, Delegation.Status.APPROVED],
        starts_at__lt=ends_at, ends_at__gt=starts_at,
    )
    if overlapping.exists():
        raise ValidationError({"starts_at": _("You already have a delegation in this period.")})
    delegation = Delegation.objects.create(
        agency_id=delegator.agency_id, delegator=delegator, delegate=delegate, scopes=scopes,
        starts_at=starts_at, ends_at=ends_at, reason=reason.strip()[:300],
    )
    events.record(verb="delegation.requested", actor=by, agency=delegator.agency_id, target=delegation,
                  data={"delegate": delegate.pk, "scopes": scopes, "from": starts_at, "until": ends_at})
    if roles_of(delegator).is_agency_head:
        delegation = approve_delegation(by=by, delegation=delegation)
    return delegation


@transaction.atomic
def approve_delegation(*, by: Actor, delegation: Delegation, note: str = "") -> Delegation:
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if by.person is None or not _may_approve(by.person, delegation):
        raise NotAllowed()
    if delegation.status != Delegation.Status.PENDING:
        raise ValidationError(_("This delegation has already been decided."))
    delegation.status = Delegation.Status.APPROVED
    delegation.approver = by.person
    delegation.decided_at = timezone.now()
    delegation.decision_note = note.strip()[:300]
    delegation.save()
    # The approval is the announcement: every member's home page lists delegations in force.
    events.record(verb="delegation.approved", actor=by, agency=delegation.agency_id, target=delegation,
                  data={"delegator": delegation.delegator_id, "delegate": delegation.delegate_id,
                        "from": delegation.starts_at, "until": delegation.ends_at})
    return delegation


@transaction.atomic
def reject_delegation(*, by: Actor, delegation: Delegation, note: str) -> Delegation:
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if by.person is None or not _may_approve(by.person, delegation):
        raise NotAllowed()
    if delegation.status != Delegation.Status.PENDING:
        raise ValidationError(_("This delegation has already been decided."))
    if not note.strip():
        raise ValidationError({"note": _("Please give the reason for rejecting.")})
    delegation.status = Delegation.Status.REJECTED
    delegation.approver = by.person
    delegation.decided_at = timezone.now()
    delegation.decision_note = note.strip()[:300]
    delegation.save()
    events.record(verb="delegation.rejected", actor=by, agency=delegation.agency_id, target=delegation,
                  data={"note": delegation.decision_note})
    return delegation


@transaction.atomic
def revoke_delegation(*, by: Actor, delegation: Delegation) -> Delegation:
    """The delegator (or an administrator) ends a delegation early."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    person = by.person
    allowed = person is not None and (person.pk == delegation.delegator_id
                                      or permissions.can_manage_agency(person, delegation.agency_id))
    if not allowed:
        raise NotAllowed()
    if delegation.status not in (Delegation.Status.PENDING, Delegation.Status.APPROVED):
        raise ValidationError(_("This delegation is no longer active."))
    now = timezone.now()
    delegation.status = Delegation.Status.REVOKED
    if delegation.ends_at > now:
        delegation.ends_at = max(now, delegation.starts_at)
    delegation.ended_notified = True
    delegation.save()
    events.record(verb="delegation.revoked", actor=by, agency=delegation.agency_id, target=delegation)
    return delegation


def end_expired_delegations(now: datetime | None = None) -> int:
    """Record the end of every approved delegation whose period is over (run by a periodic job).

    The delegation already stopped working at ends_at; this makes the end visible in the log
    and in reminders. Safe to run any number of times.
    """
    now = now or timezone.now()
    ended = 0
    due = Delegation.objects.filter(status=Delegation.Status.APPROVED, ends_at__lte=now, ended_notified=False)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            delegation = Delegation.objects.select_for_update().get(pk=pk)
            if delegation.ended_notified:
                continue
            delegation.ended_notified = True
            delegation.save(update_fields=["ended_notified"])
            events.record(verb="delegation.ended", agency=delegation.agency_id, target=delegation,
                          data={"until": delegation.ends_at})
            ended += 1
    return ended

"""The bin: nothing an administrator deletes is gone at once (R30: data loss by an administrator's
error is prevented, not only punished).

Each app that owns something an administrator may delete (people and units, registers, dossiers,
draft templates) registers a BinKind in its AppConfig.ready(). Then, for one object:

- `references()` says what uses it, by the database's own foreign keys (every row pointing at it,
  events included, except the kind's own `parts`, which go and come back with it). Something used
  by documents, events or other rows is never deleted, only retired by the app's own service
  (`retire`: a person's account deactivated, a unit or register closed, a dossier closed);
- `move_to_bin()` hides it (`deleted_at` set, and `is_active` cleared where the model has one, so
  every list, choice and sign-in that already ignores retired rows ignores it too) and writes a
  BinEntry with what restoring must put back;
- `restore()` puts it back exactly as it was: its parts never left;
- `purge()` deletes it for good, the installation administrator's act or the nightly job's once it
  has waited `QLVB_BIN_DAYS` — and only if nothing has come to use it meanwhile.

Every move, restore and purge is an event of the object's agency (bin.moved, bin.restored,
bin.purged); a retire is the event of the app's service.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qlvb.core import events, policy
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import BinEntry

# Counting stops here: "10.000+ events" says enough, and a count of millions would take seconds.
COUNT_CAP = 10_000


def hide(obj: Any) -> dict[str, Any]:
    """The default move: `deleted_at` set, `is_active` cleared (kept in the entry's state)."""
    state: dict[str, Any] = {}
    update = ["deleted_at"]
    if hasattr(obj, "is_active"):
        state["is_active"] = obj.is_active
        obj.is_active = False
        update.append("is_active")
    obj.deleted_at = timezone.now()
    obj.save(update_fields=update)
    return state


def unhide(obj: Any, state: dict[str, Any]) -> None:
    update = ["deleted_at"]
    obj.deleted_at = None
    if "is_active" in state:
        obj.is_active = state["is_active"]
        update.append("is_active")
    obj.save(update_fields=update)


@dataclass(frozen=True)
class BinKind:
    model: str  # "org.Unit"
    label: Any  # translated name of one ("Unit")
    # The owning app's service that retires the object instead (deactivate, close); it checks its
    # own permission and records its own event.
    retire: Callable[[Actor, Any], Any]
    retire_label: Any  # the action ("Deactivate the account")
    is_retired: Callable[[Any], bool] = lambda obj: not getattr(obj, "is_active", True)
    # Reverse relations that belong to the object, as "app.model.field" of the pointing field
    # ("org.post.person"): not references; purged with it.
    parts: frozenset[str] = frozenset()
    agency_of: Callable[[Any], int | None] = lambda obj: obj.agency_id
    # Who may delete, restore or retire it; default: whoever manages its agency.
    may_manage: Callable[[Any, Any], bool] | None = None
    url: Callable[[Any], str] | None = None  # the object's page (after a restore)
    # The moves themselves, for a kind that needs more than the default's deleted_at/is_active.
    hide: Callable[[Any], dict[str, Any]] = hide
    unhide: Callable[[Any, dict[str, Any]], None] = unhide

    @property
    def name(self) -> str:
        return self.model.lower()  # "org.unit": also the events' target_type

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


_kinds: dict[str, BinKind] = {}


def register(kind: BinKind) -> BinKind:
    _kinds[kind.name] = kind
    return kind


def get(name: str) -> BinKind:
    """The kind of this name ("org.unit"); KeyError for an unknown one (callers answer 404)."""
    return _kinds[name]


def all_kinds() -> list[BinKind]:
    return list(_kinds.values())


def kind_of(obj: Any) -> BinKind:
    return _kinds[obj._meta.label_lower]


def days() -> int:
    return int(getattr(settings, "QLVB_BIN_DAYS", 30))


def restorable_until(binned_at: datetime | None = None) -> date:
    """The last day an entry binned at that moment (now by default) can still be restored."""
    return timezone.localdate((binned_at or timezone.now()) + timedelta(days=days()))


def is_binned(obj: Any) -> bool:
    return getattr(obj, "deleted_at", None) is not None


# --- What uses an object ----------------------------------------------------------------------

# Names for rows whose model has no translated plural of its own (others: their verbose_name_plural).
_NAMES: dict[str, Any] = {
    "core.event": gettext_lazy("events in the log"),
    "core.binentry": gettext_lazy("items moved to the bin"),
    "incoming.assignment": gettext_lazy("assignments of incoming documents"),
    "incoming.documentaccess": gettext_lazy("incoming documents they may read"),
    "incoming.unittally": gettext_lazy("counts of incoming documents"),
    "incoming.incomingfile": gettext_lazy("files of incoming documents"),
    "incoming.handlingnote": gettext_lazy("handling notes"),
    "outgoing.recipient": gettext_lazy("recipients of outgoing documents"),
    "outgoing.outgoingaccess": gettext_lazy("outgoing documents they may read"),
    "outgoing.outgoingsettings": gettext_lazy("review settings (format checker)"),
    "outgoing.drafttemplate": gettext_lazy("drafting templates"),
    "outgoing.draftversion": gettext_lazy("draft versions"),
    "outgoing.reviewstep": gettext_lazy("review steps of outgoing documents"),
    "outgoing.signingauthorisation": gettext_lazy("signing authorisations"),
    "exchange.receptionitem": gettext_lazy("documents received from other agencies"),
    "dossiers.dossierplan": gettext_lazy("dossier plans"),
    "dossiers.dossieritem": gettext_lazy("filed documents"),
    "registers.registercounter": gettext_lazy("yearly counters"),
    "accounts.loginsession": gettext_lazy("sign-in sessions"),
    "accounts.totpdevice": gettext_lazy("two-step sign-in devices"),
    "accounts.apitoken": gettext_lazy("API tokens"),
    "search.savedsearch": gettext_lazy("saved searches"),
}


@dataclass(frozen=True)
class Reference:
    label: str
    count: int  # COUNT_CAP or more: "at least"

    def __str__(self) -> str:
        shown = formats.number_format(min(self.count, COUNT_CAP), force_grouping=True)
        return f"{shown}{'+' if self.count >= COUNT_CAP else ''} {self.label}"


def _reverse_relations(model: type[models.Model]) -> Iterator[Any]:
    for relation in model._meta.get_fields(include_hidden=True):
        related: Any = relation.related_model
        if (relation.auto_created and not relation.concrete and related is not None
                and not related._meta.auto_created):  # an m2m's own table
            yield relation


def _key(relation: Any) -> str:
    return f"{relation.related_model._meta.label_lower}.{relation.field.name}"


def _pointing(relation: Any, obj: Any) -> QuerySet[Any]:
    return relation.related_model._base_manager.filter(**{relation.field.name: obj})


def references(obj: Any, kind: BinKind | None = None) -> list[Reference]:
    """Every kind of row that points at the object (its own parts aside), with how many: one
    count per model pointing at it (a document it drafted and signed counts once), stopped at
    COUNT_CAP."""
    kind = kind or kind_of(obj)
    by_model: dict[type[models.Model], list[str]] = {}
    for relation in _reverse_relations(type(obj)):
        if _key(relation) not in kind.parts:
            by_model.setdefault(relation.related_model, []).append(relation.field.name)
    found = []
    for model, names in by_model.items():
        condition = reduce(operator.or_, (models.Q(**{name: obj}) for name in names))
        # No ordering: a model's default order would sort every match before the cap.
        count = model._base_manager.filter(condition).order_by().values("pk")[:COUNT_CAP].count()
        if count:
            label = _NAMES.get(model._meta.label_lower, model._meta.verbose_name_plural)
            found.append(Reference(str(label), count))
    return found


def describe(found: list[Reference]) -> str:
    return ", ".join(str(reference) for reference in found)


# --- Who may ----------------------------------------------------------------------------------

def may_manage(person: Any, obj: Any, kind: BinKind | None = None) -> bool:
    kind = kind or kind_of(obj)
    if kind.may_manage is not None:
        return bool(kind.may_manage(person, obj))
    agency_id = kind.agency_of(obj)
    if agency_id is None:
        return policy.is_installation_admin(person)
    return policy.can_manage_agency(person, agency_id)


def may_purge(person: Any) -> bool:
    """Deleting for good before the period ends is the installation administrator's alone."""
    return policy.is_installation_admin(person)


def entries_for(person: Any) -> QuerySet[BinEntry]:
    """The bin as this person sees it: everything for the installation's administrator, their own
    agency's entries for an agency administrator, nothing for anyone else."""
    entries = BinEntry.objects.select_related("binned_by").order_by("-binned_at", "-id")
    if policy.is_installation_admin(person):
        return entries
    agency_id = getattr(person, "agency_id", None)
    if agency_id is None or not policy.can_manage_agency(person, agency_id):
        return entries.none()
    return entries.filter(agency_id=agency_id)


def _kind_of_entry(entry: BinEntry) -> BinKind:
    try:
        return get(entry.kind)
    except KeyError:  # binned by an app no longer installed: left as it is
        raise NotAllowed() from None


def binned_object(entry: BinEntry) -> Any:
    return _kind_of_entry(entry).model_class._base_manager.filter(pk=entry.object_id).first()


# --- The moves --------------------------------------------------------------------------------

def _locked(obj: Any) -> Any:
    fresh = type(obj)._base_manager.select_for_update().filter(pk=obj.pk).first()
    if fresh is None:
        raise ValidationError(_("It no longer exists."))
    return fresh


@transaction.atomic
def move_to_bin(*, by: Actor, obj: Any) -> BinEntry:
    """Hide the object and keep it restorable; refused (ValidationError, nothing changed) when
    anything uses it: then it can only be retired."""
    kind = kind_of(obj)
    if not may_manage(by.person, obj, kind):
        raise NotAllowed()
    obj = _locked(obj)
    if is_binned(obj):
        raise ValidationError(_("It is already in the bin."))
    found = references(obj, kind)
    if found:
        raise ValidationError(_("%(name)s is used by %(references)s: it can only be retired, not deleted.")
                              % {"name": obj, "references": describe(found)})
    label = str(obj)[:300]
    state = kind.hide(obj)
    entry = BinEntry.objects.create(kind=kind.name, object_id=obj.pk, agency_id=kind.agency_of(obj),
                                    label=label, binned_at=obj.deleted_at or timezone.now(),
                                    binned_by=by.person, state=state)
    events.record(verb="bin.moved", actor=by, agency=entry.agency_id, target=obj,
                  data={"kind": kind.name, "restorable_until": restorable_until(entry.binned_at)})
    return entry


@transaction.atomic
def restore(*, by: Actor, entry: BinEntry) -> Any:
    """Put the object back as it was before the move (its parts never left)."""
    kind = _kind_of_entry(entry)
    obj = binned_object(entry)
    if obj is None or not may_manage(by.person, obj, kind):
        raise NotAllowed()
    obj = _locked(obj)
    kind.unhide(obj, entry.state)
    events.record(verb="bin.restored", actor=by, agency=entry.agency_id, target=obj,
                  data={"kind": kind.name, "binned_at": entry.binned_at})
    BinEntry.objects.filter(pk=entry.pk).delete()
    return obj


def _delete(obj: Any, kind: BinKind) -> None:
    # Parts that protect themselves (a register's counters) go first; the rest cascade.
    for relation in _reverse_relations(type(obj)):
        if _key(relation) in kind.parts and relation.on_delete is models.PROTECT:
            _pointing(relation, obj).delete()
    obj.delete()


@transaction.atomic
def purge(*, by: Actor | None, entry: BinEntry) -> None:
    """Delete the binned object for good. `by` None: the nightly job, past the period. Refused
    when something has come to use it since (it stays in the bin, restorable)."""
    kind = _kind_of_entry(entry)
    if by is not None and not may_purge(by.person):
        raise NotAllowed()
    obj = binned_object(entry)
    if obj is None:  # gone another way: the entry is all that is left
        BinEntry.objects.filter(pk=entry.pk).delete()
        return
    obj = _locked(obj)
    found = references(obj, kind)
    if found:
        raise ValidationError(_("%(name)s is now used by %(references)s: it cannot be deleted for good.")
                              % {"name": obj, "references": describe(found)})
    events.record(verb="bin.purged", actor=by or Actor.system(), agency=entry.agency_id, target=obj,
                  data={"kind": kind.name, "binned_at": entry.binned_at,
                        "binned_by": entry.binned_by_id, "nightly": by is None})
    BinEntry.objects.filter(pk=entry.pk).delete()
    _delete(obj, kind)


def purge_expired(now: datetime | None = None) -> int:
    """The nightly purge: everything binned more than QLVB_BIN_DAYS ago and still unused. One
    transaction each, so one refusal does not keep the others."""
    cutoff = (now or timezone.now()) - timedelta(days=days())
    purged = 0
    for entry in BinEntry.objects.filter(binned_at__lt=cutoff).order_by("binned_at", "pk"):
        try:
            purge(by=None, entry=entry)
        except (ValidationError, NotAllowed):
            continue  # used by something now (kept, restorable), or of an app no longer installed
        purged += 1
    return purged


def retire(*, by: Actor, obj: Any) -> None:
    """Retire instead of deleting, through the owning app's service."""
    kind = kind_of(obj)
    if is_binned(obj) or not may_manage(by.person, obj, kind):
        raise NotAllowed()
    if kind.is_retired(obj):
        raise ValidationError(_("It is already retired."))
    kind.retire(by, obj)

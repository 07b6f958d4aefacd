"""Hand-over (000 Đ4.1.d): a person's open work in an agency given to named successors, every
provider of core.handover in ONE transaction (all or nothing), with a HandOver record and an event
on it; each provider records its own event on each item it moves."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qlvb.core import events, handover
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.text import clean
from qlvb.handover import rules
from qlvb.handover.models import HandOver
from qlvb.org.models import Agency, Person, Post


def check_successor(person: Person, successor: Person | None, agency_id: int, field: str = "successor") -> Person:
    """A successor is someone else, active, holding a post in force in the agency."""
    if successor is None:
        raise ValidationError({field: _("Name the successor.")})
    if successor.pk == person.pk:
        raise ValidationError({field: _("The work cannot be handed over to the person himself.")})
    if not successor.is_active or not Post.objects.filter(person=successor, agency_id=agency_id,
                                                          end_date__isnull=True).exists():
        raise ValidationError({field: _("The successor must hold a post in force in this agency.")})
    return successor


def hand_over(*, by: Actor, person: Person, agency: Agency, successor: Person | None,
              per_provider: Mapping[str, Person | None] | None = None, note: str = "") -> HandOver:
    """Give everything the person holds open in the agency to `successor`, or to the successor named
    for a provider in `per_provider`. Refused (nothing changed) for a successor of another agency,
    the person himself, someone without a post in force, or when nothing is open."""
    if not rules.may_hand_over(by.effective, person, agency.pk):
        raise NotAllowed()
    main = check_successor(person, successor, agency.pk)
    chosen: dict[str, Person] = {}
    for provider in handover.providers():
        other = (per_provider or {}).get(provider.name)
        chosen[provider.name] = (check_successor(person, other, agency.pk, field=f"successor_{provider.name}")
                                 if other is not None else main)
    note = clean(note or "")[:1000]
    with transaction.atomic():
        counts = {provider.name: provider.hand_over(by, person, chosen[provider.name], agency.pk, note)
                  for provider in handover.providers()}
        total = sum(counts.values())
        if not total:
            raise ValidationError(_("%(name)s holds no open work in this agency.") % {"name": person})
        record = HandOver.objects.create(
            agency=agency, person=person, successor=main, by=by.person or main, on_behalf_of=by.on_behalf_of,
            counts=counts, successors={name: p.pk for name, p in chosen.items() if p.pk != main.pk},
            total=total, note=note)
        events.record(verb="handover.done", actor=by, agency=agency, target=record, data={
            "from": person.pk, "from_name": str(person), "to": main.pk, "to_name": str(main), "counts": counts,
            "successors": sorted({p.pk for p in chosen.values()}), "total": total})
    return record

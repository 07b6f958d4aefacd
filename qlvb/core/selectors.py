"""Reads of the event log: the audit log, timelines and recent activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from qlvb.core.actor import Person
from qlvb.core.models import Event


@dataclass
class EventFilter:
    verb: str = ""
    actor_id: int | None = None
    target: str = ""
    since: date | None = None
    until: date | None = None
    text: str = ""


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_log(*, agency_id: int | None, filters: EventFilter) -> QuerySet[Event]:
    """The agency's events, newest first; agency_id None means the installation's own chain."""
    events = Event.objects.filter(agency_id=agency_id) if agency_id else Event.objects.filter(agency__isnull=True)
    if filters.verb:
        events = events.filter(verb__startswith=filters.verb)
    if filters.actor_id:
        events = events.filter(Q(actor_id=filters.actor_id) | Q(on_behalf_of_id=filters.actor_id))
    if filters.target:
        events = events.filter(target_label__icontains=filters.target)
    if filters.text:
        events = events.filter(Q(target_label__icontains=filters.text) | Q(verb__icontains=filters.text))
    if filters.since:
        events = events.filter(at__gte=_day_start(filters.since))
    if filters.until:
        events = events.filter(at__lt=_day_start(filters.until) + timedelta(days=1))
    return events.select_related("actor", "on_behalf_of").order_by("-at", "-id")


def timeline(target: Model) -> QuerySet[Event]:
    return (Event.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
            .select_related("actor", "on_behalf_of").order_by("at", "id"))


def last_own_event(person: Person) -> tuple[int | None, int | None]:
    """The newest event the person made, for themselves and for someone else: what recent_activity
    shows moves with them, the openings of secret documents included (core.personcache leaves those
    quiet)."""
    newest = Event.objects.order_by("-at").values_list("pk", flat=True)
    return newest.filter(actor=person).first(), newest.filter(on_behalf_of=person).first()


def recent_activity(person: Person, limit: int = 8) -> list[Event]:
    # Two index range scans merged here: with OR the planners read every event of the person
    # (millions for a busy clerk) to sort them; each side alone stops after `limit` rows.
    # Signing in and out is the audit log's business, not what the person did.
    base = (Event.objects.select_related("actor", "on_behalf_of").exclude(verb__startswith="auth.")
            .order_by("-at", "-id"))
    mine = list(base.filter(actor=person)[:limit]) + list(base.filter(on_behalf_of=person)[:limit])
    unique = {event.pk: event for event in mine}
    return sorted(unique.values(), key=lambda e: (e.at, e.pk), reverse=True)[:limit]

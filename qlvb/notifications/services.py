"""Writing notifications and marking them read (the subscribers in routes.py call notify)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation

from qlvb.core import events
from qlvb.core import rows as core_rows
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.notifications.models import AgencyDefault, Notification, Preference, PushSubscription, default_channels
from qlvb.org import permissions
from qlvb.org.models import Agency, Person


def notify(people: Iterable[Person], *, kind: str, params: dict[str, Any], url: str = "", urgent: bool = False,
           target_type: str = "", target_id: str = "", key: str, event_id: int | None = None) -> int:
    """One notification per person, once per `key` (run again, it writes nothing new)."""
    now = timezone.now()
    rows = [Notification(person=person, kind=kind, params=params, url=url[:300], urgent=urgent,
                         target_type=target_type, target_id=target_id, event_id=event_id, key=key[:120],
                         created_at=now) for person in people]
    if not rows:
        return 0
    # No block of its own: inside a change, its statements join the change's transaction; after a
    # commit (the routes run there), each commits alone and on_commit queues the jobs at once, a
    # row already written. Every registration and routing comes here: round trips count.
    fresh: dict[int, int] = {}  # person → the row just written for them (never e-mailed yet)
    if len(rows) == 1:  # a registration's leader, a routing's one assignee: one INSERT, its id returned
        if core_rows.insert(rows[0], ignore_conflicts=True):
            fresh[rows[0].person_id] = rows[0].pk
    else:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
    recipients = [row.person for row in rows]
    channels = channels_for([(p.pk, p.agency_id) for p in recipients], [kind])  # both channels, one reading
    by_email = wanting(Preference.Channel.EMAIL, kind, recipients, channels=channels)
    by_push = wanting(Preference.Channel.PUSH, kind, recipients, channels=channels)
    if not (by_email or by_push):
        return len(rows)
    emails: list[int] = [fresh[p] for p in sorted(by_email) if p in fresh]
    pushes: list[int] = []
    if by_push and all(p in fresh for p in by_push):  # new rows: pushed to those with a device
        pushes = [fresh[p] for (p,) in _WITH_DEVICE.rows(sorted(by_push))]
        by_push = set()
    # The rows not just written (written before by a run of the same key) and those to push: what
    # each was sent already, and whether the person has a device.
    asked = {p for p in by_email if p not in fresh} | by_push
    for pk, person_id, emailed, pushed, device in (
            Notification.objects.filter(key=key[:120], person_id__in=sorted(asked))
            .annotate(device=Exists(PushSubscription.objects.filter(person_id=OuterRef("person_id"))))
            .values_list("pk", "person_id", "emailed_at", "pushed_at", "device") if asked else ()):
        if person_id in by_email and person_id not in fresh and emailed is None:
            emails.append(pk)
        if person_id in by_push and pushed is None and device:
            pushes.append(pk)
    if emails:
        transaction.on_commit(lambda: _queue_emails(emails))
    if pushes:
        transaction.on_commit(lambda: _queue_pushes(pushes))
    return len(rows)


@dataclass(frozen=True)
class Notice:
    """One notification of a batch (notify_batch): each with its own key."""

    person_id: int
    kind: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    url: str = ""
    urgent: bool = False
    target_type: str = ""
    target_id: str = ""


def notify_batch(notices: Sequence[Notice]) -> int:
    """Many notifications, each once per person and its own key, in one insert (the reminder run
    writes thousands: one query per batch, not per document). Those who want a kind by e-mail or
    push get it as with notify(). Returns how many were given (rows already there are left as they are)."""
    if not notices:
        return 0
    now = timezone.now()
    rows = [Notification(person_id=n.person_id, kind=n.kind, params=n.params, url=n.url[:300], urgent=n.urgent,
                         target_type=n.target_type, target_id=n.target_id, key=n.key[:120], created_at=now)
            for n in notices]
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        by_email = _wanting_email({(n.person_id, n.kind) for n in notices})
        if by_email:
            keys = sorted({n.key[:120] for n in notices if (n.person_id, n.kind) in by_email})
            ids = [pk for pk, person_id, kind in Notification.objects.filter(
                key__in=keys, person_id__in=sorted({p for p, _ in by_email}), emailed_at__isnull=True,
                created_at=now).values_list("pk", "person_id", "kind") if (person_id, kind) in by_email]
            if ids:
                transaction.on_commit(lambda: _queue_emails(ids))
        by_push = _wanting_push({(n.person_id, n.kind) for n in notices})
        if by_push:
            keys = sorted({n.key[:120] for n in notices if (n.person_id, n.kind) in by_push})
            pushed = [pk for pk, person_id, kind in Notification.objects.filter(
                key__in=keys, person_id__in=sorted({p for p, _ in by_push}), pushed_at__isnull=True,
                created_at=now).values_list("pk", "person_id", "kind") if (person_id, kind) in by_push]
            if pushed:
                transaction.on_commit(lambda: _queue_pushes(pushed))
    return len(rows)


def _wanting_push(pairs: set[tuple[int, str]]) -> set[tuple[int, str]]:
    """Of these (person, kind), those who want that kind by push and have a device to push to."""
    people = list(Person.objects.filter(pk__in=sorted({p for p, _ in pairs}), is_active=True,
                                        push_subscriptions__isnull=False).distinct().values_list("pk", "agency_id"))
    if not people:
        return set()
    channels = channels_for(people, {k for _, k in pairs})
    return {(p, k) for p, k in pairs if Preference.Channel.PUSH in channels.get((p, k), ())}


def _wanting_email(pairs: set[tuple[int, str]]) -> set[tuple[int, str]]:
    """Of these (person, kind), those who want that kind by e-mail and have an address."""
    people = list(Person.objects.filter(pk__in=sorted({p for p, _ in pairs}), is_active=True).exclude(email="")
                  .values_list("pk", "agency_id"))
    if not people:
        return set()
    channels = channels_for(people, {k for _, k in pairs})
    return {(p, k) for p, k in pairs if Preference.Channel.EMAIL in channels.get((p, k), ())}


def channels_for(people: Iterable[tuple[int, int | None]], kinds: Iterable[str]) -> dict[tuple[int, str], set[str]]:
    """For many people at once, given as (person id, agency id): per (person, kind) the channels
    they want (their choice, else their agency's default, else the installation's), in two queries."""
    people = list(people)
    kinds = sorted(set(kinds))
    person_ids, agencies = sorted(p for p, _ in people), sorted({a for _, a in people if a})
    chosen: dict[tuple[int, str], list[str]]
    by_agency: dict[tuple[int | None, str], list[str]]
    if len(kinds) == 1:  # a notification of one kind (every registration, routing…): compiled once
        chosen = {(p, kinds[0]): c for p, c in _CHOSEN.rows(person_ids, kinds[0])}
        by_agency = {(a, kinds[0]): c for a, c in _AGENCY_DEFAULT.rows(agencies, kinds[0])}
    else:
        chosen = {(p, k): c for p, k, c in Preference.objects.filter(person_id__in=person_ids, kind__in=kinds)
                  .values_list("person_id", "kind", "channels")}
        by_agency = {(a, k): c for a, k, c in AgencyDefault.objects.filter(agency_id__in=agencies, kind__in=kinds)
                     .values_list("agency_id", "kind", "channels")} if agencies else {}
    return {(p, k): set(chosen[(p, k)] if (p, k) in chosen else by_agency.get((a, k), default_channels(k)))
            for p, a in people for k in kinds}


_WITH_DEVICE = core_rows.Read(lambda people: PushSubscription.objects.filter(person_id__in=people).order_by()
                              .values_list("person_id").distinct(), list)
_CHOSEN = core_rows.Read(lambda people, kind: Preference.objects.filter(person_id__in=people, kind=kind).order_by()
                         .values_list("person_id", "channels"), list, str)
_AGENCY_DEFAULT = core_rows.Read(lambda agencies, kind: AgencyDefault.objects.filter(
    agency_id__in=agencies, kind=kind).order_by().values_list("agency_id", "channels"), list, str)


def wanting(channel: str, kind: str, people: list[Person],
            channels: dict[tuple[int, str], set[str]] | None = None) -> set[int]:
    """Who of these people want this kind of notification by this channel (and can get it): their
    own choice, else their agency's default, else the installation's (channels_for; `channels`:
    what it gave already for these people and this kind)."""
    reachable = [p for p in people if p.email] if channel == Preference.Channel.EMAIL else people
    if not reachable:
        return set()
    if channels is None:
        channels = channels_for([(p.pk, p.agency_id) for p in reachable], [kind])
    return {p.pk for p in reachable if channel in channels[(p.pk, kind)]}


def _queue_emails(ids: list[int]) -> None:
    from qlvb.notifications.tasks import send_email as job

    for pk in ids:
        job(pk)


def _queue_pushes(ids: list[int]) -> None:
    from qlvb.notifications.tasks import send_push as job

    for pk in ids:
        job(pk)


def send_email(notification_id: int) -> bool:
    """The notification by e-mail, once: the job that sends it marks it, so a retry after a
    failure sends it and a retry after success sends nothing. True when sent now."""
    from qlvb.notifications.selectors import text

    with transaction.atomic():
        notification = (Notification.objects.select_for_update(of=("self",)).select_related("person")
                        .filter(pk=notification_id, emailed_at__isnull=True).first())
        if notification is None or not notification.person.email or not notification.person.is_active:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            said = text(notification)
            link = f"{settings.QLVB_SITE_URL}/notifications/{notification.pk}/"
            footer = translation.gettext("Choose how you are told: %(url)s") % {
                "url": f"{settings.QLVB_SITE_URL}/notifications/preferences/"}
            subject = ("[QLVB] " + (translation.gettext("URGENT") + ": " if notification.urgent else "") + said)
        message = EmailMessage(subject=subject[:200].replace("\n", " "), body=f"{said}\n\n{link}\n\n-- \n{footer}\n",
                               from_email=settings.DEFAULT_FROM_EMAIL, to=[notification.person.email])
        message.send()  # raises on failure: nothing marked, the worker tries again
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def agency_defaults(agency_id: int | None) -> dict[str, set[str]]:
    """Per kind, the channels an agency's people get unless they choose (its administrator's
    choice, else the installation's default)."""
    own = dict(AgencyDefault.objects.filter(agency_id=agency_id).values_list("kind", "channels")) if agency_id else {}
    return {kind: set(own.get(kind, default_channels(kind))) for kind in Notification.Kind.values}


def chosen_channels(person: Person) -> dict[str, set[str]]:
    """Per kind, the channels the person wants (their choice, else their agency's default)."""
    chosen = dict(Preference.objects.filter(person=person).values_list("kind", "channels"))
    defaults = agency_defaults(person.agency_id)
    return {kind: set(chosen[kind]) if kind in chosen else defaults[kind] for kind in Notification.Kind.values}


def wanting_kinds(person: Person, channel: str) -> set[str]:
    """The kinds the person wants by this channel."""
    return {kind for kind, channels in chosen_channels(person).items() if channel in channels}


def set_preferences(*, person: Person, channels: dict[str, set[str]]) -> None:
    """Per kind, the channels the person wants besides the bell (a kind left out: the bell only).
    A kind chosen as the agency's default is not stored: the person follows later changes of it."""
    known = set(Preference.Channel.values)
    defaults = agency_defaults(person.agency_id)
    with transaction.atomic():
        for kind in Notification.Kind.values:
            wanted = set(channels.get(kind, ())) & known
            if wanted == defaults[kind]:
                Preference.objects.filter(person=person, kind=kind).delete()
            else:
                Preference.objects.update_or_create(person=person, kind=kind, defaults={"channels": sorted(wanted)})


def set_agency_defaults(*, by: Actor, agency: Agency, channels: dict[str, set[str]]) -> None:
    """The agency's defaults per kind, set by its administrator (or the installation's)."""
    if not permissions.can_manage_agency(by.person, agency):
        raise NotAllowed()
    known = set(Preference.Channel.values)
    with transaction.atomic():
        for kind in Notification.Kind.values:
            wanted = set(channels.get(kind, ())) & known
            if wanted == set(default_channels(kind)):
                AgencyDefault.objects.filter(agency=agency, kind=kind).delete()
            else:
                AgencyDefault.objects.update_or_create(agency=agency, kind=kind,
                                                       defaults={"channels": sorted(wanted)})
        events.record(verb="notifications.defaults_changed", actor=by, agency=agency, target=agency,
                      data={kind: sorted(set(channels.get(kind, ())) & known) for kind in Notification.Kind.values})


def mark_read(*, person: Person, notification_id: int) -> Notification:
    notification = Notification.objects.filter(person=person, pk=notification_id).first()
    if notification is None:
        raise NotAllowed()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def mark_all_read(*, person: Person) -> int:
    return Notification.objects.filter(person=person, read_at__isnull=True).update(read_at=timezone.now())

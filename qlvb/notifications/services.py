"""Writing notifications and marking them read (the subscribers in routes.py call notify)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation

from qlvb.core.errors import NotAllowed
from qlvb.notifications.models import Notification, Preference, default_channels
from qlvb.org.models import Person


def notify(people: Iterable[Person], *, kind: str, params: dict[str, Any], url: str = "", urgent: bool = False,
           target_type: str = "", target_id: str = "", key: str, event_id: int | None = None) -> int:
    """One notification per person, once per `key` (run again, it writes nothing new)."""
    now = timezone.now()
    rows = [Notification(person=person, kind=kind, params=params, url=url[:300], urgent=urgent,
                         target_type=target_type, target_id=target_id, event_id=event_id, key=key[:120],
                         created_at=now) for person in people]
    if not rows:
        return 0
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        by_email = wanting(Preference.Channel.EMAIL, kind, [row.person for row in rows])
        if by_email:
            ids = list(Notification.objects.filter(key=key[:120], person_id__in=by_email, emailed_at__isnull=True)
                       .values_list("pk", flat=True))
            transaction.on_commit(lambda: _queue_emails(ids))
        by_push = wanting(Preference.Channel.PUSH, kind, [row.person for row in rows])
        if by_push:
            pushed = list(Notification.objects.filter(key=key[:120], person_id__in=by_push, pushed_at__isnull=True,
                                                      person__push_subscriptions__isnull=False)
                          .values_list("pk", flat=True).distinct())
            if pushed:
                transaction.on_commit(lambda: _queue_pushes(pushed))
    return len(rows)


def wanting(channel: str, kind: str, people: list[Person]) -> set[int]:
    """Who of these people want this kind of notification by this channel (and can get it)."""
    chosen = dict(Preference.objects.filter(person__in=people, kind=kind).values_list("person_id", "channels"))
    reachable = {p.pk for p in people if p.email} if channel == Preference.Channel.EMAIL else {p.pk for p in people}
    default = default_channels(kind)
    return {pk for pk in reachable if channel in chosen.get(pk, default)}


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


def chosen_channels(person: Person) -> dict[str, set[str]]:
    """Per kind, the channels the person wants (their choice, else the default)."""
    chosen = dict(Preference.objects.filter(person=person).values_list("kind", "channels"))
    return {kind: set(chosen.get(kind, default_channels(kind))) for kind in Notification.Kind.values}


def wanting_kinds(person: Person, channel: str) -> set[str]:
    """The kinds the person wants by this channel."""
    return {kind for kind, channels in chosen_channels(person).items() if channel in channels}


def set_preferences(*, person: Person, channels: dict[str, set[str]]) -> None:
    """Per kind, the channels the person wants besides the bell (a kind left out: the bell only)."""
    known = set(Preference.Channel.values)
    with transaction.atomic():
        for kind in Notification.Kind.values:
            wanted = sorted(set(channels.get(kind, ())) & known)
            Preference.objects.update_or_create(person=person, kind=kind, defaults={"channels": wanted})


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

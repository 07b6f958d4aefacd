"""The morning digest (issue 16): at QLVB_DIGEST_AT (7:30) on working days, one e-mail per person
who chose the digest for some kind of reminder (reminders come by push and digest unless the
person chose otherwise), listing what is overdue, what is due soon and the other unread
notifications of those kinds since their last digest. Once per person and day: a Digest row
(unique per person and day) is written in the same transaction as the sending, so a retry after
a failure sends it and a run after success (a second job, a restarted worker) sends nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation

from qlvb.notifications import reminders
from qlvb.notifications.models import REMINDER_KINDS, Digest, Notification, Preference
from qlvb.notifications.selectors import text
from qlvb.notifications.services import channels_for
from qlvb.org.models import Person

Kind = Notification.Kind
LOOKBACK = timedelta(days=14)  # without an earlier digest (or after Tết), this far back
PEOPLE_CHUNK = 200


def send_digests(now: datetime | None = None) -> int:
    """Today's reminders written, then each person's digest sent; how many were sent."""
    now = now or timezone.now()
    reminders.run(now)
    clock = reminders.Clock(now)
    sent = 0
    people = (Person.objects.filter(is_active=True, locked_at__isnull=True).exclude(email="").order_by("pk")
              .only("pk", "email", "full_name", "agency_id"))
    with get_connection() as connection:
        for chunk in reminders.batched(people.iterator(chunk_size=PEOPLE_CHUNK), PEOPLE_CHUNK):
            working = [p for p in chunk if clock.working(p.agency_id)]
            for person, items in _contents(working, clock, now).items():
                sent += _send(person, items, clock, connection)
    return sent


def _digest_kinds(people: list[Person]) -> dict[int, set[str]]:
    channels = channels_for([(p.pk, p.agency_id) for p in people], Kind.values)
    return {p.pk: {kind for kind in Kind.values if Preference.Channel.DIGEST in channels[(p.pk, kind)]}
            for p in people}


def _contents(people: list[Person], clock: reminders.Clock, now: datetime) -> dict[Person, list[Notification]]:
    """Per person of the chunk who wants a digest and has not had today's, what it lists."""
    if not people:
        return {}
    wanted = {pk: kinds for pk, kinds in _digest_kinds(people).items() if kinds & REMINDER_KINDS}
    done = set(Digest.objects.filter(person_id__in=sorted(wanted), day=clock.today).values_list("person_id",
                                                                                               flat=True))
    wanted = {pk: kinds for pk, kinds in wanted.items() if pk not in done}
    if not wanted:
        return {}
    last = dict(Digest.objects.filter(person_id__in=sorted(wanted), day__lt=clock.today, sent_at__isnull=False)
                .values("person_id").annotate(last=Max("sent_at")).values_list("person_id", "last"))
    floor = now - LOOKBACK
    found: dict[int, dict[tuple[str, str, str], Notification]] = defaultdict(dict)
    for note in Notification.objects.filter(person_id__in=sorted(wanted), read_at__isnull=True,
                                            created_at__gte=floor, created_at__lte=now).order_by("created_at", "id"):
        if note.kind not in wanted[note.person_id] or note.created_at <= last.get(note.person_id, floor):
            continue
        # A reminder repeated day after day is listed once, as of its latest day.
        found[note.person_id][(note.kind, note.target_type, note.target_id or note.key)] = note
    by_pk = {p.pk: p for p in people}
    return {by_pk[pk]: list(items.values()) for pk, items in found.items() if items}


def _body(person: Person, items: list[Notification], clock: reminders.Clock) -> tuple[str, str]:
    _ = translation.gettext
    overdue = [n for n in items if n.kind == Kind.OVERDUE]
    due = [n for n in items if n.kind == Kind.DUE_SOON]
    others = [n for n in items if n.kind not in (Kind.OVERDUE, Kind.DUE_SOON)]
    lines = [_("Dear %(name)s,") % {"name": person.full_name}, ""]
    for title, notes in ((_("Overdue:"), overdue), (_("Due soon:"), due), (_("Also waiting for you:"), others)):
        if not notes:
            continue
        lines.append(title)
        for note in sorted(notes, key=lambda n: (not n.urgent, n.created_at)):
            urgent = _("URGENT") + ": " if note.urgent else ""
            lines.append(f"- {urgent}{text(note)}")
            lines.append(f"  {settings.QLVB_SITE_URL}/notifications/{note.pk}/")
        lines.append("")
    footer = _("Choose how you are told: %(url)s") % {"url": f"{settings.QLVB_SITE_URL}/notifications/preferences/"}
    lines += ["-- ", footer, ""]
    subject = "[QLVB] " + _("Your work for %(date)s: %(overdue)s overdue, %(due)s due soon") % {
        "date": clock.today.strftime("%d/%m/%Y"), "overdue": len(overdue), "due": len(due)}
    return subject, "\n".join(lines)


def _send(person: Person, items: list[Notification], clock: reminders.Clock, connection: Any) -> int:
    with transaction.atomic():
        Digest.objects.bulk_create([Digest(person=person, day=clock.today)], ignore_conflicts=True)
        digest = Digest.objects.select_for_update().get(person=person, day=clock.today)
        if digest.sent_at is not None:
            return 0  # another run sent it
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _body(person, items, clock)
        EmailMessage(subject=subject[:200], body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[person.email],
                     connection=connection).send()  # raises on failure: no row kept, the job tries again
        digest.sent_at, digest.items = timezone.now(), len(items)
        digest.save(update_fields=["sent_at", "items"])
    return 1

"""iCalendar (RFC 5545) feeds of a schedule, for a phone calendar that subscribes to a private
address (services.reset_feed_token). Cancelled entries are sent as STATUS:CANCELLED so that the
subscribed calendar removes them; SEQUENCE grows with each change."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from qlvb.schedules.models import Entry


def uid(entry: Entry) -> str:
    return f"schedule-entry-{entry.pk}@{getattr(settings, 'QLVB_ICAL_DOMAIN', 'qlvb')}"


def calendar(name: str, entries: Iterable[Entry]) -> bytes:
    from icalendar import Calendar, Event, vCalAddress, vText

    cal = Calendar()
    cal.add("prodid", "-//QLVB//Lich cong tac//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})  # RFC 7986
    now = timezone.now()
    for entry in entries:
        event = Event()
        event.add("uid", uid(entry))
        event.add("dtstamp", now)
        event.add("dtstart", entry.starts_at)
        event.add("dtend", entry.ends_at)
        event.add("sequence", entry.sequence)
        event.add("last-modified", entry.updated_at)
        summary = entry.title
        if entry.is_adjusted and not entry.is_cancelled:
            summary = f"[Đã điều chỉnh] {summary}"
        event.add("summary", summary)
        if entry.place:
            event.add("location", entry.place)
        chair = entry.chair.full_name if entry.chair_id and entry.chair else entry.chair_text
        lines = []
        if chair:
            lines.append(f"Chủ trì: {chair}")
        people = [a.person.full_name for a in entry.attendees.all()]
        units = [u.name for u in entry.units.all()]
        if people or units or entry.guests:
            lines.append("Thành phần: " + "; ".join([*people, *units, *([entry.guests] if entry.guests else [])]))
        if entry.preparing_unit_id and entry.preparing_unit:
            lines.append(f"Chuẩn bị: {entry.preparing_unit.name}")
        if entry.documents:
            lines.append(f"Tài liệu: {entry.documents}")
        if entry.notes:
            lines.append(entry.notes)
        if lines:
            event.add("description", "\n".join(lines))
        if entry.chair_id and entry.chair and entry.chair.email:
            organizer = vCalAddress(f"mailto:{entry.chair.email}")
            organizer.params["cn"] = vText(entry.chair.full_name)
            event["organizer"] = organizer
        event.add("status", "CANCELLED" if entry.is_cancelled else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()

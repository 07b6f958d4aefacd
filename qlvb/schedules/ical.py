"""iCalendar (RFC 5545) feeds of a schedule, for a phone calendar that subscribes to a private
address (services.reset_feed_token). Cancelled entries are sent as STATUS:CANCELLED so that the
subscribed calendar removes them; SEQUENCE grows with each change.

Written line by line here (text escaped, lines folded at 75 octets, times in UTC): an agency's
feed holds thousands of entries, and building them as icalendar objects took seconds
(bench/schedules_measure.py); the tests read the feeds back with the icalendar library."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from qlvb.schedules.selectors import FeedEntry


def uid(entry: Any) -> str:
    """The entry's identity in every calendar (an Entry or a FeedEntry)."""
    return f"schedule-entry-{entry.pk}@{getattr(settings, 'QLVB_ICAL_DOMAIN', 'qlvb')}"


def _text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _param(value: str) -> str:
    """A parameter value: quoted, without the characters a quoted value cannot hold."""
    return '"' + value.replace('"', "'").replace("\r", " ").replace("\n", " ") + '"'


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Lines longer than 75 octets folded (CRLF and a space), never inside a UTF-8 character."""
    if len(line) <= 18:  # at most 4 octets a character: short enough whatever it holds
        return line + "\r\n"
    data = line.encode()
    if len(data) <= 75:
        return line + "\r\n"
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # a continuation byte: step back
            end -= 1
        parts.append(data[start:end].decode())
        start, limit = end, 74  # the leading space of a continuation line counts
    return "\r\n ".join(parts) + "\r\n"


def _description(entry: FeedEntry, people: list[str], units: list[str]) -> str:
    chair = entry.chair_name or entry.chair_text
    lines = []
    if chair:
        lines.append(f"Chủ trì: {chair}")
    if people or units or entry.guests:
        lines.append("Thành phần: " + "; ".join([*people, *units, *([entry.guests] if entry.guests else [])]))
    if entry.preparing_unit_name:
        lines.append(f"Chuẩn bị: {entry.preparing_unit_name}")
    if entry.documents:
        lines.append(f"Tài liệu: {entry.documents}")
    if entry.notes:
        lines.append(entry.notes)
    return "\n".join(lines)


def calendar(name: str, entries: Iterable[FeedEntry], names: tuple[dict[int, list[str]], dict[int, list[str]]]
             ) -> bytes:
    """The feed; `names`: the people's and units' names of each entry (selectors.feed_names)."""
    stamp = _utc(timezone.now())
    out = ["BEGIN:VCALENDAR\r\n", "VERSION:2.0\r\n", "PRODID:-//QLVB//Lich cong tac//VI\r\n",
           "CALSCALE:GREGORIAN\r\n", "METHOD:PUBLISH\r\n", _fold(f"X-WR-CALNAME:{_text(name)}"),
           _fold(f"X-WR-TIMEZONE:{settings.TIME_ZONE}"),
           "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"]  # RFC 7986
    for entry in entries:
        summary = entry.title
        if entry.is_adjusted and not entry.is_cancelled:
            summary = f"[Đã điều chỉnh] {summary}"
        lines = ["BEGIN:VEVENT", f"UID:{_text(uid(entry))}", f"DTSTAMP:{stamp}", f"DTSTART:{_utc(entry.starts_at)}",
                 f"DTEND:{_utc(entry.ends_at)}", f"SEQUENCE:{entry.sequence}",
                 f"LAST-MODIFIED:{_utc(entry.updated_at)}", f"SUMMARY:{_text(summary)}"]
        if entry.place:
            lines.append(f"LOCATION:{_text(entry.place)}")
        people, units = names[0].get(entry.pk, []), names[1].get(entry.pk, [])
        description = _description(entry, people, units)
        if description:
            lines.append(f"DESCRIPTION:{_text(description)}")
        if entry.chair_name and entry.chair_email:
            lines.append(f"ORGANIZER;CN={_param(entry.chair_name)}:mailto:{entry.chair_email}")
        lines.append(f"STATUS:{'CANCELLED' if entry.is_cancelled else 'CONFIRMED'}")
        lines.append("END:VEVENT")
        out.extend(_fold(line) for line in lines)
    out.append("END:VCALENDAR\r\n")
    return "".join(out).encode()

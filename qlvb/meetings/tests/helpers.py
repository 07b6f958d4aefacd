"""A Friday briefing built through the services, for the meetings' tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.meetings import services
from qlvb.meetings.models import Meeting


def briefing(org: Any, *, invite: bool = True, past: bool = True, **extra: Any) -> Meeting:
    """The Giám đốc chairs, the office's clerk keeps the minutes, the unit head and the CNTT unit
    are invited; started an hour ago (or tomorrow, `past=False`)."""
    start = timezone.now() - timedelta(hours=1) if past else timezone.now() + timedelta(days=1)
    values: dict[str, Any] = {
        "kind": Meeting.Kind.BRIEFING, "title": "Giao ban tuần", "starts_at": start,
        "ends_at": start + timedelta(hours=2), "chair": org.head, "secretary": org.clerk,
        "organising_unit": org.office, "place": "Phòng họp tầng 2", "people": [org.deputy, org.unit_head],
        "units": [org.unit]}
    values.update(extra)
    meeting = services.create(by=Actor(org.clerk), agency=org.agency, **values)
    if invite:
        meeting = services.invite(by=Actor(org.clerk), meeting=meeting)
    return meeting


def held(org: Any, **extra: Any) -> Meeting:
    meeting = briefing(org, **extra)
    people = services.expected_people(meeting)
    services.record_attendance(by=Actor(org.clerk), meeting=meeting, statuses={p.pk: "present" for p in people})
    meeting.refresh_from_db()
    return meeting

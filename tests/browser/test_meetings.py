"""Meetings (R22, 001 Đ11) in a real browser: the Friday briefing from its preparation to its
conclusions done (stories/meetings.py). Screenshots of each step."""

from __future__ import annotations

import pytest

from .stories.meetings import friday_briefing

pytestmark = pytest.mark.browser


def test_friday_briefing_to_tasks_and_back(org, session, shot, local_storage):
    friday_briefing(org, session, shot)

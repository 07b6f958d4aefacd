"""Internal notices and the disclosure register (R25, 002 Đ20–Đ21) in a real browser: the
quarterly work plan disclosed as a notice, read by the staff, receipts for the office
(stories/notices.py). Screenshots of each step."""

from __future__ import annotations

import pytest

from .stories.notices import work_plan_disclosed

pytestmark = pytest.mark.browser


def test_work_plan_disclosed_and_read(org, session, shot, local_storage):
    work_plan_disclosed(org, session, shot)

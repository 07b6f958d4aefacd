"""Internal messages (R18, 003 Đ8.2) in a real browser: sent with a file, forwarded with an
instruction, each copy sorted and deleted on its own, made into a task (stories/messages.py).
Screenshots of the inbox and of the forwarded message, desktop and phone."""

from __future__ import annotations

import pytest

from .stories.messages import forwarded_message

pytestmark = pytest.mark.browser


def test_message_forwarded_sorted_and_made_a_task(org, session, shot, local_storage):
    forwarded_message(org, session, shot)

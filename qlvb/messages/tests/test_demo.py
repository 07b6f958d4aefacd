"""The demo province's internal messages: a draft sent with its file, forwarded with an instruction,
answered, a message to the units' leaders and one made a task; loaded once."""

from __future__ import annotations

import pytest

from qlvb.messages import demo
from qlvb.messages.models import Copy, Message
from qlvb.org.demo import load_demo
from qlvb.tasks.models import Task

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_messages(local_storage):
    load_demo()
    assert demo.load() == 5
    assert demo.load() == 0
    forward = Message.objects.get(kind="forward")
    original = Message.objects.get(forwarded__isnull=True, kind="message", files__isnull=False)
    assert original.files.exists() and forward.body.startswith("Đồng chí Dũng")
    assert Copy.objects.filter(message=original, folder="archived").count() == 1
    assert Task.objects.filter(source_ref__startswith="message:").count() == 1

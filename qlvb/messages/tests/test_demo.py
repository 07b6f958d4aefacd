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
    assert forward.forwarded.files.exists() and forward.body.startswith("Đồng chí Dũng")
    assert Copy.objects.filter(message=forward.forwarded, folder="archived").count() == 1
    assert Task.objects.filter(source_ref__startswith="message:").count() == 1

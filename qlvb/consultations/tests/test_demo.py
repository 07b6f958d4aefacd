"""The demo province's consultation: the draft internal rules consulted on, open, anonymous, linked
to the office's draft, answered twice; a request to meet the Giám đốc answered; loaded once."""

from __future__ import annotations

import pytest

from qlvb.consultations import demo
from qlvb.consultations.models import Consultation, MeetingRequest, Participation, Response
from qlvb.org.demo import load_demo

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_consultation(local_storage):
    load_demo()
    assert demo.load() == 1
    c = Consultation.objects.get()
    assert c.status == "open" and c.anonymous and c.topic == "rules"
    assert c.document_kind == "outgoing" and c.document_id
    assert Participation.objects.count() == 2
    rows = list(Response.objects.values_list("person_id", "submitted_on"))
    assert len(rows) == 2 and all(person is None and day is None for person, day in rows)
    assert MeetingRequest.objects.get().status == "scheduled"
    assert demo.load() == 0

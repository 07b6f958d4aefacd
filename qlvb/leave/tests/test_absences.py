"""Away people shown in the people list, the routing grid and the schedules' week, without those
apps importing the leave app (core.absences), in one call per page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_person
from qlvb.core import personcache
from qlvb.core.actor import Actor
from qlvb.leave.models import LeaveRequest
from qlvb.org import services as org_services

pytestmark = pytest.mark.django_db


def away(person, org, days=0):
    today = timezone.localdate()
    return LeaveRequest.objects.create(
        agency=org.agency, person=person, unit=org.unit, kind="annual", start=today - timedelta(days=1),
        end=today + timedelta(days=days + 1), days=2, year=today.year, reason="Nghỉ phép", status="approved",
        step="director", approver=org.head, decided_by=org.head)


def test_the_people_list_marks_who_is_away(org, login, django_assert_max_num_queries):
    client = login(org.head)
    personcache.bump()
    with django_assert_max_num_queries(60) as counted:
        assert "Nghỉ phép đến" not in client.get("/org/people/").content.decode()
    before = len(counted.captured_queries)
    away(org.specialist, org)
    for n in range(5):
        person = make_person(org.agency, f"stttt.x{n}", f"Người {n}")
        org_services.assign_post(by=Actor(org.admin), person=person, unit=org.unit, position=org.positions["cv"])
        away(person, org)
    personcache.bump()
    with django_assert_max_num_queries(before):
        page = client.get("/org/people/").content.decode()
    assert page.count("Nghỉ phép đến") == 6


def test_the_schedules_week_shows_the_unit_away(org, login):
    away(org.specialist, org)
    client = login(org.specialist)
    page = client.get("/schedules/week/").content.decode()
    assert "Vắng mặt trong tuần" in page and "Trần Thị Mai" in page
    from qlvb.leave import services

    services.cancel(by=Actor(org.specialist), leave=LeaveRequest.objects.get())  # an event: pages kept are stale
    assert "Vắng mặt trong tuần" not in client.get("/schedules/week/").content.decode()


def test_the_routing_grid_warns_of_an_absent_person(org):
    from qlvb.incoming import forms

    away(org.specialist, org)
    posts = forms.routing_candidates(org.agency)["posts"]
    warned = {p.person_id: p.away for p in posts if p.away}
    assert list(warned) == [org.specialist.pk] and "Nghỉ phép đến" in warned[org.specialist.pk]

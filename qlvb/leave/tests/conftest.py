from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from conftest import make_person
from qlvb.core.actor import Actor
from qlvb.org import services as org_services
from qlvb.org.models import Delegation, Field, Position

TODAY = date(2027, 3, 1)  # a Monday; the week of 8 March 2027 has no holiday
MONDAY = date(2027, 3, 8)


@pytest.fixture
def chief(org):
    """The Chánh Văn phòng (head of the office)."""
    person = make_person(org.agency, "stttt.cvp", "Hoàng Văn Tuấn")
    position = org_services.create_position(by=Actor(org.admin), agency=org.agency, name="Chánh Văn phòng",
                                            kind=Position.Kind.UNIT_HEAD)
    org_services.assign_post(by=Actor(org.admin), person=person, unit=org.office, position=position)
    return person


@pytest.fixture
def field(org):
    """The deputy director is in charge of the CNTT unit's field."""
    row = Field.objects.create(agency=org.agency, name="Công nghệ thông tin", leader=org.deputy)
    row.units.add(org.unit)
    return row


@pytest.fixture
def colleague(org):
    """Another specialist of Phòng CNTT (to hold the specialist's tasks during her leave)."""
    person = make_person(org.agency, "stttt.cv2", "Lường Văn Sơn")
    org_services.assign_post(by=Actor(org.admin), person=person, unit=org.unit, position=org.positions["cv"])
    return person


def delegate(org, person, start: date, end: date, to=None) -> Delegation:
    zone = timezone.get_current_timezone()
    return Delegation.objects.create(
        agency=org.agency, delegator=person, delegate=to or org.deputy, scopes=["all"],
        starts_at=datetime.combine(start - timedelta(days=1), time(0), tzinfo=zone),
        ends_at=datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone), reason="Nghỉ phép",
        status=Delegation.Status.APPROVED)

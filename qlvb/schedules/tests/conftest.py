"""A province with an office (Chánh Văn phòng and clerk) and an inspectorate, on top of the
shared two-agency fixtures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from conftest import Org, make_person
from qlvb.core.actor import Actor
from qlvb.incoming.tests.conftest import _media, register_doc, registers  # noqa: F401 - fixtures
from qlvb.org import services as org_services
from qlvb.org.models import Person, Position, Unit
from qlvb.schedules import selectors


@dataclass
class Office:
    chief: Person  # Chánh Văn phòng
    inspector: Person  # Chánh Thanh tra
    inspectorate: Unit


@pytest.fixture
def office(org: Org, root: Person) -> Office:
    by = Actor(root)
    cvp = org_services.create_position(by=by, agency=org.agency, name="Chánh Văn phòng", kind=Position.Kind.UNIT_HEAD)
    inspectorate = org_services.create_unit(by=by, agency=org.agency, name="Thanh tra", abbreviation="TTr",
                                            kind=Unit.Kind.INSPECTORATE)
    chief = make_person(org.agency, "sttt.cvp", "Hoàng Văn Dũng")
    org_services.assign_post(by=by, person=chief, unit=org.office, position=cvp)
    inspector = make_person(org.agency, "sttt.ctt", "Vì Thị Hoa")
    org_services.assign_post(by=by, person=inspector, unit=inspectorate, position=cvp)
    return Office(chief, inspector, inspectorate)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def monday() -> date:
    return selectors.week_start(timezone.localdate()) + timedelta(days=7)

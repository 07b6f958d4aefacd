from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_person
from qlvb.core.actor import Actor
from qlvb.incoming.tests.conftest import _media, register_doc, registers  # noqa: F401 - fixtures
from qlvb.org import services as org_services
from qlvb.org.models import Position
from qlvb.outgoing.models import OutgoingAccess, OutgoingDocument


@pytest.fixture
def chief(org):
    """The Chánh Văn phòng: head of the office (who keeps the notices and the disclosure register)."""
    person = make_person(org.agency, "sttttt.cvp", "Hoàng Văn Tuấn")
    position = org_services.create_position(by=Actor(org.admin), agency=org.agency, name="Chánh Văn phòng",
                                            kind=Position.Kind.UNIT_HEAD)
    org_services.assign_post(by=Actor(org.admin), person=person, unit=org.office, position=position)
    return person


@pytest.fixture
def two_posts(org):
    """A specialist of the CNTT unit who also works, concurrently, in the office."""
    person = make_person(org.agency, "stttt.kn", "Lường Thị Hoa")
    org_services.assign_post(by=Actor(org.admin), person=person, unit=org.unit, position=org.positions["cv"])
    org_services.assign_post(by=Actor(org.admin), person=person, unit=org.office, position=org.positions["cv"],
                             is_concurrent=True)
    return person


def issued(org: Any, drafter: Any, summary: str = "Kế hoạch công tác quý I năm 2027", *,
           on: date | None = None, **extra: Any) -> OutgoingDocument:
    """An outgoing document of the office, issued (made directly: issuing is the outgoing app's)."""
    moment = timezone.now() if on is None else timezone.make_aware(datetime.combine(on, time(9)))
    values: dict[str, Any] = {
        "agency": org.agency, "drafting_unit": org.office, "drafter": drafter, "doc_type": "KH",
        "summary": summary, "status": OutgoingDocument.Status.ISSUED, "number": 12, "notation": "KH-STTTT",
        "year": moment.year, "issued_at": moment}
    values.update(extra)
    document = OutgoingDocument.objects.create(**values)
    OutgoingAccess.objects.create(document=document, person=drafter, reason="drafter")
    return document


@pytest.fixture
def planner(org):
    """A specialist of another unit (Phòng Kế hoạch – Tài chính)."""
    unit = org_services.create_unit(by=Actor(org.admin), agency=org.agency, name="Phòng Kế hoạch – Tài chính",
                                    abbreviation="KHTC")
    person = make_person(org.agency, "stttt.khtc", "Vì Văn Sơn")
    org_services.assign_post(by=Actor(org.admin), person=person, unit=unit, position=org.positions["cv"])
    return person

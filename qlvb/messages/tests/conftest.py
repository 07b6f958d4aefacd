from __future__ import annotations

from typing import Any

import pytest

from qlvb.core.actor import Actor
from qlvb.incoming.tests.conftest import _media, pdf_upload, register_doc, registers  # noqa: F401 (fixtures)
from qlvb.messages import services
from qlvb.messages.models import Message
from qlvb.org import services as org_services
from qlvb.org.models import Person


@pytest.fixture
def second_specialist(org) -> Person:
    """Another specialist of the CNTT unit (the one the Trưởng phòng forwards to)."""
    from conftest import make_person

    person = make_person(org.agency, "sttt.cv2", "Lường Văn Dũng")
    org_services.assign_post(by=Actor(org.admin), person=person, unit=org.unit, position=org.positions["cv"])
    return person


def send(org: Any, *, by: Person | None = None, to: list[Person] | None = None, **extra: Any) -> Message:
    values: dict[str, Any] = {
        "subject": "Đề nghị cho ý kiến dự thảo kế hoạch chuyển đổi số năm 2027",
        "body": "Kính gửi anh Bình, em gửi dự thảo kế hoạch, đề nghị anh cho ý kiến trước ngày 15/12.",
        "to": services.Recipients(people=to if to is not None else [org.unit_head]),
    }
    values.update(extra)
    return services.send(by=Actor(by or org.specialist), agency=org.agency, **values)

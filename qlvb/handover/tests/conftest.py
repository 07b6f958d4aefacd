from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_person
from qlvb.core.actor import Actor
from qlvb.dossiers import services as dossier_services
from qlvb.incoming import services as incoming_services
from qlvb.incoming.services import Target
from qlvb.incoming.tests.conftest import _media, register_doc, registers  # noqa: F401 - fixtures
from qlvb.org import services as org_services
from qlvb.outgoing import services as outgoing_services
from qlvb.outgoing.tests.conftest import docx_upload, signing  # noqa: F401 - fixtures
from qlvb.schedules import services as schedule_services
from qlvb.schedules.models import Scope
from qlvb.tasks import services as task_services
from qlvb.tasks.services import Owner
from qlvb.tasks.tests.conftest import future


@pytest.fixture
def successor(org):
    """A colleague of the specialist in Phòng CNTT, who takes over her work."""
    person = make_person(org.agency, "sttttt.cv2", "Quàng Văn Dũng")
    org_services.assign_post(by=Actor(org.admin), person=person, unit=org.unit, position=org.positions["cv"])
    return person


@dataclass
class Holding:
    incoming: list[Any]
    outgoing: Any
    task: Any
    coordinated: Any
    dossier: Any
    entry: Any


@pytest.fixture
def holding(org, register_doc, signing):  # noqa: F811
    """The specialist's open work: two incoming documents she handles (main; coordinator), one
    she completed her part of, a draft, a task she owns, one she coordinates, a dossier she keeps."""
    docs = [register_doc(summary="V/v triển khai chữ ký số năm 2027"),
            register_doc(summary="V/v báo cáo an toàn thông tin quý IV")]
    incoming_services.route(by=Actor(org.head), document=docs[0], main=Target(person=org.specialist),
                            directive="Đồng chí Mai chủ trì tham mưu")
    incoming_services.route(by=Actor(org.head), document=docs[1], main=Target(person=org.unit_head),
                            coordinators=[Target(person=org.specialist)])
    draft = outgoing_services.create_draft(
        by=Actor(org.specialist), agency=org.agency,
        fields={"doc_type": "CV", "summary": "V/v đôn đốc triển khai phần mềm QLVB", "field": signing},
        uploads=[docx_upload()])
    task = task_services.assign(by=Actor(org.head), agency=org.agency, title="Rà soát hạ tầng mạng",
                                owner=Owner(person=org.specialist), deadline=future())
    coordinated = task_services.assign(by=Actor(org.head), agency=org.agency, title="Báo cáo chuyển đổi số",
                                       owner=Owner(person=org.unit_head), coordinators=[org.specialist],
                                       deadline=future())
    dossier = dossier_services.create_dossier(by=Actor(org.specialist), agency=org.agency, code="05.CV",
                                              title="Hồ sơ chữ ký số", retention="10")
    starts = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=3)
    entry = schedule_services.save_entry(by=Actor(org.unit_head), agency=org.agency, scope=Scope.UNIT,
                                         unit=org.unit, title="Họp triển khai chữ ký số", starts_at=starts,
                                         ends_at=starts + timedelta(hours=2), people=[org.specialist])
    return Holding(docs, draft, task, coordinated, dossier, entry)

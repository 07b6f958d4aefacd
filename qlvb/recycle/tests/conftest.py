from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_person
from qlvb.core.actor import Actor
from qlvb.org import services as org_services


@pytest.fixture(autouse=True)
def _media(local_storage):
    """Every test of this app stores its files on a disk of its own (conftest.local_storage)."""


@pytest.fixture
def newcomer(org, root):
    """A person an administrator created by mistake: a post, a signing authority, never acted."""
    person = make_person(org.agency, "stttt.moi", "Lường Văn Mới")
    org_services.assign_post(by=Actor(root), person=person, unit=org.unit, position=org.positions["cv"])
    org_services.save_signing_authority(by=Actor(root), agency=org.agency, person=person)
    return person


@pytest.fixture
def empty_unit(org):
    return org_services.create_unit(by=Actor(org.admin), agency=org.agency, name="Phòng Thử nghiệm",
                                    abbreviation="TN")


def docx_template() -> SimpleUploadedFile:
    from qlvb.outgoing.tests.test_marks import DOCX_TYPE, _docx

    return SimpleUploadedFile("mau.docx", _docx("{{co_quan}}", "Số: {{so_ky_hieu}}", "{{ngay_thang}}", "MẪU RIÊNG"),
                              content_type=DOCX_TYPE)

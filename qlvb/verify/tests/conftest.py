from __future__ import annotations

import pytest
from django.core.cache import cache

from qlvb.core.actor import Actor
from qlvb.incoming.tests.conftest import pdf_upload
from qlvb.outgoing import services
from qlvb.outgoing.models import OutgoingDocument
from qlvb.outgoing.services import RecipientSpec
from qlvb.outgoing.tests.conftest import _media, signing, submit_approve_and_sign  # noqa: F401 - fixtures
from qlvb.registers.models import Register
from qlvb.registers.services import default_register
from qlvb.signatures.demo import create_demo_pki_for


@pytest.fixture(autouse=True)
def _fresh_counts():
    """The rate limit counts in the cache: each test starts with none."""
    cache.clear()


@pytest.fixture
def pki(org):
    return create_demo_pki_for(org.agency)


def issue(org, signing, *, recipients=None, secrecy="",  # noqa: ANN001, F811 - the fixture's value
          summary="Kế hoạch ứng dụng CNTT năm 2026", attachments=(), salt="") -> OutgoingDocument:
    """A PDF draft drafted, reviewed, signed by the deputy and issued by the clerk."""
    fields = {"doc_type": "KH", "summary": summary, "field": signing, "secrecy": secrecy}
    document = services.create_draft(
        by=Actor(org.specialist), agency=org.agency, fields=fields, uploads=[pdf_upload("ke-hoach.pdf", 1, salt)],
        attachments=list(attachments),
        recipients=recipients if recipients is not None else [RecipientSpec(kind="paper", name="Báo Sơn La")])
    document = submit_approve_and_sign(org, document)
    register = default_register(agency=org.agency, direction=Register.Direction.OUTGOING, secret=bool(secrecy))
    services.issue(by=Actor(org.clerk), document=document, register=register)
    document.refresh_from_db()
    return document


@pytest.fixture
def issued(org, signing, pki):  # noqa: F811
    return issue(org, signing, attachments=[pdf_upload("phu-luc.pdf", 1, "phụ lục")])


@pytest.fixture
def secret(org, signing, pki):  # noqa: F811
    return issue(org, signing, secrecy="mat", summary="Phương án bảo đảm an toàn thông tin (mật)", salt="mật")


@pytest.fixture
def internal(org, signing, pki):  # noqa: F811
    return issue(org, signing, summary="Thông báo lịch trực cơ quan", salt="nội bộ",
                 recipients=[RecipientSpec(kind="unit", unit=org.unit, name=org.unit.name)])

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfWriter

from conftest import build_org
from qlvb.core.actor import Actor
from qlvb.exchange.axis.double import AxisDouble
from qlvb.files.services import store_bytes
from qlvb.outgoing.models import Delivery, OutgoingDocument, Recipient
from qlvb.registers.services import ensure_default_registers


def pdf_bytes(salt: str = "", pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"exchange {salt}"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(local_storage):
    """Every test of this app stores its files on a disk of its own (conftest.local_storage)."""


@pytest.fixture
def third_org(root):
    return build_org(root, "000.00.00.H51", "UBND", "Ủy ban nhân dân tỉnh Sơn La")


_counter = {"n": 0}


def issue_to(org, *receivers, summary: str = "V/v triển khai chữ ký số trong các cơ quan nhà nước tỉnh",
             urgency: str = "", issued_pdf: bytes | None = None, **fields: Any) -> OutgoingDocument:
    """An issued outgoing document of `org` to other agencies, distributed as issuing does
    (outgoing.services._distribute, then "outgoing.issued", to which the exchange subscribes)
    without the slow signing."""
    from qlvb.core import events
    from qlvb.outgoing.services import _distribute

    _counter["n"] += 1
    ensure_default_registers(org.agency)
    now = timezone.now()
    document = OutgoingDocument.objects.create(
        agency=org.agency, drafting_unit=org.unit, drafter=org.specialist, status=OutgoingDocument.Status.ISSUED,
        doc_type="CV", summary=summary, signer=org.head, signer_title="GIÁM ĐỐC", year=now.year,
        number=_counter["n"], notation=f"{org.agency.abbreviation}-CNTT", issued_at=now, issued_by=org.clerk,
        issued_file=store_bytes(issued_pdf or pdf_bytes(f"{org.agency.code}-{_counter['n']}"), name="issued.pdf"),
        urgency=urgency, **fields)
    for receiver in receivers:
        Recipient.objects.create(document=document, kind=Recipient.Kind.AGENCY, agency=receiver.agency,
                                 name=receiver.agency.name)
        Delivery.objects.create(document=document, recipient_agency=receiver.agency)
    _distribute(document, Actor(org.clerk))
    events.record(verb="outgoing.issued", actor=Actor(org.clerk), agency=org.agency, target=document,
                  data={"number": document.number, "notation": document.notation})
    return document


@pytest.fixture
def axis():
    """The national axis's contract double on loopback (qlvb/exchange/axis/double.py)."""
    double = AxisDouble()
    double.start()
    yield double
    double.stop()

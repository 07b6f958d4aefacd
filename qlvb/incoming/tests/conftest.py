from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from qlvb.core.actor import Actor
from qlvb.incoming import services
from qlvb.org import services as org_services
from qlvb.registers.models import Register
from qlvb.registers.services import ensure_default_registers


def pdf_upload(name: str = "scan.pdf", pages: int = 2, salt: str = "") -> SimpleUploadedFile:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"test {salt}"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


@pytest.fixture(autouse=True)
def _media(local_storage):
    """Every test of this app stores its files on a disk of its own (conftest.local_storage)."""


@pytest.fixture
def registers(org):
    ensure_default_registers(org.agency)
    return {r.category: r for r in Register.objects.filter(agency=org.agency, direction=Register.Direction.INCOMING)}


def fields(**extra):
    base = {
        "issuer_name": "Ủy ban nhân dân tỉnh Sơn La", "issuer_code": "000.00.00.H51", "number": "15",
        "notation": "QĐ-UBND", "document_date": timezone.localdate() - timedelta(days=2), "doc_type": "QĐ",
        "summary": "Quyết định ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh", "received_at": timezone.now(),
    }
    base.update(extra)
    return base


@pytest.fixture
def register_doc(org, registers):
    counter = {"n": 0}

    def _register(**extra):
        counter["n"] += 1
        secret = bool(extra.get("secrecy"))
        return services.register_document(
            by=Actor(org.clerk), agency=org.agency,
            register=registers["secret" if secret else "ordinary"],
            fields=fields(number=str(100 + counter["n"]), **extra), uploads=[pdf_upload(salt=str(counter["n"]))],
            presented_to=extra.pop("presented_to", None) or org.head,
        )

    return _register


@pytest.fixture
def field(org):
    return org_services.save_field(by=Actor(org.admin), agency=org.agency, name="Công nghệ thông tin",
                                   leader=org.deputy, units=[org.unit])


def future(days: int = 5) -> date:
    return timezone.localdate() + timedelta(days=days)

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.registers.models import Register
from qlvb.registers.services import ensure_default_registers

FONT = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"

DECISION = """ỦY BAN NHÂN DÂN TỈNH SƠN LA
Số: 12/QĐ-UBND
Sơn La, ngày 05 tháng 3 năm 2026
QUYẾT ĐỊNH
Về việc ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH SƠN LA
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;
Theo đề nghị của Giám đốc Sở Nội vụ.
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc của Ủy ban nhân dân tỉnh Sơn La.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng, Giám đốc các sở, ban, ngành chịu trách nhiệm
thi hành Quyết định này.
"""


@pytest.fixture(autouse=True)
def _media(local_storage):
    """Every test of this app stores its files on a disk of its own (conftest.local_storage)."""


@pytest.fixture
def immediate_jobs(monkeypatch):
    """Run huey jobs at once (in memory), as the worker would."""
    from huey.contrib.djhuey import HUEY

    monkeypatch.setattr(HUEY, "immediate", True)
    return HUEY


@pytest.fixture(scope="session")
def scan_pdf() -> bytes:
    """One A4 page of a Vietnamese decision scanned at 200 dpi: Noto Sans, 1.5° skew, specks."""
    from qlvb.digitisation.scans import scan_pdf as make
    from qlvb.digitisation.scans import wrap_lines

    return make([wrap_lines(DECISION, 78)], dpi=200, skew=1.5, noise=0.004)


def text_pdf(pages: list[str]) -> bytes:
    """A born-digital PDF (a text layer on every page) written with fpdf2 and Noto Sans."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("Noto", "", FONT)
    pdf.set_font("Noto", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def blank_scan_pdf(pages: int) -> bytes:
    """Image-only pages (no text layer), tiny, for tests that replace the OCR."""
    from PIL import Image

    from qlvb.files.services import images_to_pdf

    images = []
    for _ in range(pages):
        out = io.BytesIO()
        Image.new("L", (170, 240), 255).save(out, format="PNG", dpi=(20, 20))
        images.append(out.getvalue())
    return images_to_pdf(images)


def upload(data: bytes, name: str = "scan.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def registers(org):
    ensure_default_registers(org.agency)
    return {r.category: r for r in Register.objects.filter(agency=org.agency, direction=Register.Direction.INCOMING)}


@pytest.fixture
def register_incoming(org, registers):
    from qlvb.incoming import services

    def _register(files, **extra):
        fields = {"issuer_name": "Ủy ban nhân dân tỉnh Sơn La", "number": "12", "notation": "QĐ-UBND",
                  "document_date": timezone.localdate() - timedelta(days=2), "doc_type": "QĐ",
                  "summary": "Ban hành Quy chế làm việc", "received_at": timezone.now(), **extra}
        return services.register_document(by=Actor(org.clerk), agency=org.agency, register=registers["ordinary"],
                                          fields=fields, uploads=files, presented_to=org.head)

    return _register


@pytest.fixture
def stored(db):
    from qlvb.files.services import store_bytes

    def _stored(data: bytes, name: str = "file.pdf"):
        return store_bytes(data, name=name)

    return _stored


def pdftotext(data: bytes, tmp_path: Path) -> str:
    import subprocess

    path = tmp_path / "searchable.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


def jobs_queued(callbacks: list) -> list:
    """The after-commit callbacks that queue a job, without the deliveries of events to their
    after-commit subscribers (core.events._dispatch), which every event has its own of."""
    return [c for c in callbacks if not c.__qualname__.startswith("_dispatch")]

"""Fixtures for the signatures app: files in pytest's tmp_path, the demo PKI for the test agency,
and a two-page Vietnamese PDF made with weasyprint."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pytest

from qlvb.signatures.demo import create_demo_pki_for
from qlvb.signatures.models import Certificate

DOCUMENT_HTML = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
body { font-family: "Liberation Serif", "Noto Serif", serif; font-size: 14pt; line-height: 1.4; }
h1 { font-size: 14pt; text-align: center; }
.page { page-break-after: always; }
</style></head><body>
<div class="page">
<p><b>SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH SƠN LA</b></p>
<p>Số: 12/QĐ-STTTT &nbsp;&nbsp;&nbsp; Sơn La, ngày 05 tháng 3 năm 2026</p>
<h1>QUYẾT ĐỊNH<br>Về việc ban hành Quy chế quản lý văn bản điện tử</h1>
<p>Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;</p>
<p>Theo đề nghị của Chánh Văn phòng Sở, ông Nguyễn Văn Bình, bà Đặng Thu Hà.</p>
</div>
<div>
<p><b>Điều 1.</b> Ban hành kèm theo Quyết định này Quy chế quản lý, sử dụng chữ ký số trên văn bản điện tử.</p>
<p><b>Điều 2.</b> Quyết định có hiệu lực kể từ ngày ký. Chánh Văn phòng, Trưởng các phòng chịu trách nhiệm
thi hành Quyết định này.</p>
<p><i>Nơi nhận:</i> Như Điều 2; Lưu: VT, VP.</p>
</div>
</body></html>"""

ATTACHMENT_HTML = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm 15mm 20mm 30mm; } body { font-family: "Liberation Serif", serif; font-size: 13pt; }
</style></head><body><h2>Phụ lục: Danh sách đơn vị áp dụng</h2><p>1. Văn phòng Sở; 2. Phòng Công nghệ thông tin.</p>
</body></html>"""


@functools.cache
def make_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


@pytest.fixture
def document_pdf() -> bytes:
    return make_pdf(DOCUMENT_HTML)


@pytest.fixture
def attachment_pdf() -> bytes:
    return make_pdf(ATTACHMENT_HTML)


@pytest.fixture(autouse=True)
def _media(local_storage):
    """Every test of this app stores its files on a disk of its own (conftest.local_storage)."""


@dataclass
class DemoKeys:
    head: Certificate
    deputy: Certificate
    agency: Certificate


@pytest.fixture
def keys(org) -> DemoKeys:
    create_demo_pki_for(org.agency)
    return DemoKeys(
        head=Certificate.objects.get(person=org.head),
        deputy=Certificate.objects.get(person=org.deputy),
        agency=Certificate.objects.get(agency=org.agency),
    )

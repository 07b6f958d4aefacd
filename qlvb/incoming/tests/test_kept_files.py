"""A chosen file is not dropped when the registration form comes back with another error: it is
kept (for its chooser only, for a day) and registered with the next try; required fields are marked."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from qlvb.files import kept
from qlvb.incoming.models import IncomingDocument
from qlvb.incoming.tests.conftest import pdf_upload


def _post(client, **extra):
    data = {"received_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"), "source": "paper",
            "issuer_name": "Ủy ban nhân dân tỉnh Sơn La", "number": "77", "notation": "QĐ-UBND",
            "document_date": (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y"), "doc_type": "QĐ",
            "summary": "Quyết định ban hành quy chế làm việc của Ủy ban nhân dân tỉnh", "do_register": "1"}
    data.update(extra)
    return client.post("/incoming/register/", data)


def test_the_scan_survives_a_form_error_and_is_registered_next_time(org, registers, login):
    client = login(org.clerk)
    page = client.get("/incoming/register/").content.decode()
    assert 'for="id_uploads">' in page and page.split('for="id_uploads">')[1].split("</label>")[0].count("*") == 1
    # The summary is too short: the form comes back, the scan is kept and said so.
    response = _post(client, summary="Quyết định", uploads=pdf_upload("quyet-dinh.pdf"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-kept="uploads"' in html and "quyet-dinh.pdf" in html
    token = response.context["form"].data["kept_files"]
    assert token
    # Another person cannot use the token.
    assert kept.reopen(token, org.specialist.pk) == {}
    # Corrected, sent again without choosing the file: registered with it.
    response = _post(client, kept_files=token)
    assert response.status_code == 302, response.content.decode()[:2000]
    document = IncomingDocument.objects.get(number="77")
    assert [f.name for f in document.files.all()] == ["quyet-dinh.pdf"]


def test_kept_files_are_cleared_after_a_day(org):
    upload = pdf_upload("a.pdf")
    kept.keep(org.clerk.pk, {"uploads": [upload]})
    assert kept.clear_expired() == 0
    assert kept.clear_expired(now=timezone.now() + timedelta(days=2)) == 1
    for folder in default_storage.listdir(kept.PREFIX)[0]:  # a file system keeps the empty folders
        assert all(not default_storage.listdir(f"{kept.PREFIX}/{folder}/{field}")[1]
                   for field in default_storage.listdir(f"{kept.PREFIX}/{folder}")[0])

"""Serving stored files: the right headers, Vietnamese names intact, nothing run by the browser."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from qlvb.files.services import store_bytes
from qlvb.files.views import content_disposition, file_response

from .conftest import docx_bytes, image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


def test_pdf_inline_with_vietnamese_name(storage_root):
    data = pdf_bytes(2)
    stored = store_bytes(data, name="x.pdf")
    response = file_response(RequestFactory().get("/"), stored, filename="Công văn số 12/UBND-VP.pdf", inline=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(data))
    disposition = response["Content-Disposition"]
    assert disposition.startswith('inline; filename="Cong van so 12-UBND-VP.pdf"; filename*=UTF-8\'\'')
    assert unquote(disposition.split("UTF-8''")[1]) == "Công văn số 12-UBND-VP.pdf"
    assert "private" in response["Cache-Control"] and response["ETag"] == f'"{stored.sha256}"'
    assert response.getvalue() == data


def test_everything_but_pdf_and_images_is_an_attachment(storage_root):
    docx = store_bytes(docx_bytes(), name="x.docx")
    response = file_response(RequestFactory().get("/"), docx, filename="Dự thảo.docx", inline=True)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"].endswith("wordprocessingml.document")
    png = store_bytes(image_bytes("PNG"), name="x.png")
    assert file_response(RequestFactory().get("/"), png, filename="a.png", inline=True)[
        "Content-Disposition"] == 'inline; filename="a.png"'
    tiff = store_bytes(image_bytes("TIFF"), name="x.tif")  # browsers cannot show TIFF
    assert file_response(RequestFactory().get("/"), tiff, filename="a.tif", inline=True)[
        "Content-Disposition"].startswith("attachment")
    pdf = store_bytes(pdf_bytes(), name="x.pdf")
    assert file_response(RequestFactory().get("/"), pdf, filename="a.pdf", inline=False)[
        "Content-Disposition"].startswith("attachment")


def test_unchanged_file_answers_304(storage_root):
    stored = store_bytes(pdf_bytes(), name="x.pdf")
    request = RequestFactory().get("/", HTTP_IF_NONE_MATCH=f'"other", "{stored.sha256}"')
    response = file_response(request, stored, filename="a.pdf", inline=True)
    assert response.status_code == 304 and response["ETag"] == f'"{stored.sha256}"'


def test_content_disposition_escapes_quotes():
    expected = "attachment; filename=\"a_b.pdf\"; filename*=UTF-8''a%22b.pdf"
    assert content_disposition('a"b.pdf', inline=False) == expected


def test_pdf_viewer_include_uses_local_pdfjs():
    html = render_to_string("files/_pdf_viewer.html", {"url": "/incoming/1/files/2/", "title": "Công văn số 12"})
    assert 'data-url="/incoming/1/files/2/"' in html
    assert "/static/vendor/pdfjs/pdf.min.mjs" in html and "/static/vendor/pdfjs/pdf.worker.min.mjs" in html
    assert '<script type="module" src="/static/qlvb/pdf-viewer.js">' in html
    assert 'class="visually-hidden" id="pdf-viewer-title">Công văn số 12<' in html
    assert 'href="/incoming/1/files/2/" download' in html and 'target="_blank"' in html
    assert "aria-label=" in html and "http" not in html.replace('href="/', "")

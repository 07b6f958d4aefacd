"""Uploads are judged by their content, never by their name."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from qlvb.files.services import check_upload, clean_name, max_upload_bytes, sniff

from .conftest import docx_bytes, image_bytes, pdf_bytes, upload, zip_bytes


def codes(error: ValidationError) -> list[str | None]:
    return [e.code for e in error.error_list]


def test_sniff_by_content_not_name():
    assert sniff(pdf_bytes(), "a.png") == "pdf"
    assert sniff(image_bytes("PNG"), "a.pdf") == "image"
    assert sniff(image_bytes("JPEG"), "") == "image"
    assert sniff(image_bytes("TIFF"), "") == "image"
    assert sniff(image_bytes("GIF", mode="P", dpi=None), "") == "image"
    assert sniff(docx_bytes(), "a.zip") == "docx"
    assert sniff(zip_bytes(), "a.docx") == "other"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old.doc") == "other"
    assert sniff(b"hello", "a.pdf") == "other"


def test_sniff_docx_from_head_and_source():
    data = docx_bytes()
    assert sniff(data[:10], "x.docx") == "other"  # a head alone cannot show what the zip holds
    assert sniff(data[:10], "x.docx", source=data) == "docx"


def test_valid_files_pass():
    assert check_upload(upload("Công văn.pdf", pdf_bytes(2)), allowed_kinds={"pdf"}, max_bytes=10**6) == "pdf"
    assert check_upload(upload("scan.JPG", image_bytes("JPEG")), allowed_kinds={"image"}, max_bytes=10**6) == "image"
    assert check_upload(upload("du-thao.docx", docx_bytes()), allowed_kinds={"docx"}, max_bytes=10**6) == "docx"
    assert check_upload(upload("no-extension", pdf_bytes())) == "pdf"


def test_pdf_that_is_really_a_png_is_refused():
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("Quyết định.pdf", image_bytes("PNG")), allowed_kinds={"pdf", "image"}, max_bytes=10**6)
    assert codes(caught.value) == ["extension_mismatch"]
    assert "Quyết định.pdf" in caught.value.messages[0] and ".pdf" in caught.value.messages[0]


def test_zip_that_is_not_a_docx_is_refused():
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("bao-cao.docx", zip_bytes()))
    assert codes(caught.value) == ["extension_mismatch"]
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("bao-cao.zip", zip_bytes()))
    assert codes(caught.value) == ["kind_not_allowed"]


def test_kind_not_allowed_and_old_word():
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("anh.png", image_bytes("PNG")), allowed_kinds={"pdf"}, max_bytes=10**6)
    assert codes(caught.value) == ["kind_not_allowed"] and "PDF" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)))
    assert ".docx" in caught.value.messages[0]
    assert check_upload(upload("bang.xlsx", zip_bytes()), allowed_kinds={"other"}) == "other"


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("trong.pdf", b""))
    assert codes(caught.value) == ["empty"] and "trong.pdf" in caught.value.messages[0]


def test_oversized_file_is_refused_by_setting(settings):
    settings.QLVB_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("lon.pdf", pdf_bytes()))
    assert codes(caught.value) == ["too_large"]
    with pytest.raises(ValidationError):
        check_upload(upload("lon.pdf", pdf_bytes()), max_bytes=10)
    assert check_upload(upload("lon.pdf", pdf_bytes()), max_bytes=10**6) == "pdf"  # explicit limit wins


def test_default_limit_is_50_mb(settings):
    if hasattr(settings, "QLVB_MAX_UPLOAD_BYTES"):
        del settings.QLVB_MAX_UPLOAD_BYTES
    assert max_upload_bytes() == 50 * 1024 * 1024


def test_password_protected_pdf_is_refused():
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("mat.pdf", pdf_bytes(user_password="secret")))
    assert codes(caught.value) == ["pdf_password"] and "mật khẩu" in caught.value.messages[0]


def test_encrypted_pdf_without_user_password_is_refused():
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("khoa.pdf", pdf_bytes(owner_password="owner")))
    assert codes(caught.value) == ["pdf_encrypted"]


def test_damaged_pdf_and_image_are_refused():
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("hong.pdf", b"%PDF-1.7\n" + b"garbage " * 200))
    assert codes(caught.value) == ["pdf_broken"]
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("hong.png", image_bytes("PNG")[:40]))
    assert codes(caught.value) == ["image_broken"]


def test_clean_name():
    decomposed = "Co\u0302ng va\u0306n.pdf"  # what macOS sends
    assert clean_name(decomposed) == "Công văn.pdf"
    assert clean_name("C:\\Users\\vt\\scan.pdf") == "scan.pdf"
    assert clean_name("evil\u202efdp.exe") == "evilfdp.exe"
    assert clean_name("..") == "file"
    long = clean_name("a" * 300 + ".pdf")
    assert len(long) == 200 and long.endswith(".pdf")

"""Files on a real S3 store: what a clerk uploads comes back byte for byte through the app, each
content is stored once under its digest, and the nightly clean-ups find what they must there."""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from qlvb.files import kept, sweep
from qlvb.files.models import StoredFile
from qlvb.files.services import blob_name, read_stored, store_bytes
from qlvb.incoming.models import IncomingDocument
from qlvb.incoming.tests.conftest import pdf_upload
from qlvb.registers.services import ensure_default_registers
from tests.s3.conftest import keys, s3_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("s3")]


def _register_page(client, upload, number: str = "77"):  # noqa: ANN001, ANN202
    data = {"received_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"), "source": "paper",
            "issuer_name": "Ủy ban nhân dân tỉnh Sơn La", "number": number, "notation": "QĐ-UBND",
            "document_date": (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y"), "doc_type": "QĐ",
            "summary": "Quyết định ban hành quy chế làm việc của Ủy ban nhân dân tỉnh", "do_register": "1",
            "uploads": upload}
    response = client.post("/incoming/register/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return IncomingDocument.objects.get(number=number)


def _download(client, url: str) -> bytes:  # noqa: ANN001
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_a_scan_registered_on_the_page_is_stored_in_the_bucket_and_downloaded_byte_identical(org, login, s3):
    ensure_default_registers(org.agency)
    client = login(org.clerk)
    scan = pdf_upload("quyet-dinh.pdf", pages=3, salt="s3")
    original = scan.read()
    scan.seek(0)
    document = _register_page(client, scan)
    item = document.files.get()
    digest = hashlib.sha256(original).hexdigest()
    # Addressed by content: the object's key is the digest, and the object holds exactly the scan.
    assert item.stored.sha256 == digest and item.stored.storage_name == blob_name(digest)
    assert blob_name(digest) in keys(s3)
    assert s3_bytes(s3, blob_name(digest)) == original
    for disposition in ("view", "download"):
        assert _download(client, f"/incoming/{document.pk}/files/{item.pk}/{disposition}/") == original
    # Nobody outside the document gets it.
    assert login(org.specialist).get(f"/incoming/{document.pk}/files/{item.pk}/download/").status_code == 404


def test_the_same_content_registered_twice_is_one_object(org, login, s3):
    ensure_default_registers(org.agency)
    client = login(org.clerk)
    data = pdf_upload(salt="twice").read()
    first = _register_page(client, pdf_upload("a.pdf", salt="twice"), number="1")
    second = _register_page(client, pdf_upload("b.pdf", salt="twice"), number="2")
    assert first.files.get().stored_id == second.files.get().stored_id
    blobs = [key for key in keys(s3) if key.startswith("blobs/")]
    assert blobs == [blob_name(hashlib.sha256(data).hexdigest())]
    # A missing object (lost from the bucket) is written again when its content comes again.
    s3.client().delete_object(Bucket=s3.bucket, Key=blobs[0])
    assert store_bytes(data, name="c.pdf").pk == first.files.get().stored_id
    assert s3_bytes(s3, blobs[0]) == data


def test_orphan_blobs_in_the_bucket_are_found_and_removed(db, s3):
    kept_file = store_bytes(b"%PDF-1.4 referenced", name="kept.pdf")
    orphan = blob_name(hashlib.sha256(b"orphan").hexdigest())
    default_storage.save(orphan, ContentFile(b"orphan"))
    assert sweep.orphan_blobs() == []  # too young
    assert sweep.orphan_blobs(older_than=timedelta(seconds=-60)) == [orphan]
    assert sweep.delete_orphan_blobs(older_than=timedelta(seconds=-60)) == [orphan]
    assert keys(s3) == [kept_file.storage_name]
    assert read_stored(StoredFile.objects.get()) == b"%PDF-1.4 referenced"


def test_kept_uploads_live_in_the_bucket_and_are_cleared_after_a_day(org, s3):
    token = kept.keep(org.clerk.pk, {"uploads": [pdf_upload("giu-lai.pdf", salt="kept")]})
    assert token is not None
    assert any(key.startswith(f"{kept.PREFIX}/") for key in keys(s3))
    again = kept.reopen(token.token, org.clerk.pk)
    assert [upload.name for upload in again["uploads"]] == ["giu-lai.pdf"]
    assert kept.clear_expired() == 0
    assert kept.clear_expired(now=timezone.now() + timedelta(days=2)) == 1
    assert keys(s3) == []


def test_a_large_file_is_copied_to_the_bucket_in_chunks_and_read_back_whole(db, s3, tmp_path):
    """store_file (edXML packages, big scans) streams from disk: past S3's 5 MB part size the
    upload goes in several parts."""
    from qlvb.files.services import store_file

    data = os.urandom(12 * 1024 * 1024)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    with path.open("rb") as source:
        stored, wrote = store_file(source, name="goi-tin.zip")
    assert wrote and stored.size == len(data) and stored.sha256 == hashlib.sha256(data).hexdigest()
    assert s3.client().head_object(Bucket=s3.bucket, Key=stored.storage_name)["ContentLength"] == len(data)
    assert hashlib.sha256(read_stored(stored)).hexdigest() == stored.sha256

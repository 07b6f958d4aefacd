"""Each content is stored once; scans become one PDF; a failed block leaves nothing behind."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from pypdf import PdfReader

from qlvb.files import services
from qlvb.files.models import StoredFile
from qlvb.files.services import images_to_pdf, prepare_uploads, read_stored, staged_uploads, store_bytes

from .conftest import blobs, docx_bytes, image_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def test_same_bytes_twice_is_one_row_and_one_blob(storage_root):
    data = pdf_bytes(3)
    first = store_bytes(data, name="a.pdf")
    second = store_bytes(data, name="b.pdf")
    assert first.pk == second.pk and StoredFile.objects.count() == 1
    sha = first.sha256
    assert blobs(storage_root) == {f"blobs/{sha[:2]}/{sha[2:4]}/{sha}"} == {first.storage_name}
    assert (first.kind, first.content_type, first.page_count, first.size) == ("pdf", "application/pdf", 3, len(data))
    assert read_stored(first) == data


def test_kinds_and_content_types(storage_root):
    assert store_bytes(docx_bytes(), name="x.docx").content_type.endswith("wordprocessingml.document")
    png = store_bytes(image_bytes("PNG"), name="x.png")
    assert (png.kind, png.content_type, png.page_count) == ("image", "image/png", None)
    assert store_bytes(b"<edXML/>", name="goi-tin.xml").content_type in {"application/xml", "text/xml"}
    # Never a type a browser would run, whatever the name says.
    assert store_bytes(b"<script>alert(1)</script>", name="x.html").content_type == "application/octet-stream"


def test_truncated_blob_is_written_again(storage_root):
    data = pdf_bytes(1, marker="partial")
    stored = store_bytes(data, name="a.pdf")
    path = storage_root / stored.storage_name
    path.write_bytes(data[:10])  # as a crash in the middle of a write would leave it
    assert store_bytes(data, name="a.pdf").pk == stored.pk
    assert path.read_bytes() == data


def test_images_become_one_pdf_in_order():
    jpeg = image_bytes("JPEG", size=(600, 900), dpi=(300, 300))
    pdf = images_to_pdf([
        image_bytes("PNG", size=(400, 600), dpi=(200, 200)),
        image_bytes("TIFF", mode="1", size=(800, 1000), dpi=(400, 400), frames=3),
        jpeg,
        image_bytes("PNG", size=(400, 400), dpi=None),  # no metadata: 200 dpi
        image_bytes("PNG", size=(720, 720), dpi=(72, 72)),  # a program's default, not a scan: 200 dpi
    ])
    reader = PdfReader(io.BytesIO(pdf))
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]
    assert sizes == [(144, 216), (144, 180), (144, 180), (144, 180), (144, 216), (144, 144), (259, 259)]
    assert jpeg in pdf  # a JPEG goes in as it is, not compressed a second time


def test_rotated_phone_photo_keeps_its_orientation():
    from PIL import Image

    image = Image.new("RGB", (400, 200), "white")
    exif = image.getexif()
    exif[0x0112] = 6  # "turn 90° clockwise to view"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, dpi=(200, 200))
    page = PdfReader(io.BytesIO(images_to_pdf([out.getvalue()]))).pages[0]
    assert page.rotation == 90 and (float(page.mediabox.width), float(page.mediabox.height)) == (144, 72)


def test_unreadable_image_names_the_file():
    with pytest.raises(ValidationError) as caught:
        images_to_pdf([image_bytes("PNG"), b"\x89PNG\r\n\x1a\nbroken"], names=["a.png", "b.png"])
    assert "b.png" in caught.value.messages[0]


def test_staged_uploads_combine_images_where_the_first_was(storage_root):
    files = [upload("to-trinh.pdf", pdf_bytes(2)), upload("scan 1.png", image_bytes("PNG")),
             upload("du-thao.docx", docx_bytes()), upload("scan 2.jpg", image_bytes("JPEG")),
             upload("scan 3.tif", image_bytes("TIFF", frames=2))]
    with transaction.atomic(), staged_uploads(files) as staged:
        assert [(s.name, s.kind) for s in staged] == [("to-trinh.pdf", "pdf"), ("scan 1.pdf", "pdf"),
                                                      ("du-thao.docx", "docx")]
        assert staged[1].stored.page_count == 4
        assert staged[1].sources == ("scan 1.png", "scan 2.jpg", "scan 3.tif")
    assert StoredFile.objects.count() == 3 and len(blobs(storage_root)) == 3


def test_staged_uploads_without_combining(storage_root):
    files = [upload("a.png", image_bytes("PNG")), upload("b.jpg", image_bytes("JPEG"))]
    with transaction.atomic(), staged_uploads(files, combine_images=False) as staged:
        assert [(s.name, s.kind) for s in staged] == [("a.png", "image"), ("b.jpg", "image")]


def test_nothing_is_written_if_any_upload_is_bad(storage_root):
    files = [upload("tot.pdf", pdf_bytes()), upload("gia.pdf", image_bytes("PNG")), upload("trong.docx", b"")]
    with pytest.raises(ValidationError) as caught, transaction.atomic(), staged_uploads(files):
        pytest.fail("the block must not run")
    assert [e.code for e in caught.value.error_list] == ["extension_mismatch", "empty"]  # all at once
    assert StoredFile.objects.count() == 0 and blobs(storage_root) == set()


def test_errors_keyed_by_field_and_prepared_outside_the_transaction(storage_root):
    with pytest.raises(ValidationError) as caught:
        prepare_uploads([upload("gia.pdf", image_bytes("PNG"))], field="attachments")
    assert list(caught.value.message_dict) == ["attachments"]
    prepared = prepare_uploads([upload("a.png", image_bytes("PNG")), upload("b.pdf", pdf_bytes())])
    assert StoredFile.objects.count() == 0 and blobs(storage_root) == set()
    with transaction.atomic(), staged_uploads(prepared) as staged:
        assert [s.name for s in staged] == ["a.pdf", "b.pdf"]
    with transaction.atomic(), staged_uploads([]) as staged:
        assert staged == []


def test_failed_block_removes_new_rows_and_blobs_but_not_older_ones(storage_root):
    older = store_bytes(pdf_bytes(1, marker="older"), name="cu.pdf")  # e.g. attached to another document
    before = blobs(storage_root)
    files = [upload("cu.pdf", pdf_bytes(1, marker="older")), upload("moi.pdf", pdf_bytes(1, marker="new")),
             upload("anh.png", image_bytes("PNG"))]
    with pytest.raises(Boom), transaction.atomic(), staged_uploads(files) as staged:
        assert len(staged) == 3 and staged[0].stored.pk == older.pk
        assert len(blobs(storage_root)) == 3
        raise Boom
    assert list(StoredFile.objects.all()) == [older]
    assert blobs(storage_root) == before
    assert read_stored(older) == pdf_bytes(1, marker="older")


def test_rows_are_rolled_back_even_if_the_caller_swallows_the_error(storage_root):
    with transaction.atomic():
        try:
            with staged_uploads([upload("moi.pdf", pdf_bytes(1, marker="swallowed"))]):
                raise Boom
        except Boom:
            pass
        assert StoredFile.objects.count() == 0  # no row pointing at a deleted blob
    assert blobs(storage_root) == set()


def test_blob_written_by_someone_else_is_not_deleted(storage_root):
    # A concurrent upload of the same content wrote the blob and has not committed its row yet.
    data = pdf_bytes(1, marker="concurrent")
    name = services.blob_name(services.hashlib.sha256(data).hexdigest())
    (storage_root / name).parent.mkdir(parents=True)
    (storage_root / name).write_bytes(data)
    with pytest.raises(Boom), transaction.atomic(), staged_uploads([ContentFile(data, name="x.pdf")]):
        raise Boom
    assert blobs(storage_root) == {name}


def test_row_committed_by_someone_else_meanwhile_is_used_and_kept(storage_root, monkeypatch):
    # Our look-up misses the row (the other transaction had not committed yet); our INSERT then
    # meets it: we must use their row and never delete their blob.
    data = pdf_bytes(1, marker="race")
    theirs = store_bytes(data, name="theirs.pdf")
    monkeypatch.setattr(services, "_find", lambda digest: None)
    with pytest.raises(Boom), transaction.atomic(), staged_uploads([upload("ours.pdf", data)]) as staged:
        assert staged[0].stored.pk == theirs.pk
        raise Boom
    assert list(StoredFile.objects.all()) == [theirs]
    assert blobs(storage_root) == {theirs.storage_name}


def test_blob_deleted_by_a_failed_concurrent_upload_is_written_again(storage_root, monkeypatch):
    # We saw the blob (written by another upload) so did not write it; that upload then failed
    # and deleted it before our row was saved: we must notice, write it, and own it.
    real = services._ensure_blob
    calls: list[str] = []

    def ensure(name, content):
        calls.append(name)
        return False if len(calls) == 1 else real(name, content)  # first call: "it is there already"

    monkeypatch.setattr(services, "_ensure_blob", ensure)
    data = pdf_bytes(1, marker="vanished")
    with transaction.atomic(), staged_uploads([upload("a.pdf", data)]) as staged:
        assert (storage_root / staged[0].stored.storage_name).read_bytes() == data
    calls.clear()
    with pytest.raises(Boom), transaction.atomic(), staged_uploads([upload("b.pdf", pdf_bytes(1, marker="v2"))]):
        assert len(blobs(storage_root)) == 2
        raise Boom
    assert len(blobs(storage_root)) == 1  # the one we wrote after all was ours to delete


def _kept_orphan_and_fresh(storage_root, orphan_content: bytes):  # noqa: ANN001, ANN202
    """A referenced blob and an orphan, both two days old, and an orphan just written (a
    transaction still in flight): what a sweep must tell apart."""
    import os
    import time

    kept = store_bytes(pdf_bytes(1, marker="kept"), name="a.pdf")
    orphan = storage_root / "blobs" / "ab" / "cd" / ("abcd" + "0" * 60)
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(orphan_content)
    fresh = storage_root / "blobs" / "ef" / "01" / ("ef01" + "1" * 60)
    fresh.parent.mkdir(parents=True)
    fresh.write_bytes(b"still in flight")
    old = time.time() - 2 * 86400
    for path in (orphan, storage_root / kept.storage_name):
        os.utime(path, (old, old))
    return storage_root / kept.storage_name, orphan, fresh


def test_sweep_blobs_finds_only_old_unreferenced_blobs(storage_root):
    from django.core.management import call_command

    kept, orphan, fresh = _kept_orphan_and_fresh(storage_root, b"left behind")
    out = io.StringIO()
    call_command("sweep_blobs", stdout=out)
    assert orphan.exists() and "Found 1" in out.getvalue()
    call_command("sweep_blobs", "--delete", stdout=io.StringIO())
    assert not orphan.exists() and fresh.exists() and kept.exists()


def test_the_worker_removes_orphan_blobs_every_night(storage_root):
    """A crash during registration leaves blobs no row points to, possibly of a secret document:
    the periodic task removes them once a day old, and never a referenced or fresh one."""
    from datetime import datetime

    from huey.api import PeriodicTask

    from qlvb.files.tasks import sweep_orphan_blobs

    kept, orphan, fresh = _kept_orphan_and_fresh(storage_root, b"secret content left by a crash")
    sweep_orphan_blobs.call_local()
    assert not orphan.exists() and fresh.exists() and kept.exists()
    # Scheduled, not only callable: the worker runs it at 03:20 every night.
    assert issubclass(sweep_orphan_blobs.task_class, PeriodicTask)
    assert sweep_orphan_blobs.task_class().validate_datetime(datetime(2026, 12, 6, 3, 20))

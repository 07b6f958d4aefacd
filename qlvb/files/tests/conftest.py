"""Fixtures for the files app: a storage in pytest's tmp_path and small real files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from pypdf import PdfWriter


@pytest.fixture
def storage_root(settings, tmp_path) -> Path:
    """Point Django's default storage at a fresh folder so tests never write into var/."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
    }
    return root


def blobs(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def pdf_bytes(pages: int = 1, *, user_password: str | None = None, owner_password: str | None = None,
              marker: str = "") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": marker or "QLVB test"})
    if user_password is not None or owner_password is not None:
        writer.encrypt(user_password=user_password or "", owner_password=owner_password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt: str = "PNG", *, size: tuple[int, int] = (300, 400), dpi: tuple[int, int] | None = (300, 300),
                mode: str = "RGB", colour: str = "white", frames: int = 1) -> bytes:
    images = []
    for index in range(frames):
        image = Image.new(mode, size, colour if mode != "1" else 1)
        ImageDraw.Draw(image).rectangle([10, 10 + index * 5, 100, 60], fill=0 if mode in {"1", "L"} else "black")
        images.append(image)
    out = io.BytesIO()
    options: dict[str, Any] = {"dpi": dpi} if dpi else {}
    if frames > 1:
        options.update(save_all=True, append_images=images[1:])
    images[0].save(out, fmt, **options)
    return out.getvalue()


def docx_bytes(text: str = "Kính gửi") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        archive.writestr("word/document.xml", f"<w:document><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body>"
                         "</w:document>")
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("bang-luong.csv", "a,b\n1,2\n")
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)

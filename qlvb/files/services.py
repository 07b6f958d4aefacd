"""Files by content: check uploads, store each distinct content once, combine scans into a PDF.

Uploads are untrusted until checked: the kind is decided by the bytes, never by the name, and a
name that says one thing while the bytes say another is refused. Blobs live in Django's default
storage under ``blobs/ab/cd/<sha256>`` (local folder by default, S3 in production); one
``StoredFile`` row describes each. Domain apps keep their own link rows to ``StoredFile``.

Typical use in a domain service::

    prepared = prepare_uploads(files)              # slow checks and conversion, outside the lock
    with transaction.atomic(), staged_uploads(prepared) as staged:
        document = ...
        for order, item in enumerate(staged):
            IncomingFile.objects.create(document=document, stored_file=item.stored, name=item.name,
                                        order=order)

If the block raises, the rows are rolled back and the blobs this block wrote are deleted, so a
failed registration leaves neither a row nor a file.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import mimetypes
import os
import struct
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PasswordType, PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject, NumberObject

from qlvb.core import rows
from qlvb.files.models import StoredFile

logger = logging.getLogger(__name__)

PDF, IMAGE, DOCX, OTHER = "pdf", "image", "docx", "other"
DEFAULT_ALLOWED_KINDS = frozenset({PDF, IMAGE, DOCX})
DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
HEAD_BYTES = 8192

DEFAULT_DPI = 200.0
# Below this, "resolution" metadata is almost always a program's default (72 or 96 dpi on a
# phone photo or a screenshot), not a scanner's: the page would come out metres wide.
MIN_TRUSTED_DPI = 100.0
MAX_TRUSTED_DPI = 4800.0

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"II+\x00", "image/tiff"),  # BigTIFF
    (b"MM\x00+", "image/tiff"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_PIL_FORMATS = {"PNG", "JPEG", "MPO", "TIFF", "GIF"}
# Types an "other" file may keep (guessed from its name, informational only: such files are
# always served as attachments). Anything else becomes application/octet-stream.
_SAFE_OTHER_TYPES = {
    "application/zip", "application/xml", "text/xml", "text/plain", "text/csv",
    "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "application/x-7z-compressed", "application/vnd.rar", "application/x-rar-compressed",
}
# What a file's extension promises; an extension not listed promises nothing.
_EXTENSION_KINDS = {
    ".pdf": PDF, ".docx": DOCX,
    ".png": IMAGE, ".jpg": IMAGE, ".jpeg": IMAGE, ".jpe": IMAGE, ".jfif": IMAGE,
    ".tif": IMAGE, ".tiff": IMAGE, ".gif": IMAGE,
}


# --- Names ------------------------------------------------------------------------------------

def clean_name(name: str, *, max_length: int = 200) -> str:
    """A file name safe to keep and to show: NFC (macOS sends decomposed Vietnamese), no folders,
    no control or direction-override characters, not too long (the extension is kept)."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".").strip()
    if not name:
        return "file"
    if len(name) > max_length:
        stem, ext = os.path.splitext(name)
        ext = ext[:20]
        name = stem[: max_length - len(ext)].rstrip() + ext
    return name


def _with_extension(name: str, extension: str) -> str:
    return os.path.splitext(name)[0] + extension


# --- Sniffing ---------------------------------------------------------------------------------

def _is_docx(source: IO[bytes] | bytes) -> bool:
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray | memoryview) else source
    position = stream.tell() if hasattr(stream, "tell") else None
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return True
            if "[Content_Types].xml" in names:  # a main part under another name, still a .docx
                with archive.open("[Content_Types].xml") as types:
                    return b"wordprocessingml.document.main+xml" in types.read(256 * 1024)
            return False
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, NotImplementedError):
        return False
    finally:
        if position is not None:
            stream.seek(position)


def detect(data_head: bytes, *, source: IO[bytes] | bytes | None = None) -> tuple[str, str]:
    """(kind, content type) from the bytes. ``source`` is the whole content (bytes or a seekable
    file), needed to look inside a zip; without it ``data_head`` must be the whole content."""
    if b"%PDF-" in data_head[:1024]:  # readers accept a little junk before the header
        return PDF, "application/pdf"
    for signature, content_type in _IMAGE_SIGNATURES:
        if data_head.startswith(signature):
            return IMAGE, content_type
    if data_head.startswith(b"PK\x03\x04"):
        if _is_docx(source if source is not None else data_head):
            return DOCX, DOCX_TYPE
        return OTHER, "application/zip"
    return OTHER, "application/octet-stream"


def sniff(data_head: bytes, name: str = "", *, source: IO[bytes] | bytes | None = None) -> str:
    """The kind of a file ("pdf", "image", "docx" or "other") by its content, never its name.

    ``name`` is not used to decide; it is accepted so callers can pass what they have. A DOCX
    is a zip holding ``word/document.xml``: pass ``source`` (the whole content, bytes or a
    seekable file) unless ``data_head`` already is the whole content.
    """
    return detect(data_head, source=source)[0]


def _content_type_for(kind: str, detected: str, name: str) -> str:
    if kind != OTHER or detected != "application/octet-stream":
        return detected
    guessed = mimetypes.guess_type(name, strict=False)[0]
    return guessed if guessed in _SAFE_OTHER_TYPES else "application/octet-stream"


# --- Checking uploads -------------------------------------------------------------------------

def max_upload_bytes() -> int:
    return int(getattr(settings, "QLVB_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def _kind_labels(kinds: Iterable[str]) -> str:
    labels = {
        PDF: _("PDF"),
        IMAGE: _("scanned images (PNG, JPEG, TIFF, GIF)"),
        DOCX: _("Word documents (.docx)"),
        OTHER: _("other files"),
    }
    return ", ".join(str(labels[k]) for k in (PDF, IMAGE, DOCX, OTHER) if k in kinds)


def _head(upload: Any) -> bytes:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def _check_pdf(stream: IO[bytes], name: str) -> int:
    """Open the PDF as a reader would; return its page count or raise a clear ValidationError."""
    stream.seek(0)
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            opens_without_password = False
            with contextlib.suppress(Exception):
                opens_without_password = reader.decrypt("") != PasswordType.NOT_DECRYPTED
            if opens_without_password:
                raise ValidationError(
                    _("The file “%(name)s” is an encrypted PDF (locked against printing, copying or "
                      "editing). Remove the protection, or print it to a new PDF, and upload it again."),
                    code="pdf_encrypted", params={"name": name})
            raise ValidationError(
                _("The file “%(name)s” is a password-protected PDF, so nobody could open it here. "
                  "Remove the password and upload it again."),
                code="pdf_password", params={"name": name})
        pages = len(reader.pages)
    except ValidationError:
        raise
    except Exception as error:  # pypdf raises many kinds of errors on broken files
        logger.info("Unreadable PDF %r: %s", name, error)
        raise ValidationError(
            _("The file “%(name)s” cannot be opened as a PDF: it is damaged or incomplete. "
              "Save or scan it again and upload the new file."),
            code="pdf_broken", params={"name": name})
    finally:
        stream.seek(0)
    if pages < 1:
        raise ValidationError(_("The PDF “%(name)s” has no pages."), code="pdf_empty", params={"name": name})
    return pages


def _check_image(stream: IO[bytes], name: str) -> None:
    stream.seek(0)
    try:
        with Image.open(stream) as image:
            if image.format not in _PIL_FORMATS:
                raise UnidentifiedImageError(image.format)
            image.verify()
    except Image.DecompressionBombError:
        raise ValidationError(
            _("The image “%(name)s” is too large (too many pixels) to be processed. "
              "Scan it at 200–300 dpi and upload it again."),
            code="image_too_large", params={"name": name})
    except Exception as error:
        logger.info("Unreadable image %r: %s", name, error)
        raise ValidationError(
            _("The file “%(name)s” cannot be opened as an image: it is damaged or incomplete."),
            code="image_broken", params={"name": name})
    finally:
        stream.seek(0)


def check_upload(upload: Any, *, allowed_kinds: Iterable[str] = DEFAULT_ALLOWED_KINDS,
                 max_bytes: int | None = None) -> str:
    """Check one uploaded file (any Django ``File`` with a name) and return its kind.

    Raises ValidationError, naming the file, when it is empty, over the size limit
    (``max_bytes``, by default settings.QLVB_MAX_UPLOAD_BYTES, 50 MB), of a kind not in
    ``allowed_kinds``, named as one kind while being another, or a PDF or image that cannot be
    opened (damaged, encrypted or password-protected).
    """
    return _check_upload(upload, allowed_kinds=allowed_kinds, max_bytes=max_bytes)[0]


def _check_upload(upload: Any, *, allowed_kinds: Iterable[str], max_bytes: int | None) -> tuple[str, int | None]:
    """check_upload, with a PDF's page count (the check counts them: storing need not again)."""
    allowed = frozenset(allowed_kinds)
    name = clean_name(getattr(upload, "name", "") or "")
    size = upload.size or 0
    if size <= 0:
        raise ValidationError(_("The file “%(name)s” is empty (0 bytes)."), code="empty", params={"name": name})
    limit = max_bytes if max_bytes is not None else max_upload_bytes()
    if size > limit:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s, more than the limit of %(limit)s per file."),
            code="too_large", params={"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)})

    kind, _content_type = detect(_head(upload), source=upload)
    extension = os.path.splitext(name)[1].lower()
    promised = _EXTENSION_KINDS.get(extension)
    if promised and promised != kind:
        params = {"name": name, "extension": extension}
        if promised == PDF:
            message = _("The file “%(name)s” is named .pdf but is not a PDF. Open it and save or print it "
                        "as a PDF, then upload it again.")
        elif promised == DOCX:
            message = _("The file “%(name)s” is named .docx but is not a Word document. Open it in Word "
                        "and save it as .docx (or as PDF), then upload it again.")
        else:
            message = _("The file “%(name)s” is named %(extension)s but is not a PNG, JPEG, TIFF or GIF "
                        "image.")
        raise ValidationError(message, code="extension_mismatch", params=params)
    if kind not in allowed:
        if extension == ".doc" and DOCX in allowed:
            message = _("The file “%(name)s” is an old Word 97–2003 document (.doc). Save it as .docx or "
                        "as PDF and upload it again.")
        else:
            message = _("The file “%(name)s” is not of an accepted kind. Accepted here: %(kinds)s.")
        raise ValidationError(message, code="kind_not_allowed",
                              params={"name": name, "kinds": _kind_labels(allowed)})
    if kind == PDF:
        return kind, _check_pdf(upload, name)
    if kind == IMAGE:
        _check_image(upload, name)
    return kind, None


# --- Storing ----------------------------------------------------------------------------------

def blob_name(sha256: str) -> str:
    return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _pdf_page_count(data: bytes) -> int | None:
    try:
        return len(PdfReader(io.BytesIO(data), strict=False).pages)
    except Exception:  # encrypted or damaged: stored as received, page count unknown
        return None


def _ensure_blob(name: str, data: bytes) -> bool:
    """Make sure the blob ``name`` holds ``data``; return True if this call wrote it."""
    if default_storage.exists(name):
        try:
            size = default_storage.size(name)
        except Exception:
            size = None
        if size == len(data):
            return False
        # A partial write (a crash mid-upload) at a content address: the right bytes replace it.
        logger.warning("Blob %s has %s bytes instead of %s; writing it again", name, size, len(data))
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:
        # Someone wrote the same content at the same moment; theirs is as good as ours.
        default_storage.delete(saved)
        return False
    return True


# Every stored file is looked up by its digest first (every registration): compiled once.
_BY_DIGEST = rows.Read(lambda digest: StoredFile.objects.filter(sha256=digest).order_by("pk")
                       .values_list(*rows.attnames(StoredFile))[:1], str)


def _find(digest: str) -> StoredFile | None:
    return next(iter(_BY_DIGEST.objects(StoredFile, digest)), None)


def _insert_new(**values: Any) -> StoredFile | None:
    """The new row, or None if a committed row holds the same content (on PostgreSQL the INSERT
    first waits for a transaction inserting it at the same moment). INSERT … ON CONFLICT DO
    NOTHING: catching a plain INSERT's IntegrityError needed a savepoint, two statements more for
    every stored file."""
    stored = StoredFile(**values)
    return stored if rows.insert(stored, ignore_conflicts=True) else None


def _store(data: bytes, *, name: str, pages: int | None = None) -> tuple[StoredFile, bool]:
    """Store ``data`` once; return the row and whether this call wrote a blob that no committed
    row owned (only such a blob may be deleted by a caller that fails)."""
    if not data:
        raise ValueError("Cannot store an empty file.")
    digest = hashlib.sha256(data).hexdigest()
    existing = _find(digest)
    if existing is not None:
        _ensure_blob(existing.storage_name, data)  # repairs a missing blob; never ours to delete
        return existing, False

    storage_name = blob_name(digest)
    wrote = _ensure_blob(storage_name, data)
    kind, detected = detect(data[:HEAD_BYTES], source=data)
    stored = _insert_new(sha256=digest, size=len(data), kind=kind, content_type=_content_type_for(kind, detected, name),
                         page_count=(pages or _pdf_page_count(data)) if kind == PDF else None,
                         storage_name=storage_name)
    if stored is None:
        # Another transaction committed the same content first: the row and the blob are theirs.
        stored = StoredFile.objects.get(sha256=digest)
        _ensure_blob(stored.storage_name, data)
        return stored, False
    # On PostgreSQL our INSERT may have waited for a concurrent transaction holding the same
    # content, which then failed and deleted the blob it had written: write it again if so.
    if _ensure_blob(storage_name, data):
        wrote = True
    return stored, wrote


def store_bytes(data: bytes, *, name: str) -> StoredFile:
    """Store ``data`` once by its SHA-256 and return its row (the existing one if the same content
    was stored before). ``name`` only helps to label an "other" file's content type.

    Nothing is undone if the caller's transaction fails afterwards: the blob stays, unreferenced
    (``manage.py sweep_blobs`` finds such blobs). For uploads use ``staged_uploads``."""
    return _store(data, name=clean_name(name))[0]


def _ensure_blob_from(name: str, source: IO[bytes], size: int) -> bool:
    """``_ensure_blob`` for content in a file: copied into the storage in chunks."""
    if default_storage.exists(name):
        try:
            existing = default_storage.size(name)
        except Exception:
            existing = None
        if existing == size:
            return False
        logger.warning("Blob %s has %s bytes instead of %s; writing it again", name, existing, size)
        default_storage.delete(name)
    source.seek(0)
    saved = default_storage.save(name, File(source, name=os.path.basename(name)))
    if saved != name:
        default_storage.delete(saved)
        return False
    return True


def store_file(source: IO[bytes], *, name: str) -> tuple[StoredFile, bool]:
    """``store_bytes`` for content too large to hold in memory (a seekable binary file): hashed
    and copied into the storage in 1 MB chunks. Returns the row and whether this call wrote a
    blob no committed row owned: if the caller's transaction is rolled back, it deletes those
    with ``delete_blobs`` (inside the transaction, as ``staged_uploads`` does)."""
    source.seek(0)
    hasher, size = hashlib.sha256(), 0
    for chunk in iter(lambda: source.read(1024 * 1024), b""):
        hasher.update(chunk)
        size += len(chunk)
    if not size:
        raise ValueError("Cannot store an empty file.")
    digest, name = hasher.hexdigest(), clean_name(name)
    existing = _find(digest)
    if existing is not None:
        _ensure_blob_from(existing.storage_name, source, size)
        return existing, False
    storage_name = blob_name(digest)
    wrote = _ensure_blob_from(storage_name, source, size)
    source.seek(0)
    kind, detected = detect(source.read(HEAD_BYTES), source=source)
    page_count = None
    if kind == PDF:
        try:
            source.seek(0)
            page_count = len(PdfReader(source, strict=False).pages)
        except Exception:  # encrypted or damaged: stored as received, page count unknown
            page_count = None
    stored = _insert_new(sha256=digest, size=size, kind=kind, content_type=_content_type_for(kind, detected, name),
                         page_count=page_count, storage_name=storage_name)
    if stored is None:
        stored = StoredFile.objects.get(sha256=digest)
        _ensure_blob_from(stored.storage_name, source, size)
        return stored, False
    if _ensure_blob_from(storage_name, source, size):
        wrote = True
    return stored, wrote


def delete_blobs(names: Iterable[str]) -> None:
    """Delete blobs a failed or abandoned transaction wrote (see ``store_file``)."""
    _delete_blobs(names)


def open_stored(stored: StoredFile) -> File:
    """The blob as an open Django ``File`` (binary); close it when done."""
    return default_storage.open(stored.storage_name, "rb")


def read_stored(stored: StoredFile) -> bytes:
    with open_stored(stored) as handle:
        return handle.read()


def _delete_blobs(names: Iterable[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # never hide the error that made us clean up
            logger.exception("Could not delete blob %s while cleaning up a failed upload", name)


# --- Scans to PDF -----------------------------------------------------------------------------

@dataclass
class _ImagePage:
    data: bytes  # the image stream as it goes into the PDF (already compressed)
    width: int
    height: int
    dpi: tuple[float, float]
    colour_space: str
    bits: int
    filter: str
    predictor_colours: int = 0  # > 0: PNG predictors (FlateDecode from a PNG's IDAT)
    decode: tuple[int, ...] = ()
    rotate: int = 0


def _dpi(image: Image.Image) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in image.info["dpi"])
    except (KeyError, TypeError, ValueError):
        return DEFAULT_DPI, DEFAULT_DPI
    if MIN_TRUSTED_DPI <= x <= MAX_TRUSTED_DPI and MIN_TRUSTED_DPI <= y <= MAX_TRUSTED_DPI:
        # PNG keeps dots per metre: 300 dpi comes back as 299.9994.
        return tuple(round(v) if abs(v - round(v)) < 0.05 else v for v in (x, y))  # type: ignore[return-value]
    return DEFAULT_DPI, DEFAULT_DPI


_JPEG_ROTATION = {1: 0, 3: 180, 6: 90, 8: 270}
_JPEG_COLOUR_SPACES = {"L": "/DeviceGray", "RGB": "/DeviceRGB", "CMYK": "/DeviceCMYK"}


def _jpeg_page(data: bytes, image: Image.Image) -> _ImagePage | None:
    """The JPEG as it is (no second lossy compression), rotated by the page if EXIF says so."""
    orientation = image.getexif().get(0x0112, 1)
    if image.mode not in _JPEG_COLOUR_SPACES or orientation not in _JPEG_ROTATION:
        return None
    decode = (1, 0, 1, 0, 1, 0, 1, 0) if image.mode == "CMYK" and "adobe" in image.info else ()
    return _ImagePage(data=data, width=image.width, height=image.height, dpi=_dpi(image),
                      colour_space=_JPEG_COLOUR_SPACES[image.mode], bits=8, filter="/DCTDecode", decode=decode,
                      rotate=_JPEG_ROTATION[orientation])


def _flatten(image: Image.Image) -> Image.Image:
    """Bring any mode to 1-bit, grey or RGB, putting transparency on white paper."""
    if image.mode in {"1", "L", "RGB"}:
        return image
    if image.mode in {"I;16", "I;16B", "I;16L", "I;16N", "I", "F"}:
        return image.convert("I").point(lambda v: v / 256).convert("L")
    if image.mode == "P" and "transparency" not in image.info:
        return image.convert("RGB")
    if image.mode in {"RGBA", "LA", "PA", "P", "RGBa", "La"}:
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, "white")
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return paper.convert("L") if image.mode in {"LA", "La"} else paper
    return image.convert("RGB")


def _lossless_page(image: Image.Image, dpi: tuple[float, float]) -> _ImagePage:
    """Deflate the pixels with PNG predictors: the PNG encoder's IDAT stream is exactly what a PDF
    FlateDecode filter with /Predictor 15 reads, so nothing is lost."""
    image = _flatten(image)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=6)
    png = buffer.getvalue()
    idat = bytearray()
    offset = 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset:offset + 4])
        chunk_type = png[offset + 4:offset + 8]
        if chunk_type == b"IDAT":
            idat += png[offset + 8:offset + 8 + length]
        offset += 12 + length
    colours = 3 if image.mode == "RGB" else 1
    return _ImagePage(data=bytes(idat), width=image.width, height=image.height, dpi=dpi,
                      colour_space="/DeviceRGB" if colours == 3 else "/DeviceGray",
                      bits=1 if image.mode == "1" else 8, filter="/FlateDecode", predictor_colours=colours)


def _image_pages(data: bytes, label: str) -> list[_ImagePage]:
    pages: list[_ImagePage] = []
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in _PIL_FORMATS:
                raise UnidentifiedImageError(image.format)
            if image.format in {"JPEG", "MPO"}:
                page = _jpeg_page(data, image)
                if page is not None:
                    return [page]
            # Every page of a multi-page TIFF; the first frame of anything else (an animated GIF).
            frames = getattr(image, "n_frames", 1) if image.format == "TIFF" else 1
            for index in range(frames):
                image.seek(index)
                dpi = _dpi(image)
                upright = ImageOps.exif_transpose(image)
                if upright.size != image.size:  # turned a quarter: the resolutions swap too
                    dpi = (dpi[1], dpi[0])
                pages.append(_lossless_page(upright, dpi))
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(
            _("The image “%(name)s” is too large (too many pixels) to be processed. "
              "Scan it at 200–300 dpi and upload it again."),
            code="image_too_large", params={"name": label})
    except Exception as error:
        logger.info("Unreadable image %r: %s", label, error)
        raise ValidationError(
            _("The file “%(name)s” cannot be opened as an image: it is damaged or incomplete."),
            code="image_broken", params={"name": label})
    return pages


def _add_image_page(writer: PdfWriter, page: _ImagePage) -> None:
    width_pt = page.width * 72.0 / page.dpi[0]
    height_pt = page.height * 72.0 / page.dpi[1]
    xobject = DecodedStreamObject()
    xobject.set_data(page.data)
    xobject.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Image"),
        NameObject("/Width"): NumberObject(page.width),
        NameObject("/Height"): NumberObject(page.height),
        NameObject("/ColorSpace"): NameObject(page.colour_space),
        NameObject("/BitsPerComponent"): NumberObject(page.bits),
        NameObject("/Filter"): NameObject(page.filter),
    })
    if page.predictor_colours:
        xobject[NameObject("/DecodeParms")] = DictionaryObject({
            NameObject("/Predictor"): NumberObject(15),
            NameObject("/Colors"): NumberObject(page.predictor_colours),
            NameObject("/BitsPerComponent"): NumberObject(page.bits),
            NameObject("/Columns"): NumberObject(page.width),
        })
    if page.decode:
        xobject[NameObject("/Decode")] = ArrayObject(NumberObject(v) for v in page.decode)
    contents = DecodedStreamObject()
    contents.set_data(f"q {width_pt:.4f} 0 0 {height_pt:.4f} 0 0 cm /Im0 Do Q".encode())

    pdf_page = writer.add_blank_page(width=width_pt, height=height_pt)
    pdf_page[NameObject("/Resources")] = DictionaryObject({
        NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): writer._add_object(xobject)}),
        NameObject("/ProcSet"): ArrayObject([NameObject("/PDF"), NameObject("/ImageB"), NameObject("/ImageC")]),
    })
    pdf_page[NameObject("/Contents")] = writer._add_object(contents)
    if page.rotate:
        pdf_page[NameObject("/Rotate")] = NumberObject(page.rotate)
    # Keep the page's size exact even with rounding in add_blank_page.
    pdf_page[NameObject("/MediaBox")] = ArrayObject(
        [FloatObject(0), FloatObject(0), FloatObject(round(width_pt, 4)), FloatObject(round(height_pt, 4))])


def images_to_pdf(images: list[bytes], *, names: list[str] | None = None) -> bytes:
    """Combine scanned images (PNG, JPEG, TIFF with all its pages, GIF's first frame) into one PDF,
    one page per image in order, each page sized by the image's own resolution (its dpi
    metadata when it is plausible, 200 dpi otherwise). JPEGs go in unchanged; other images are
    deflated losslessly. Raises ValidationError naming a file that cannot be read."""
    if not images:
        raise ValueError("No images to combine.")
    writer = PdfWriter()
    for index, data in enumerate(images):
        label = names[index] if names and index < len(names) else _("image %(number)s") % {"number": index + 1}
        for page in _image_pages(data, label):
            _add_image_page(writer, page)
    writer.add_metadata({"/Producer": "QLVB"})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


# --- Staging uploads --------------------------------------------------------------------------

@dataclass(frozen=True)
class Staged:
    stored: StoredFile
    name: str
    kind: str
    sources: tuple[str, ...] = ()  # for a PDF made from scans: the images' names, in order


@dataclass(frozen=True)
class PreparedUpload:
    name: str
    kind: str
    data: bytes
    sources: tuple[str, ...] = ()
    pages: int | None = None  # a PDF's, counted by the check


def _read_all(upload: Any) -> bytes:
    if hasattr(upload, "chunks"):
        return b"".join(upload.chunks())
    upload.seek(0)
    return upload.read()


def prepare_uploads(uploads: Iterable[Any], *, allowed_kinds: Iterable[str] = DEFAULT_ALLOWED_KINDS,
                    combine_images: bool = True, max_bytes: int | None = None,
                    field: str | None = None) -> list[PreparedUpload]:
    """Check every upload and, if ``combine_images``, combine all images into one PDF named after
    the first image and placed where it was. Touches neither the database nor the storage, so
    call it before opening the transaction: big scans take seconds to convert, and on SQLite the
    transaction holds the write lock for everyone.

    Raises one ValidationError listing every bad file, so all can be fixed at once; keyed by
    ``field`` (the form field's name) when given."""
    try:
        return _prepare(uploads, allowed_kinds=allowed_kinds, combine_images=combine_images, max_bytes=max_bytes)
    except ValidationError as error:
        if field:
            raise ValidationError({field: error.error_list})
        raise


def _prepare(uploads: Iterable[Any], *, allowed_kinds: Iterable[str], combine_images: bool,
             max_bytes: int | None) -> list[PreparedUpload]:
    allowed = frozenset(allowed_kinds)
    limit = max_bytes if max_bytes is not None else max_upload_bytes()
    errors: list[ValidationError] = []
    checked: list[tuple[str, str, Any, int | None]] = []
    for upload in uploads:
        try:
            kind, pages = _check_upload(upload, allowed_kinds=allowed, max_bytes=limit)
        except ValidationError as error:
            errors.extend(error.error_list)
        else:
            checked.append((clean_name(upload.name or ""), kind, upload, pages))
    if errors:
        raise ValidationError(errors)

    prepared: list[PreparedUpload | None] = []
    images: list[tuple[str, bytes]] = []
    images_at: int | None = None
    for name, kind, upload, pages in checked:
        data = _read_all(upload)
        if len(data) > limit:  # the declared size lied
            raise ValidationError(
                _("The file “%(name)s” is %(size)s, more than the limit of %(limit)s per file."),
                code="too_large", params={"name": name, "size": filesizeformat(len(data)),
                                          "limit": filesizeformat(limit)})
        if combine_images and kind == IMAGE:
            if images_at is None:
                images_at = len(prepared)
                prepared.append(None)
            images.append((name, data))
        else:
            prepared.append(PreparedUpload(name=name, kind=kind, data=data, pages=pages))
    if images_at is not None:
        names = [name for name, _data in images]
        pdf = images_to_pdf([data for _name, data in images], names=names)
        prepared[images_at] = PreparedUpload(name=_with_extension(names[0], ".pdf"), kind=PDF, data=pdf,
                                             sources=tuple(names))
    return [item for item in prepared if item is not None]


@contextlib.contextmanager
def staged_uploads(uploads: Iterable[Any], *, allowed_kinds: Iterable[str] = DEFAULT_ALLOWED_KINDS,
                   combine_images: bool = True, max_bytes: int | None = None,
                   field: str | None = None, savepoint: bool = True) -> Iterator[list[Staged]]:
    """Check, convert and store uploads for the block inside; undo the storing if it fails.

    ``uploads`` are Django files (UploadedFile, ContentFile with a name…) or the result of
    ``prepare_uploads`` (then the other arguments are ignored). ``field`` keys the
    ValidationError by a form field's name. Everything is checked before
    anything is written. If the block raises, the blobs that this block newly wrote are deleted
    (never ones that existed before: other documents may share them) and the rows are rolled
    back, even if the caller swallows the error; then the error goes on.

    Use it inside the domain service's transaction (``with transaction.atomic(),
    staged_uploads(files) as staged:``). Blobs are deleted while the new rows still hold their
    unique keys, so a concurrent upload of the same content waits and then writes its blob again.
    A transaction that fails after the block has ended leaves unreferenced blobs behind (harmless,
    the content is the same): only the rows are rolled back.

    ``savepoint=False`` when the block is the whole of an atomic block opened with it (``with
    transaction.atomic(), staged_uploads(files, savepoint=False)``): that block rolls the rows back
    and no error can be swallowed between the two, so the savepoint (two statements) buys nothing.
    """
    items = list(uploads)
    if not all(isinstance(item, PreparedUpload) for item in items):
        items = prepare_uploads(items, allowed_kinds=allowed_kinds, combine_images=combine_images,
                                max_bytes=max_bytes, field=field)
    written: list[str] = []
    with transaction.atomic(savepoint=savepoint):
        try:
            staged: list[Staged] = []
            for item in items:
                stored, wrote = _store(item.data, name=item.name, pages=item.pages)
                if wrote:
                    written.append(stored.storage_name)
                staged.append(Staged(stored=stored, name=item.name, kind=stored.kind, sources=item.sources))
            yield staged
        except BaseException:
            _delete_blobs(written)
            raise

"""Document conversions for drafts and issued documents: fill a Word template, turn it into a PDF,
write the number and date onto a PDF, and read the text of a DOCX or PDF.

Placeholders
    A template marks a value to fill as ``{{key}}``: two braces, an ASCII identifier (letters,
    digits, ``_``, not starting with a digit), two braces; spaces just inside the braces are
    allowed (``{{ so }}``). The caller chooses the keys, e.g. ``{{so_ky_hieu}}`` →
    ``12/STTTT-CNTT``, ``{{ngay_thang}}`` → ``Sơn La, ngày 05 tháng 01 năm 2026``, ``{{so}}``.
    Word often splits what the user typed into several runs (spell check, editing history):
    a placeholder is found across runs of one paragraph, and the value takes the formatting of
    the run where the placeholder starts. Placeholders are filled in the body, tables (nested
    too), text boxes, headers, footers, footnotes and endnotes. A placeholder whose key is not
    given stays as it is; ``fill_placeholders_report`` says which ones.

PDF from DOCX
    ``docx_to_pdf`` runs LibreOffice headless in a private temporary folder with its own user
    profile, so conversions in parallel (threads, workers) never share an instance; it runs as
    root or as a service account alike (LibreOffice has no sandbox to disable). Measured on the
    2-core Debian 12 machines with LibreOffice 7.4: 1.3–2.4 s per document, about the same for 3
    pages or 33 (start-up dominates; reusing a warmed profile saved only ~0.2 s, so each
    conversion gets a fresh one).

Stamping
    ``stamp_pdf`` draws lines of text (number, date) onto one page of a PDF as part of the page
    content, before the document is signed.
"""

from __future__ import annotations

import contextlib
import functools
import html
import io
import logging
import math
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree
from pypdf import PdfReader, PdfWriter, Transformation

from qlvb.files.services import DOCX, HEAD_BYTES, IMAGE, OTHER, PDF, detect, read_stored

if TYPE_CHECKING:
    from qlvb.files.models import StoredFile

logger = logging.getLogger(__name__)

__all__ = [
    "BlankField", "FillResult", "Line", "PLACEHOLDER_RE", "date_line", "docx_to_pdf", "extract_text",
    "fill_blank_fields", "fill_placeholders", "fill_placeholders_report", "find_placeholders", "page_size",
    "prepend_paragraphs", "soffice_path", "stamp_font", "stamp_pdf", "vietnamese_date",
]

# --- Vietnamese dates ---------------------------------------------------------------------------


def vietnamese_date(d: date) -> str:
    """'ngày 05 tháng 01 năm 2026': NĐ30 writes a 0 before days below 10 and months 1 and 2
    (so 'ngày 09 tháng 3', 'ngày 15 tháng 02', 'ngày 20 tháng 11')."""
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def date_line(d: date, place: str) -> str:
    """The place and date line of a document: 'Sơn La, ngày 05 tháng 01 năm 2026'.
    Without a place, just 'ngày 05 tháng 01 năm 2026'."""
    place = unicodedata.normalize("NFC", (place or "").strip())
    return f"{place}, {vietnamese_date(d)}" if place else vietnamese_date(d)


# --- DOCX parts and text ------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
_MAIN_TYPES = {
    _WML + "document.main+xml", _WML + "template.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
}
_TEXT_PART_TYPES = _MAIN_TYPES | {_WML + kind for kind in ("header+xml", "footer+xml", "footnotes+xml", "endnotes+xml")}
_DEFAULT_TEXT_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")

# A DOCX unpacks to far more than it weighs; refuse archives that would unpack to absurd sizes.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_XML_PART_BYTES = 100 * 1024 * 1024

PLACEHOLDER_RE = re.compile(r"\{\{[ \u00a0]*([A-Za-z_][A-Za-z0-9_]*)[ \u00a0]*\}\}")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_parser() -> etree.XMLParser:
    # Untrusted input: no entities, no network, no huge trees.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)


def _not_docx() -> ValidationError:
    return ValidationError(_("The file is not a Word document (.docx), or it is damaged. Open it in Word and "
                             "save it as .docx again."), code="not_docx")


def _open_docx(data: bytes) -> zipfile.ZipFile:
    """The DOCX as a zip, after checking it is one and that it does not unpack to absurd sizes."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _not_docx()
    data = bytes(data)
    if detect(data[:HEAD_BYTES], source=data)[0] != DOCX:
        raise _not_docx()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise _not_docx()
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        archive.close()
        raise ValidationError(_("The Word document is too large to be processed."), code="docx_too_large")
    return archive


def _content_types(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part name (without the leading slash) → content type, from the overrides."""
    try:
        root = etree.fromstring(archive.read("[Content_Types].xml"), _xml_parser())
    except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile, OSError, ValueError):
        return {}
    return {
        (el.get("PartName") or "").lstrip("/"): (el.get("ContentType") or "")
        for el in root.iter(f"{_CT_NS}Override")
    }


def _text_part_names(archive: zipfile.ZipFile, *, main_only: bool = False) -> list[str]:
    names = set(archive.namelist())
    types = _content_types(archive)
    wanted = _MAIN_TYPES if main_only else _TEXT_PART_TYPES
    found = [name for name, content_type in types.items() if content_type in wanted and name in names]
    if not found:  # no usable [Content_Types].xml: the usual names
        found = [name for name in names if _DEFAULT_TEXT_PARTS.fullmatch(name)
                 and (not main_only or name == "word/document.xml")]
    # Main document first, then the rest in a stable order.
    return sorted(found, key=lambda name: (types.get(name) not in _MAIN_TYPES and name != "word/document.xml", name))


def _read_xml(archive: zipfile.ZipFile, name: str) -> etree._Element:
    info = archive.getinfo(name)
    if info.file_size > MAX_XML_PART_BYTES:
        raise ValidationError(_("The Word document is too large to be processed."), code="docx_too_large")
    try:
        return etree.fromstring(archive.read(info), _xml_parser())
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise _not_docx()


@dataclass(frozen=True)
class _Names:
    p: str
    r: str
    t: str
    tab: str
    br: str
    cr: str
    no_break_hyphen: str
    rpr: str

    @classmethod
    def for_root(cls, root: etree._Element) -> _Names:
        tag = root.tag if isinstance(root.tag, str) else ""
        ns = W_STRICT_NS if tag.startswith("{" + W_STRICT_NS + "}") else W_NS
        q = functools.partial("{{{}}}{}".format, ns)
        return cls(p=q("p"), r=q("r"), t=q("t"), tab=q("tab"), br=q("br"), cr=q("cr"),
                   no_break_hyphen=q("noBreakHyphen"), rpr=q("rPr"))


def _segments(paragraph: etree._Element, names: _Names) -> list[tuple[etree._Element | None, str]]:
    """The text of one paragraph as pieces in reading order: ``(w:t element, its text)`` for text
    that may be edited, ``(None, "\\t" or "\\n" or "-")`` for tabs, breaks and hard hyphens.
    Pieces of paragraphs nested inside this one (text boxes) are left to those paragraphs."""
    pieces: list[tuple[etree._Element | None, str]] = []
    for element in paragraph.iter(names.t, names.tab, names.br, names.cr, names.no_break_hyphen):
        parent = element.getparent()
        if parent is None or parent.tag != names.r:  # e.g. w:tab inside w:tabs (tab stops)
            continue
        owner = parent.getparent()
        while owner is not None and owner.tag != names.p:
            owner = owner.getparent()
        if owner is not paragraph:
            continue
        if element.tag == names.t:
            pieces.append((element, element.text or ""))
        elif element.tag == names.tab:
            pieces.append((None, "\t"))
        elif element.tag == names.no_break_hyphen:
            pieces.append((None, "-"))
        else:
            pieces.append((None, "\n"))
    return pieces


def _paragraph_texts(root: etree._Element) -> Iterator[str]:
    """The text of every paragraph in reading order; a text box kept twice by Word (the drawing
    and its VML fallback for old readers) is read once."""
    names = _Names.for_root(root)
    for paragraph in root.iter(names.p):
        if next(paragraph.iterancestors(_MC_FALLBACK), None) is not None:
            continue
        yield "".join(text for _element, text in _segments(paragraph, names))


# --- Placeholders -------------------------------------------------------------------------------


@dataclass
class FillResult:
    """What ``fill_placeholders_report`` did: the new DOCX, the keys it filled, and the keys of
    placeholders left in the document because no value was given."""
    data: bytes
    filled: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)


def find_placeholders(docx: bytes) -> set[str]:
    """The keys of every ``{{key}}`` placeholder in the DOCX (body, tables, text boxes, headers,
    footers, footnotes, endnotes), also when Word split them across runs.
    Raises ValidationError if ``docx`` is not a DOCX."""
    found: set[str] = set()
    with _open_docx(docx) as archive:
        for name in _text_part_names(archive):
            for text in _paragraph_texts(_read_xml(archive, name)):
                if "{" in text:
                    found.update(match.group(1) for match in PLACEHOLDER_RE.finditer(text))
    return found


def _clean_value(value: object) -> str:
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    return _XML_INVALID.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _set_text(element: etree._Element, text: str) -> None:
    element.text = text
    element.set(XML_SPACE, "preserve")


def _split_breaks(element: etree._Element, names: _Names) -> None:
    """Turn newlines and tabs inside one w:t into w:br and w:tab of the same run."""
    text = element.text or ""
    if "\n" not in text and "\t" not in text:
        return
    parts = re.split(r"([\n\t])", text)
    run = element.getparent()
    assert run is not None  # _segments keeps only the w:t of a run
    index = run.index(element)
    new: list[etree._Element] = []
    for part in parts:
        if part == "\n":
            new.append(etree.Element(names.br))
        elif part == "\t":
            new.append(etree.Element(names.tab))
        elif part:
            t = etree.Element(names.t)
            _set_text(t, part)
            new.append(t)
    run.remove(element)
    for offset, item in enumerate(new):
        run.insert(index + offset, item)


def _fill_paragraph(paragraph: etree._Element, names: _Names, pattern: re.Pattern[str],
                    value_for: Callable[[re.Match[str]], str | None], *, whole: bool = False) -> bool:
    """Replace each match of ``pattern`` in the paragraph's text by ``value_for(match)`` (None
    leaves it), across runs; ``whole``: only if the pattern matches the paragraph's whole text."""
    pieces = _segments(paragraph, names)
    text = "".join(piece for _element, piece in pieces)
    if whole:
        match = pattern.fullmatch(text)
        matches = [match] if match else []
    else:
        matches = list(pattern.finditer(text))
    if not matches:
        return False
    starts: list[int] = []
    position = 0
    for _element, piece in pieces:
        starts.append(position)
        position += len(piece)
    texts = [piece for _element, piece in pieces]
    touched: set[int] = set()
    emptied: set[int] = set()
    # From the last match back, so the offsets of earlier matches stay right.
    for match in reversed(matches):
        value = value_for(match)
        if value is None:
            continue
        first = True
        for index, piece in enumerate(texts):
            start = starts[index]
            end = start + len(piece)
            if end <= match.start() or start >= match.end():
                continue
            low, high = max(start, match.start()) - start, min(end, match.end()) - start
            texts[index] = piece[:low] + (value if first else "") + piece[high:]
            first = False
            touched.add(index)
    if not touched:
        return False
    for index in sorted(touched):
        element = pieces[index][0]
        if element is None:  # the pattern never spans a tab or a break
            continue
        if texts[index]:
            _set_text(element, texts[index])
        else:
            emptied.add(index)
    for index in emptied:
        element = pieces[index][0]
        assert element is not None  # only a w:t is ever emptied (see above)
        run = element.getparent()
        assert run is not None  # _segments keeps only the w:t of a run
        run.remove(element)
        outer = run.getparent()
        if all(child.tag == names.rpr for child in run) and outer is not None:
            outer.remove(run)
    for index in touched - emptied:
        element = pieces[index][0]
        if element is not None:
            _split_breaks(element, names)
    return True


def fill_placeholders_report(docx: bytes, values: Mapping[str, object]) -> FillResult:
    """Like ``fill_placeholders``, also saying which keys were filled and which placeholders
    were left because ``values`` has no such key."""
    clean = {str(key): _clean_value(value) for key, value in values.items()}
    filled: set[str] = set()
    missing: set[str] = set()

    def value_for(match: re.Match[str]) -> str | None:
        key = match.group(1)
        if key not in clean:
            missing.add(key)
            return None
        filled.add(key)
        return clean[key]

    data = _rewrite_paragraphs(docx, lambda paragraph, names: _fill_paragraph(
        paragraph, names, PLACEHOLDER_RE, value_for))
    return FillResult(data=data, filled=filled, missing=missing)


def _rewrite_paragraphs(docx: bytes, edit: Callable[[etree._Element, _Names], bool]) -> bytes:
    """The DOCX with ``edit`` applied to every paragraph of every text part (True: it changed)."""
    changed: dict[str, bytes] = {}
    with _open_docx(docx) as archive:
        for name in _text_part_names(archive):
            root = _read_xml(archive, name)
            names = _Names.for_root(root)
            modified = False
            for paragraph in list(root.iter(names.p)):
                modified |= edit(paragraph, names)
            if modified:
                changed[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        return _rewrite_zip(archive, changed) if changed else bytes(docx)


@dataclass(frozen=True)
class BlankField:
    """A line of a document that the drafter left blank for the clerk (``Số:    /STTTT-VP``),
    recognised by a pattern over the paragraph's whole text and replaced by ``value(match)``."""
    key: str
    pattern: re.Pattern[str]
    value: Callable[[re.Match[str]], str]


def fill_blank_fields(docx: bytes, fields: list[BlankField]) -> FillResult:
    """Fill the first paragraph matching each field's pattern (its whole text), in reading order
    of the main document, then headers and footers; ``filled`` names the keys found."""
    filled: set[str] = set()

    def edit(paragraph: etree._Element, names: _Names) -> bool:
        changed = False
        for blank in fields:
            if blank.key in filled:
                continue
            if _fill_paragraph(paragraph, names, blank.pattern, blank.value, whole=True):
                filled.add(blank.key)
                changed = True
        return changed

    data = _rewrite_paragraphs(docx, edit)
    return FillResult(data=data, filled=filled, missing={blank.key for blank in fields} - filled)


def fill_placeholders(docx: bytes, values: Mapping[str, object]) -> bytes:
    """Replace every ``{{key}}`` placeholder whose key is in ``values`` by its value (as text;
    newlines become line breaks) and return the new DOCX. Placeholders split across runs by
    Word are found; the value keeps the formatting of the run where the placeholder starts.
    Placeholders without a value are left untouched and logged: use
    ``fill_placeholders_report`` or ``find_placeholders`` on the result to show them.
    Raises ValidationError if ``docx`` is not a DOCX."""
    result = fill_placeholders_report(docx, values)
    if result.missing:
        logger.info("Placeholders left without a value: %s", ", ".join(sorted(result.missing)))
    return result.data


@dataclass(frozen=True)
class Line:
    """A paragraph to add: its text, alignment ("left", "center", "right") and style."""
    text: str
    align: str = "left"
    italic: bool = False
    bold: bool = False


def prepend_paragraphs(docx: bytes, lines: list[Line]) -> bytes:
    """The DOCX with ``lines`` added as paragraphs at the top of the main document's body (before
    its first paragraph or table), in the document's default font and size."""
    with _open_docx(docx) as archive:
        main = _text_part_names(archive, main_only=True)
        if not main:
            raise _not_docx()
        root = _read_xml(archive, main[0])
        names = _Names.for_root(root)
        ns = names.p[: -len("p")]
        body = root.find(ns + "body")
        if body is None:
            raise _not_docx()
        for index, line in enumerate(lines):
            paragraph = etree.Element(names.p)
            properties = etree.SubElement(paragraph, ns + "pPr")
            etree.SubElement(properties, ns + "jc").set(ns + "val", {"left": "start", "right": "end"}.get(
                line.align, line.align) if names.p.startswith("{" + W_STRICT_NS) else line.align)
            run = etree.SubElement(paragraph, names.r)
            if line.italic or line.bold:
                run_properties = etree.SubElement(run, names.rpr)
                if line.bold:
                    etree.SubElement(run_properties, ns + "b")
                if line.italic:
                    etree.SubElement(run_properties, ns + "i")
            _set_text(etree.SubElement(run, names.t), _clean_value(line.text).replace("\n", " "))
            body.insert(index, paragraph)
        changed = {main[0]: etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)}
        return _rewrite_zip(archive, changed)


def _rewrite_zip(archive: zipfile.ZipFile, changed: Mapping[str, bytes]) -> bytes:
    """A copy of the archive, entries in the same order, with ``changed`` entries replaced."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in archive.infolist():
            new_info = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            stored = info.compress_type == zipfile.ZIP_STORED
            new_info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            new_info.external_attr = info.external_attr
            if info.filename in changed:
                target.writestr(new_info, changed[info.filename])
            else:
                with archive.open(info) as source, target.open(new_info, "w") as sink:
                    shutil.copyfileobj(source, sink, 1024 * 1024)
    return output.getvalue()


# --- DOCX to PDF --------------------------------------------------------------------------------

SOFFICE_TEMP_PREFIX = "qlvb-soffice-"
_SOFFICE_CANDIDATES = ("soffice", "libreoffice", "/usr/lib/libreoffice/program/soffice",
                       "/opt/libreoffice/program/soffice")


@functools.lru_cache(maxsize=1)
def _conversions() -> threading.BoundedSemaphore:
    """LibreOffice takes 150–300 MB per instance: at most settings.QLVB_SOFFICE_MAX_PARALLEL
    (default 2) conversions at once in one process."""
    return threading.BoundedSemaphore(max(1, int(getattr(settings, "QLVB_SOFFICE_MAX_PARALLEL", 2))))


def soffice_path() -> str | None:
    """The LibreOffice program to run (settings.QLVB_SOFFICE, or found on PATH), or None."""
    configured = getattr(settings, "QLVB_SOFFICE", None)
    candidates = (configured,) if configured else _SOFFICE_CANDIDATES
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def _without_external_fetches(archive: zipfile.ZipFile) -> bytes:
    """The DOCX without relationships that make a reader fetch something from outside (linked
    images, OLE links, remote templates, frames): a server-side converter must not be turned
    into a way to reach internal addresses. Hyperlinks stay; they are never fetched."""
    changed: dict[str, bytes] = {}
    for name in archive.namelist():
        if not name.endswith(".rels"):
            continue
        try:
            root = etree.fromstring(archive.read(name), _xml_parser())
        except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            continue
        removed = False
        for rel in list(root.iter(f"{_RELS_NS}Relationship")):
            external = (rel.get("TargetMode") or "").lower() == "external"
            if external and not (rel.get("Type") or "").endswith("/hyperlink"):
                parent = rel.getparent()
                if parent is None:  # a part that is one bare <Relationship>: keep nothing of it
                    root = etree.Element(f"{_RELS_NS}Relationships")
                else:
                    parent.remove(rel)
                removed = True
        if removed:
            changed[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return _rewrite_zip(archive, changed) if changed else b""


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def docx_to_pdf(docx: bytes, *, timeout: int = 120) -> bytes:
    """Convert a DOCX to PDF with LibreOffice headless and return the PDF.

    Each conversion runs in its own temporary folder (prefix ``qlvb-soffice-<pid>-``) with its
    own LibreOffice user profile, HOME and TMPDIR there too, so parallel conversions never meet
    and it works for root or a service account without a home; the folder is removed whatever
    happens. The program is settings.QLVB_SOFFICE or ``soffice`` on PATH.

    Raises ValidationError (code ``not_docx``, ``convert_failed``, ``convert_timeout`` or
    ``converter_missing``) if the input is not a DOCX, LibreOffice cannot read it or produce a
    PDF, takes longer than ``timeout`` seconds, or is not installed.
    """
    with _open_docx(docx) as archive:
        safe = _without_external_fetches(archive) or bytes(docx)
    program = soffice_path()
    if program is None:
        logger.error("LibreOffice (soffice) not found: DOCX to PDF conversion is unavailable")
        raise ValidationError(_("Converting Word documents to PDF is not available on this server. "
                                "Save the document as PDF in Word and upload the PDF."), code="converter_missing")
    deadline = time.monotonic() + timeout
    if not _conversions().acquire(timeout=max(timeout, 0)):
        raise ValidationError(_("The server is busy converting other documents. Try again in a minute."),
                              code="convert_timeout")
    try:
        return _run_soffice(program, safe, deadline=deadline, timeout=timeout)
    finally:
        _conversions().release()


def _run_soffice(program: str, docx: bytes, *, deadline: float, timeout: int) -> bytes:
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix=f"{SOFFICE_TEMP_PREFIX}{os.getpid()}-"))
    try:
        source = workdir / "document.docx"
        source.write_bytes(docx)
        outdir = workdir / "out"
        home = workdir / "home"
        tmp = workdir / "tmp"
        for folder in (outdir, home, tmp):
            folder.mkdir()
        env = {**os.environ, "HOME": str(home), "TMPDIR": str(tmp), "TMP": str(tmp), "TEMP": str(tmp),
               "SAL_USE_VCLPLUGIN": "svp"}
        env.pop("DISPLAY", None)
        command = [
            program, f"-env:UserInstallation={(workdir / 'profile').as_uri()}",
            "--headless", "--invisible", "--norestore", "--nodefault", "--nolockcheck", "--nologo",
            "--infilter=MS Word 2007 XML", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outdir),
            str(source),
        ]
        process = subprocess.Popen(  # noqa: S603 - fixed program and arguments, no shell
            command, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=max(deadline - time.monotonic(), 0.001))
        except subprocess.TimeoutExpired:
            _kill_group(process)
            process.communicate()
            logger.warning("LibreOffice took more than %s s; stopped", timeout)
            raise ValidationError(
                _("Converting the Word document to PDF took too long (more than %(seconds)s seconds) and was "
                  "stopped. Simplify the document or save it as PDF in Word and upload the PDF."),
                code="convert_timeout", params={"seconds": timeout})
        finally:
            _kill_group(process)  # anything it left running in its own group
        result = outdir / "document.pdf"
        data = result.read_bytes() if result.is_file() else b""
        if process.returncode != 0 or not data.startswith(b"%PDF-") or not _pdf_opens(data):
            logger.warning("LibreOffice failed (exit %s): %s %s", process.returncode,
                           stdout.decode(errors="replace")[-500:], stderr.decode(errors="replace")[-500:])
            raise ValidationError(
                _("The Word document could not be converted to PDF: it is damaged or uses something the "
                  "converter cannot read. Open it in Word, save it again (or save it as PDF) and upload it."),
                code="convert_failed")
        logger.info("DOCX (%s bytes) converted to PDF (%s bytes) in %.2f s", len(docx), len(data),
                    time.monotonic() - started)
        return data
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _pdf_opens(data: bytes) -> bool:
    try:
        return len(PdfReader(io.BytesIO(data), strict=False).pages) > 0
    except Exception:
        return False


# --- Stamping a PDF -----------------------------------------------------------------------------

# Liberation Serif 2 has the metrics of Times New Roman, the face NĐ30 prescribes, and every
# Vietnamese letter; Noto Serif is the fallback. (Liberation 1.x lacks Vietnamese: refused.)
_STAMP_FONTS = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
)
_VIETNAMESE_LETTERS = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
_VIETNAMESE_LETTERS += _VIETNAMESE_LETTERS.upper()


@functools.lru_cache(maxsize=4)
def _covers_vietnamese(path: str) -> bool:
    try:
        from fontTools.ttLib import TTFont

        cmap = TTFont(path, lazy=True).getBestCmap() or {}
    except Exception:
        return False
    return all(ord(letter) in cmap for letter in _VIETNAMESE_LETTERS)


def stamp_font() -> str | None:
    """The TTF used to stamp text: settings.QLVB_STAMP_FONT, else the first installed candidate
    that has every Vietnamese letter; None means fontconfig chooses a serif."""
    configured = getattr(settings, "QLVB_STAMP_FONT", None)
    candidates = (configured, *_STAMP_FONTS) if configured else _STAMP_FONTS
    for path in candidates:
        if path and os.path.isfile(path) and _covers_vietnamese(path):
            return path
    return None


def _open_pdf(data: bytes) -> PdfReader:
    if not isinstance(data, bytes | bytearray | memoryview) or detect(bytes(data[:HEAD_BYTES]))[0] != PDF:
        raise ValidationError(_("The file is not a PDF."), code="not_pdf")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(_("The PDF is encrypted or password-protected, so nothing can be written on it."),
                                  code="pdf_encrypted")
        if not reader.pages:
            raise ValueError("no pages")
    except ValidationError:
        raise
    except Exception as error:
        logger.info("Unreadable PDF: %s", error)
        raise ValidationError(_("The PDF cannot be opened: it is damaged or incomplete."), code="pdf_broken")
    return reader


def _has_signature(reader: PdfReader) -> bool:
    try:
        fields = reader.get_fields() or {}
    except Exception:
        return False
    return any(str(f.get("/FT")) == "/Sig" and f.get("/V") is not None for f in fields.values())


def _overlay_pdf(width: float, height: float, x: float, y: float, lines: list[str], font_size: float,
                 svg: str = "", svg_size: float = 0) -> bytes:
    import base64

    from weasyprint import HTML  # imported here: it takes half a second

    font = stamp_font()
    font_face = f'@font-face {{ font-family: "QLVB Stamp"; src: url("{Path(font).as_uri()}"); }}' if font else ""
    body = "".join(f"<div>{html.escape(line) or '&nbsp;'}</div>" for line in lines)
    if svg:  # a vector image (a QR code) as the block's first line, `svg_size` points square
        source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
        body = (f'<img src="{source}" alt="" style="display: block; width: {svg_size:.3f}pt; '
                f'height: {svg_size:.3f}pt; margin-bottom: {font_size * 0.3:.3f}pt">{body}')
    document = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
{font_face}
@page {{ size: {width:.3f}pt {height:.3f}pt; margin: 0; }}
html, body {{ margin: 0; padding: 0; background: transparent; }}
.stamp {{ position: absolute; left: {x:.3f}pt; top: {height - y:.3f}pt; color: #000;
  font-family: "QLVB Stamp", "Liberation Serif", "Noto Serif", "Times New Roman", serif;
  font-size: {font_size:.3f}pt; line-height: 1.2; white-space: pre; }}
</style></head><body><div class="stamp">{body}</div></body></html>"""
    return HTML(string=document).write_pdf()


def _display_matrix(rotation: int, width: float, height: float, left: float,
                    bottom: float) -> tuple[float, float, float, float, float, float]:
    """The matrix taking a point of the page as shown (after /Rotate, origin at the shown
    bottom-left) to the page's own user space. ``width``/``height`` are the unrotated crop box."""
    matrix: tuple[float, float, float, float, float, float]
    if rotation == 90:
        matrix = (0, 1, -1, 0, width, 0)
    elif rotation == 180:
        matrix = (-1, 0, 0, -1, width, height)
    elif rotation == 270:
        matrix = (0, -1, 1, 0, 0, height)
    else:
        matrix = (1, 0, 0, 1, 0, 0)
    a, b, c, d, e, f = matrix
    return (a, b, c, d, e + left, f + bottom)


def page_size(pdf: bytes, page: int) -> tuple[float, float]:
    """Width and height in points of one page as it is shown (crop box, after any rotation): the
    frame of ``stamp_pdf``'s x and y. ``page`` is 1-based or negative from the end."""
    reader = _open_pdf(pdf)
    count = len(reader.pages)
    index = page - 1 if page > 0 else count + page
    if page == 0 or not 0 <= index < count:
        raise ValidationError(_("The PDF has no page %(page)s (it has %(count)s)."), code="no_such_page",
                              params={"page": page, "count": count})
    target = reader.pages[index]
    width, height = abs(float(target.cropbox.width)), abs(float(target.cropbox.height))
    return (height, width) if int(target.rotation or 0) % 180 == 90 else (width, height)


def stamp_pdf(pdf: bytes, *, page: int, x: float, y: float, lines: list[str], font_size: float = 13,
              svg: str = "", svg_size: float = 0) -> bytes:
    """Write ``lines`` (e.g. the number and the place-and-date line) onto one page of ``pdf`` and
    return the new PDF; the text becomes part of the page content (not an annotation), so stamp
    before signing.

    ``page`` is 1-based; a negative number counts from the end (-1 is the last page).
    ``x``, ``y`` are PDF points from the bottom-left corner of the page as it is shown (crop box,
    after any page rotation): the top-left corner of the text block; lines go downwards, 1.2 ×
    ``font_size`` apart. The font is Liberation Serif (Times New Roman metrics) or Noto Serif.
    ``svg`` (an SVG document, e.g. a QR code), when given, is drawn ``svg_size`` points square at
    that corner, the lines beneath it.

    Raises ValidationError if the PDF cannot be opened, is encrypted or already signed, the page
    does not exist, or the point is outside the page; ValueError for no text or a bad size.
    """
    lines = [unicodedata.normalize("NFC", _XML_INVALID.sub("", str(line))).replace("\n", " ") for line in lines]
    if not any(line.strip() for line in lines):
        raise ValueError("Nothing to stamp: every line is empty.")
    if not (isinstance(font_size, int | float) and math.isfinite(font_size) and 1 <= font_size <= 200):
        raise ValueError(f"Bad font size: {font_size!r}")
    reader = _open_pdf(pdf)
    if _has_signature(reader):
        raise ValidationError(_("The PDF is already digitally signed; writing on it would break the signature."),
                              code="pdf_signed")
    count = len(reader.pages)
    index = page - 1 if page > 0 else count + page
    if page == 0 or not 0 <= index < count:
        raise ValidationError(_("The PDF has no page %(page)s (it has %(count)s)."), code="no_such_page",
                              params={"page": page, "count": count})
    writer = PdfWriter(clone_from=reader)
    target = writer.pages[index]
    box = target.cropbox
    left, right = sorted((float(box.left), float(box.right)))
    bottom, top = sorted((float(box.bottom), float(box.top)))
    width, height = right - left, top - bottom
    rotation = int(target.rotation or 0) % 360
    rotation = rotation if rotation in (0, 90, 180, 270) else 0
    shown_width, shown_height = (height, width) if rotation in (90, 270) else (width, height)
    if not (math.isfinite(x) and math.isfinite(y) and 0 <= x <= shown_width and 0 <= y <= shown_height):
        raise ValidationError(_("The place to write is outside the page."), code="outside_page")
    if svg and not (math.isfinite(svg_size) and 1 <= svg_size <= min(shown_width, shown_height)):
        raise ValueError(f"Bad image size: {svg_size!r}")
    overlay = PdfReader(io.BytesIO(_overlay_pdf(shown_width, shown_height, x, y, lines, font_size,
                                                svg, svg_size))).pages[0]
    target.merge_transformed_page(overlay, Transformation(_display_matrix(rotation, width, height, left, bottom)))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


# --- Text ---------------------------------------------------------------------------------------


def extract_text(source: StoredFile | bytes, kind: str | None = None) -> str:
    """The text of a DOCX (paragraphs in order, table cells and text boxes included, one paragraph
    a line, deleted tracked changes left out) or of a PDF (pypdf, page after page), in NFC.

    ``source`` is a StoredFile or the bytes; ``kind`` ("docx" or "pdf") defaults to the stored
    kind or what the bytes are. Raises ValidationError if the content is not of that kind or
    cannot be read; ValueError for other kinds (images have no text layer: OCR them first)."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        kind = kind or detect(data[:HEAD_BYTES], source=data)[0]
    else:
        data = read_stored(source)
        kind = kind or source.kind
    if kind == DOCX:
        with _open_docx(data) as archive:
            texts: list[str] = []
            for name in _text_part_names(archive, main_only=True)[:1]:
                texts.extend(_paragraph_texts(_read_xml(archive, name)))
        return unicodedata.normalize("NFC", "\n".join(texts))
    if kind == PDF:
        reader = _open_pdf(data)
        pages: list[str] = []
        for number, pdf_page in enumerate(reader.pages, start=1):
            try:
                pages.append(pdf_page.extract_text() or "")
            except Exception as error:  # one bad page should not hide the others
                logger.info("No text from page %s: %s", number, error)
                pages.append("")
        return unicodedata.normalize("NFC", "\n".join(pages))
    if kind in (IMAGE, OTHER):
        raise ValueError(f"No text can be extracted from a file of kind {kind!r}.")
    raise ValueError(f"Unknown kind {kind!r}.")

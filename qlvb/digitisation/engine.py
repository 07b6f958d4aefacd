"""Reading the text of a file, without the database: the text layer of a born-digital PDF or a
DOCX directly, scanned pages with OCR (ocrmypdf and tesseract with Vietnamese).

A PDF is read page by page. A page whose text layer holds enough characters is taken as it is;
the others are recognised in chunks of ``CHUNK_PAGES`` pages, each chunk one ``ocrmypdf`` run in
a child process (its own memory, a time limit, killed with its whole process group when over
time), with QLVB's ocrmypdf plugin (``ocr_plugin``: tesseract sees the page without its red seal
and blue signature, and each page's word confidence is reported) and tesseract limited to one
thread per job (``OMP_THREAD_LIMIT=1``: on two cores tesseract's own threads fight each other).
A page read with low confidence is tried once more, turned upright and deskewed
(``RETRY_TURNED``), and kept marked as doubtful if that does not help. When a chunk
fails, its pages are tried again one by one; a page that still fails is reported (its number in
``failed_pages``) and the original page is kept in the searchable PDF, never dropped.

The searchable PDF is the original with every recognised page replaced by ocrmypdf's page (the
same image, untouched, under an invisible text layer), assembled with pikepdf from the chunk
files on disk, so memory stays bounded by a chunk, not the document.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CHUNK_PAGES = 8
MIN_TEXT_CHARS = 30  # fewer letters or digits than this on a page: treat it as a scan
MIN_DOCUMENT_WORDS = 5  # fewer words than this in a whole OCR'd file: not a document
SECONDS_PER_PAGE = 60
PAGE_SEPARATOR = "\f"
# A page that read badly is turned whatever orientation detection says, even when it is not
# sure (a short page gives it little to go on): the turned reading is kept only if it is better.
RETRY_TURNED = ["--rotate-pages", "--rotate-pages-threshold", "0", "--deskew"]
QUICK_TOP_PIXELS = 1200

_WORD = re.compile(r"[^\W\d_]{2,}")


def languages() -> str:
    return getattr(settings, "QLVB_OCR_LANGUAGES", "vie")


def preprocess() -> list[str]:
    """ocrmypdf's page preparation, none by default. Measured with the colour filter on
    bench/ocr_mail.py's eight scans (docs/digitisation.md): none 0.42 % CER at 4.0 CPU-s a page;
    --deskew 0.32 % at 5.8 s, and the searchable PDF then holds a resampled page instead of the
    scan; --rotate-pages 0.44 % at 4.4 s (a doubtful page is read again turned instead,
    ``RETRY_TURNED``); all three with --clean 0.31 % at 8.3 s. Set QLVB_OCR_PREPROCESS to choose."""
    return list(getattr(settings, "QLVB_OCR_PREPROCESS", []))


def colour_filter() -> bool:
    """Whether tesseract is shown the page without its coloured ink (``inkfilter``)."""
    return bool(getattr(settings, "QLVB_OCR_COLOUR_FILTER", True))


def low_confidence() -> float:
    """Under this mean word confidence a page is marked for the clerk to check and kept out of the
    search index (``selectors.text_of``). Measured on bench/ocr_mail.py's scans: every page
    read right scored 93-96; a blank or scribbled page has no word at all (0)."""
    return float(getattr(settings, "QLVB_OCR_LOW_CONFIDENCE", 70))


def jobs() -> int:
    """ocrmypdf's ``--jobs`` (pages of a chunk read at once): QLVB_OCR_JOBS when set, otherwise
    the cores left idle by the rest of the machine (at least one): two when a 2-core server is
    quiet, one while the other job worker or a benchmark keeps a core busy, so parallel pages
    never fight for the same core."""
    configured = getattr(settings, "QLVB_OCR_JOBS", None)
    if configured:
        return max(1, int(configured))
    cores = os.cpu_count() or 1
    return max(1, min(cores, round(cores - os.getloadavg()[0])))


def max_pages() -> int:
    return int(getattr(settings, "QLVB_OCR_MAX_PAGES", 1000))


class ExtractionError(Exception):
    """The file cannot be read at all; ``message`` is for the person (Vietnamese through gettext)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PageFailed(Exception):
    pass


@dataclass
class Result:
    method: str
    text: str = ""
    pages_total: int = 0
    failed_pages: list[int] = field(default_factory=list)
    searchable_pdf: bytes | None = None
    seconds: float = 0.0
    ocr_pages: int = 0
    # Per page: tesseract's mean word confidence (0-100), None for a page read from its text layer
    # or not read at all.
    confidences: list[float | None] = field(default_factory=list)

    @property
    def doubtful_pages(self) -> list[int]:
        """Pages (from 1) recognised with a confidence under ``low_confidence()``."""
        limit = low_confidence()
        return [n for n, c in enumerate(self.confidences, start=1) if c is not None and c < limit]


Progress = Callable[[int, int], None]  # (pages done, pages total)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").replace("\x00", "")


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalnum())


def ocr_available() -> bool:
    return shutil.which("tesseract") is not None and shutil.which("gs") is not None


# --- Entry point ------------------------------------------------------------------------------

def extract(data: bytes, kind: str, *, progress: Progress | None = None, ocr: bool = True) -> Result:
    """The text of ``data`` of ``kind`` ("pdf", "image", "docx", "other").

    Raises ExtractionError with a message for the person when the file cannot be read at all
    (damaged, password-protected, not a document, too long)."""
    started = time.monotonic()
    progress = progress or (lambda done, total: None)
    if kind == "docx":
        result = _extract_docx(data)
    elif kind == "image":
        result = _extract_pdf(_image_to_pdf(data), progress=progress, ocr=ocr, from_image=True)
    elif kind == "pdf":
        result = _extract_pdf(data, progress=progress, ocr=ocr)
    else:
        result = Result(method="none")
    result.seconds = time.monotonic() - started
    return result


def _extract_docx(data: bytes) -> Result:
    from qlvb.files.convert import extract_text

    try:
        text = extract_text(data, "docx")
    except (ValidationError, ValueError):
        raise ExtractionError(_("The Word document is damaged or is not a .docx file, so its text cannot be read. "
                                "Open it in Word, save it again and upload the new file."))
    return Result(method="docx", text=nfc(text), pages_total=1)


def _image_to_pdf(data: bytes) -> bytes:
    from qlvb.files.services import images_to_pdf

    try:
        return images_to_pdf([data], names=[_("the image")])
    except (ValidationError, ValueError):
        raise ExtractionError(_("The image is damaged or incomplete, so it cannot be read."))


# --- PDF --------------------------------------------------------------------------------------

def _open_pdf(data: bytes):  # -> pikepdf.Pdf
    import pikepdf

    try:
        return pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise ExtractionError(_("The PDF is protected by a password, so its text cannot be read. Ask the sender "
                                "for a copy without a password, or print it to a new PDF, and upload it again."))
    except Exception as error:  # noqa: BLE001 - qpdf raises many kinds of errors on broken files
        logger.info("Unreadable PDF: %s", error)
        raise ExtractionError(_("The PDF is damaged or incomplete, so its text cannot be read. "
                                "Scan or save it again and upload the new file."))


def page_texts(data: bytes, limit: int | None = None) -> list[str]:
    """The text layer of every page, or of the first ``limit`` (empty for a page that has none
    or cannot be read)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        reader.decrypt("")
    texts = []
    for number, page in enumerate(reader.pages, start=1):
        if limit is not None and number > limit:
            break
        try:
            texts.append(nfc(page.extract_text() or ""))
        except Exception as error:  # noqa: BLE001 - one bad page should not hide the others
            logger.info("No text layer on page %s: %s", number, error)
            texts.append("")
    return texts


def _extract_pdf(data: bytes, *, progress: Progress, ocr: bool, from_image: bool = False) -> Result:
    pdf = _open_pdf(data)
    with pdf:
        total = len(pdf.pages)
        if total == 0:
            raise ExtractionError(_("The PDF has no pages."))
        if total > max_pages():
            raise ExtractionError(_("The file has %(pages)d pages, more than the %(limit)d pages read here. "
                                    "Split it into several files.") % {"pages": total, "limit": max_pages()})
        if pdf.is_encrypted:  # opens without a password (locked against copying): read a decrypted copy
            plain = io.BytesIO()
            pdf.save(plain)
            data = plain.getvalue()
        try:
            texts = [""] * total if from_image else page_texts(data)
        except Exception as error:  # noqa: BLE001
            logger.info("pypdf could not read a PDF qpdf opened: %s", error)
            texts = [""] * total
        layer = list(texts)
        to_read = [i for i, text in enumerate(texts) if _letters(text) < MIN_TEXT_CHARS]
        done = total - len(to_read)
        progress(done, total)
        if not to_read:
            return Result(method="pdf_text", text=PAGE_SEPARATOR.join(texts), pages_total=total)
        if not ocr:
            return Result(method="none", text=PAGE_SEPARATOR.join(texts), pages_total=total,
                          failed_pages=[i + 1 for i in to_read])
        if not ocr_available():
            raise ExtractionError(_("Text recognition (OCR) is not installed on the server; ask the administrator "
                                    "to install tesseract-ocr-vie and ghostscript."))
        with tempfile.TemporaryDirectory(prefix="qlvb-ocr-") as folder:
            workdir = Path(folder)
            source = workdir / "source.pdf"
            pdf.save(source)
            recognised: dict[int, tuple[Path, int]] = {}  # page index -> (chunk output, index in it)
            confidences: list[float | None] = [None] * total
            failed: list[int] = []
            for start in range(0, len(to_read), CHUNK_PAGES):
                chunk = to_read[start:start + CHUNK_PAGES]
                results = _ocr_chunk_with_retry(pdf, chunk, workdir)
                for index in chunk:
                    if index in results:
                        path, position, text, confidence = results[index]
                        recognised[index] = (path, position)
                        confidences[index] = confidence
                        # A page with a little text (a page number, a scanner's stamp) is skipped
                        # by ocrmypdf (--skip-text): then its own text is all there is.
                        texts[index] = text if _letters(text) >= _letters(texts[index]) else texts[index]
                    else:
                        failed.append(index + 1)
                done += len(chunk)
                progress(done, total)
            for index in sorted(recognised):
                confidence = confidences[index]
                # A page with no word at all (the blank back of a sheet) is no better turned.
                if confidence and confidence < low_confidence():
                    _retry_turned(pdf, index, workdir, texts, confidences, recognised)
            text = PAGE_SEPARATOR.join(texts)
            if not recognised:
                raise ExtractionError(_("No page of the scan could be read by text recognition. "
                                        "Run it again; if it fails again, scan the document again."))
            had_layer = any(_letters(t) for t in layer)
            if not had_layer and len(_WORD.findall(text)) < MIN_DOCUMENT_WORDS:
                raise ExtractionError(_("No text was found in the file: it may be a photo or a drawing rather than a "
                                        "document, or the scan is blank or too faint. The file is kept as it is."))
            searchable = _assemble(source, recognised, workdir)
        return Result(method="ocr", text=text, pages_total=total, failed_pages=failed, searchable_pdf=searchable,
                      ocr_pages=len(recognised), confidences=confidences)


def _retry_turned(pdf, index: int, workdir: Path, texts: list[str], confidences: list[float | None],
                  recognised: dict[int, tuple[Path, int]]) -> None:
    """Read page ``index`` again turned upright and deskewed (a page scanned sideways or upside
    down reads as junk); keep that reading if tesseract is surer of it."""
    try:
        path, read, sure = ocr_pages(pdf, [index], workdir, options=RETRY_TURNED)
    except PageFailed as error:
        logger.info("OCR of page %s turned failed: %s", index + 1, error)
        return
    if sure[0] is not None and sure[0] > (confidences[index] or 0):
        texts[index], confidences[index], recognised[index] = read[0], sure[0], (path, 0)


Read = tuple[Path, int, str, float | None]  # (chunk output, index in it, text, confidence)


def _ocr_chunk_with_retry(pdf, chunk: list[int], workdir: Path) -> dict[int, Read]:
    """OCR ``chunk`` (page indexes) at once; if that fails, each page alone, twice at most."""
    try:
        path, texts, confidences = ocr_pages(pdf, chunk, workdir)
        return {index: (path, position, texts[position], confidences[position])
                for position, index in enumerate(chunk)}
    except PageFailed as error:
        logger.warning("OCR of pages %s failed (%s); trying them one by one", [i + 1 for i in chunk], error)
    results: dict[int, Read] = {}
    for index in chunk:
        for attempt in (1, 2):
            try:
                path, texts, confidences = ocr_pages(pdf, [index], workdir)
            except PageFailed as error:
                logger.warning("OCR of page %s failed (attempt %s): %s", index + 1, attempt, error)
                continue
            results[index] = (path, 0, texts[0], confidences[0])
            break
    return results


_counter = 0


def ocr_pages(pdf, indexes: list[int], workdir: Path,
              options: list[str] | None = None) -> tuple[Path, list[str], list[float | None]]:
    """OCR the pages ``indexes`` of ``pdf`` with ocrmypdf in a child process; return the output
    PDF (one page per index, in order), the text of each page and its confidence (``_confidence``).
    ``options``: ocrmypdf's page preparation, ``preprocess()`` when None. Raises PageFailed."""
    import pikepdf

    global _counter
    _counter += 1
    stem = workdir / f"chunk-{_counter:05d}"
    source, output, sidecar = stem.with_suffix(".in.pdf"), stem.with_suffix(".out.pdf"), stem.with_suffix(".txt")
    part = pikepdf.new()
    for index in indexes:
        part.pages.append(pdf.pages[index])
    part.save(source)
    part.close()
    confidences = stem.with_suffix(".conf")
    confidences.mkdir()
    command = [sys.executable, "-m", "ocrmypdf", "--quiet", "-l", languages(),
               *(preprocess() if options is None else options),
               "--plugin", "qlvb.digitisation.ocr_plugin",
               "--skip-text", "--output-type", "pdf", "--invalidate-digital-signatures",
               "--optimize", "0", "--jobs", str(jobs()), "--sidecar", str(sidecar), str(source), str(output)]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "TMPDIR": str(workdir),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(settings.BASE_DIR), os.environ.get("PYTHONPATH")])),
           "QLVB_OCR_CONFIDENCE_DIR": str(confidences),
           "QLVB_OCR_COLOUR_FILTER": "1" if colour_filter() else "0"}
    timeout = 30 + SECONDS_PER_PAGE * len(indexes)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,  # noqa: S603
                               start_new_session=True)
    try:
        _out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise PageFailed(f"timed out after {timeout} s")
    finally:
        source.unlink(missing_ok=True)
    if process.returncode != 0 or not output.exists():
        raise PageFailed(f"ocrmypdf exit {process.returncode}: {err.decode(errors='replace')[-500:]}")
    texts = sidecar.read_text(encoding="utf-8", errors="replace").split("\f") if sidecar.exists() else []
    texts = [_clean_ocr_text(t) for t in texts]
    texts += [""] * (len(indexes) - len(texts))
    return output, texts[:len(indexes)], [_confidence(confidences, n) for n in range(1, len(indexes) + 1)]


def _confidence(folder: Path, page: int) -> float | None:
    """The page's mean word confidence written by the plugin; 0 for a page with no word at all,
    None when ocrmypdf skipped the page (it had a text layer) or wrote nothing."""
    path = folder / f"{page}.txt"
    if not path.exists():
        return None
    confidence, words = path.read_text().split()
    return float(confidence) if int(words) else 0.0


def _clean_ocr_text(text: str) -> str:
    text = nfc(text)
    # ocrmypdf writes this for a page it skipped because it already had text.
    text = re.sub(r"\[OCR skipped on page\(s\) [\d-]+\]", "", text)
    # A "|" is a table's ruled line read as a character (Vietnamese text has none).
    lines = [re.sub(r" {2,}", " ", line.replace("|", " ")).strip() for line in text.splitlines()]
    # Blank lines between every line are tesseract's paragraph breaks; keep one at most.
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _assemble(source: Path, recognised: dict[int, tuple[Path, int]], workdir: Path) -> bytes:
    import pikepdf

    opened: dict[Path, pikepdf.Pdf] = {}
    try:
        with pikepdf.open(source) as original:
            result = pikepdf.new()
            for index, page in enumerate(original.pages):
                if index in recognised:
                    path, position = recognised[index]
                    if path not in opened:
                        opened[path] = pikepdf.open(path)
                    result.pages.append(opened[path].pages[position])
                else:
                    result.pages.append(page)
            with contextlib.suppress(Exception):
                result.docinfo["/Producer"] = "QLVB (ocrmypdf)"
            out = workdir / "searchable.pdf"
            result.save(out)
            result.close()
        return out.read_bytes()
    finally:
        for handle in opened.values():
            handle.close()


# --- Quick reading for the registration form -------------------------------------------------

@dataclass
class QuickRead:
    text: str
    confidence: float | None = None  # tesseract's mean word confidence; None for a text layer


def quick_text(data: bytes, kind: str, *, pages: int = 1, timeout: int = 60) -> str:
    """The text of the first ``pages`` pages, fast (``quick_read``)."""
    return quick_read(data, kind, pages=pages, timeout=timeout).text


def quick_read(data: bytes, kind: str, *, pages: int = 1, timeout: int = 60) -> QuickRead:
    """The text of the first ``pages`` pages, fast: the text layer if there is one, otherwise
    tesseract straight on a 200-dpi rendering without its coloured ink (no deskew or cleaning;
    for one page only its top 15 cm, about 2 s here on a quiet machine), with the confidence of
    what it read, so that the form can say when its suggestions are guesses.
    The text is "" when nothing can be read."""
    if kind == "docx":
        try:
            return QuickRead(_extract_docx(data).text)
        except ExtractionError:
            return QuickRead("")
    if kind == "image":
        try:
            data = _image_to_pdf(data)
        except ExtractionError:
            return QuickRead("")
    elif kind != "pdf":
        return QuickRead("")
    try:
        texts = page_texts(data, limit=pages)
    except Exception:  # noqa: BLE001
        texts = []
    if texts and all(_letters(t) >= MIN_TEXT_CHARS for t in texts):
        return QuickRead("\n".join(texts))
    if not shutil.which("tesseract") or not shutil.which("pdftoppm"):
        return QuickRead("\n".join(texts))
    from qlvb.digitisation.ocr_plugin import page_confidence

    with tempfile.TemporaryDirectory(prefix="qlvb-quick-") as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(data)
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        try:
            # Only the top of the page (15 cm at 200 dpi) when reading one page: the header, number,
            # date, type and summary are there, and it reads in half the time.
            crop = ["-W", "100000", "-H", str(QUICK_TOP_PIXELS)] if pages == 1 else []
            # In colour, so that the seal and signature can be taken out before reading (inkfilter).
            subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", str(pages), *crop,  # noqa: S603, S607
                            str(source), str(Path(folder) / "page")], check=True, timeout=timeout,
                           capture_output=True)
            out, total, weight = [], 0.0, 0
            for image in sorted(Path(folder).glob("page*.png")):
                if colour_filter():
                    _drop_colour_ink_in_place(image)
                base = image.with_suffix("")
                # The text and the hOCR (word confidences) of one run.
                subprocess.run(["tesseract", str(image), str(base), "-l", languages(), "txt", "hocr"],  # noqa: S603, S607
                               check=True, timeout=timeout, capture_output=True, env=env)
                out.append(_clean_ocr_text(base.with_suffix(".txt").read_text(encoding="utf-8", errors="replace")))
                confidence, words = page_confidence(base.with_suffix(".hocr").read_text(encoding="utf-8",
                                                                                        errors="replace"))
                total, weight = total + confidence * words, weight + words
            return QuickRead("\n".join(out), total / weight if weight else 0.0)
        except (subprocess.SubprocessError, OSError) as error:
            logger.info("Quick OCR failed: %s", error)
            return QuickRead("\n".join(texts))


def _drop_colour_ink_in_place(path: Path) -> None:
    from PIL import Image

    from qlvb.digitisation.inkfilter import drop_colour_ink

    with Image.open(path) as image:
        image.load()
    drop_colour_ink(image).save(path)

"""ocrmypdf plugin of QLVB, loaded in the OCR child process (``engine.ocr_pages`` passes
``--plugin qlvb.digitisation.ocr_plugin``). No Django here: only ocrmypdf and Pillow.

- ``filter_ocr_image``: the image tesseract reads loses its coloured ink (``inkfilter``). This
  hook changes only what OCR sees; the page kept in the searchable PDF is the scan as it was
  (``filter_page_image`` would change that one, so it is left alone).
- The OCR engine is ocrmypdf's tesseract engine, which also writes each page's word confidences
  (from its hOCR) to ``$QLVB_OCR_CONFIDENCE_DIR/<page>.txt`` as "<confidence> <words>": the mean
  word confidence (0-100) weighted by word length, and how many words it is over.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

from ocrmypdf import hookimpl
from ocrmypdf.builtin_plugins import tesseract_ocr
from PIL import Image

from qlvb.digitisation.inkfilter import drop_colour_ink

_WORD = re.compile(r"<span class=['\"]ocrx_word['\"][^>]*?x_wconf (\d+)[^>]*>(.*?)</span>", re.S)
_TAG = re.compile(r"<[^>]+>")
_PAGE = re.compile(r"^(\d+)_")


@hookimpl
def filter_ocr_image(page, image: Image.Image) -> Image.Image:  # noqa: ANN001 - ocrmypdf's PageContext
    if os.environ.get("QLVB_OCR_COLOUR_FILTER", "1") != "0":
        image = drop_colour_ink(image)
    # The hook takes the first answer: do what ocrmypdf's own (downsampling huge images) does too.
    return tesseract_ocr.filter_ocr_image(page=page, image=image)


def page_confidence(hocr: str) -> tuple[float, int]:
    """(mean word confidence weighted by letters, number of words) of an hOCR page."""
    total = weight = words = 0
    for confidence, inner in _WORD.findall(hocr):
        word = html.unescape(_TAG.sub("", inner)).strip()
        letters = sum(1 for ch in word if ch.isalnum())
        if letters:
            total += int(confidence) * letters
            weight += letters
            words += 1
    return (total / weight if weight else 0.0), words


class ConfidenceTesseract(tesseract_ocr.TesseractOcrEngine):
    @staticmethod
    def generate_hocr(input_file, output_hocr, output_text, options):  # noqa: ANN001, ANN205 - ocrmypdf's signature
        tesseract_ocr.TesseractOcrEngine.generate_hocr(input_file, output_hocr, output_text, options)
        folder = os.environ.get("QLVB_OCR_CONFIDENCE_DIR")
        match = _PAGE.match(Path(output_hocr).name)
        if folder and match and Path(output_hocr).exists():
            confidence, words = page_confidence(Path(output_hocr).read_text(encoding="utf-8", errors="replace"))
            (Path(folder) / f"{int(match.group(1))}.txt").write_text(f"{confidence:.1f} {words}")


@hookimpl
def get_ocr_engine(options):  # noqa: ANN001, ANN201
    return ConfidenceTesseract()

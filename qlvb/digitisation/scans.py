"""Synthetic scans for tests and benchmarks: Vietnamese text rendered with a Noto font on an A4
page at a given resolution, turned slightly and speckled as a flatbed scanner would, then made
into a PDF the same way uploaded scans are (``files.services.images_to_pdf``)."""

from __future__ import annotations

import io
import random
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"
A4_MM = (210, 297)


def _font(path: str, size_px: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(path, size_px)
    except OSError:
        return ImageFont.truetype(FONT, size_px)


def wrap_lines(text: str, width: int = 80) -> list[str]:
    """Lines as a typist would set them: paragraphs kept, long ones wrapped."""
    lines: list[str] = []
    for paragraph in unicodedata.normalize("NFC", text).splitlines():
        paragraph = paragraph.strip()
        if not paragraph:
            lines.append("")
            continue
        lines.extend(textwrap.wrap(paragraph, width=width) or [""])
    return lines


def paginate(lines: Sequence[str], per_page: int) -> list[list[str]]:
    pages = [list(lines[i:i + per_page]) for i in range(0, len(lines), per_page)]
    return pages or [[]]


def render_page(lines: Iterable[str], *, dpi: int = 200, skew: float = 1.5, noise: float = 0.004,
                font_pt: float = 13, seed: int = 0, bold_first: int = 0) -> Image.Image:
    """One A4 page (greyscale) with ``lines`` of text, ``skew`` degrees turned and ``noise`` the
    share of pixels flipped to dark specks."""
    width, height = (round(mm / 25.4 * dpi) for mm in A4_MM)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    size_px = round(font_pt / 72 * dpi)
    regular, bold = _font(FONT, size_px), _font(FONT_BOLD, size_px)
    x, y = round(25 / 25.4 * dpi), round(20 / 25.4 * dpi)
    step = round(size_px * 1.45)
    for index, line in enumerate(lines):
        draw.text((x, y), line, fill=0, font=bold if index < bold_first else regular)
        y += step
    if skew:
        page = page.rotate(skew, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    if noise:
        rng = random.Random(seed)
        pixels = page.load()
        assert pixels is not None  # an image made in memory
        for _ in range(int(width * height * noise)):
            px, py = rng.randrange(width), rng.randrange(height)
            pixels[px, py] = rng.randrange(0, 120)
        page = page.filter(ImageFilter.GaussianBlur(0.4))
    return page


def png_bytes(image: Image.Image, dpi: int = 200) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def scan_pdf(pages: Sequence[Sequence[str]], *, dpi: int = 200, skew: float = 1.5, noise: float = 0.004,
             bold_first: int = 0) -> bytes:
    """A scanned PDF of ``pages`` (each a list of lines), made as the upload path makes one."""
    from qlvb.files.services import images_to_pdf

    images = [png_bytes(render_page(lines, dpi=dpi, skew=skew if i % 2 == 0 else -skew, noise=noise, seed=i,
                                    bold_first=bold_first if i == 0 else 0), dpi)
              for i, lines in enumerate(pages)]
    return images_to_pdf(images)

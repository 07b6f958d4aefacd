"""What a signature looks like on the page (NĐ30 Phụ lục I), as pyHanko stamp styles.

* The signer: the position (above), the blue handwritten signature image centred, the full name
  (below), inside the signature box.
* The agency: the red seal image at its real size, laid over about the left third of the
  signer's signature image.
* An attachment: no image; the agency's name, the document's number and notation and the
  signing time, Times-like serif 10 pt, black, at the top right of the first page.

Text is real text (selectable, searchable): shaped with HarfBuzz and embedded as a font subset
through pyHanko's ``GlyphAccumulatorFactory``, whose font size must equal the size the text is
shown at, or the glyphs drift apart. pyHanko 0.38 also writes glyph widths in font units as if
every font had 1000 units per em: a font with 2048 (Liberation, DejaVu, Times New Roman) comes out
with letters spread apart. So only 1000-unit fonts are used: Noto Serif (a Times-like serif,
Vietnamese complete) and Noto Sans.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import ResourceType
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import pil_image
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp.base import BaseStamp, BaseStampStyle

logger = logging.getLogger(__name__)

# fontTools reports every table it leaves out of a subset ("FFTM NOT subset"): noise here.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

FONT_DIRS = ("/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto")
SERIF = ("NotoSerif-Regular.ttf", "NotoSans-Regular.ttf")
SERIF_BOLD = ("NotoSerif-Bold.ttf", "NotoSans-Bold.ttf")

MM = 72 / 25.4  # points per millimetre
BLACK = (0.0, 0.0, 0.0)

# The name the signer's image has in its appearance stream; the agency's seal is placed by
# finding it there (signature_image_rect).
SIGNATURE_IMAGE_NAME = "/QlvbSignatureImage"
_IMAGE_DRAW = re.compile(
    rb"q\s+([-\d.]+)\s+0\s+0\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+cm\s+" + re.escape(SIGNATURE_IMAGE_NAME.encode())
    + rb"\s+Do"
)

# The signer's box (NĐ30: 13–14 pt bold position and name, the signature between them).
TITLE_SIZE = 13
NAME_SIZE = 13
ATTACHMENT_SIZE = 10
ATTACHMENT_LEADING = 12
PADDING = 2


def font_path(candidates: tuple[str, ...], *, for_pdf: bool = True) -> str:
    """The first installed font of ``candidates``; for PDF text, only fonts of 1000 units per em."""
    for name in candidates:
        for folder in FONT_DIRS:
            path = Path(folder) / name
            if path.exists() and (not for_pdf or _metrics(str(path))[2] == 1000):
                return str(path)
    raise FileNotFoundError(f"None of the fonts {candidates} is installed (Debian: fonts-noto-core)")


# What Vietnamese text needs: ASCII, Latin-1, the Vietnamese letters of Latin Extended-A/B and
# Latin Extended Additional, the combining tone marks, and common punctuation.
VIETNAMESE = frozenset(
    [*range(0x20, 0x7F), *range(0xA0, 0x100), 0x102, 0x103, 0x110, 0x111, 0x128, 0x129, 0x168, 0x169,
     0x1A0, 0x1A1, 0x1AF, 0x1B0, *range(0x300, 0x304), 0x309, 0x323, *range(0x1EA0, 0x1EFA),
     *range(0x2010, 0x2027), 0x2030, 0x2039, 0x203A, 0x20AB, 0x2116]
)


def _cache_dir() -> Path:
    from django.conf import settings

    base = getattr(settings, "VAR_DIR", None)
    folder = Path(base) / "cache" / "fonts" if base else Path(tempfile.gettempdir()) / "qlvb-fonts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@functools.lru_cache(maxsize=8)
def compact_font(path: str) -> str:
    """A copy of the font with only the glyphs Vietnamese needs (made once, kept in the cache
    folder). pyHanko subsets the font it embeds keeping every glyph slot, so a 3,000-glyph font
    costs 0.4 s and 40 KB a signature; this 400-glyph copy costs a few hundredths and a few KB."""
    from fontTools import subset

    source = Path(path)
    stat = source.stat()
    digest = hashlib.sha256(f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|v1".encode()).hexdigest()[:12]
    target = _cache_dir() / f"{source.stem}-vi-{digest}.ttf"
    if not target.exists():
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        font = TTFont(path)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=VIETNAMESE)
        subsetter.subset(font)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        font.save(str(partial))
        os.replace(partial, target)
    return str(target)


def font_for(text: str, candidates: tuple[str, ...]) -> str:
    """The compact Vietnamese font when it has every character of ``text``, else the full one."""
    full = font_path(candidates)
    if all(ord(char) in VIETNAMESE for char in text):
        try:
            return compact_font(full)
        except OSError:
            logger.warning("Cannot write the compact font cache; embedding the full font")
    return full


@functools.lru_cache(maxsize=8)
def _metrics(path: str) -> tuple[dict[int, str], dict[str, tuple[int, int]], int]:
    font = TTFont(path, lazy=True)
    return font.getBestCmap(), font["hmtx"].metrics, font["head"].unitsPerEm


def text_width(text: str, path: str, size: float) -> float:
    """An estimate (no kerning) of the width of ``text`` in points, for fitting boxes."""
    cmap, metrics, units = _metrics(path)
    total = 0
    for char in text:
        glyph = cmap.get(ord(char))
        total += metrics[glyph][0] if glyph in metrics else units // 2
    return total * size / units


class _Stamp(BaseStamp):
    """A stamp drawn by its style's ``paint``; keeps one font engine per font and size."""

    def __init__(self, writer: BasePdfFileWriter, style: Appearance, box: BoxConstraints):
        super().__init__(writer=writer, style=style, box=box)
        self._engines: dict[tuple[str, float], tuple[str, GlyphAccumulator]] = {}

    def _render_inner_content(self) -> list[bytes]:
        return self.style.paint(self)

    def text(self, text: str, *, font: str, size: float, x: float, baseline: float, align: str = "left",
             colour: tuple[float, float, float] = BLACK) -> bytes:
        """Draw one line of text; ``x`` is its left edge, centre or right edge by ``align``."""
        text = unicodedata.normalize("NFC", text)
        if not text:
            return b""
        key = (font, size)
        if key not in self._engines:
            name = f"/F{len(self._engines) + 1}"
            # pyHanko annotates font sizes int; a PDF font size is any number.
            engine = GlyphAccumulatorFactory(font, font_size=size).create_font_engine(  # type: ignore[arg-type]
                self._ensure_writer)
            engine.font_size = size  # type: ignore[assignment]
            self.set_resource(ResourceType.FONT, generic.pdf_name(name), engine.as_resource())
            self._engines[key] = (name, engine)
        name, engine = self._engines[key]
        shaped = engine.shape(text)
        width = shaped.x_advance * size
        left = x - width / 2 if align == "center" else x - width if align == "right" else x
        return b"q %g %g %g rg BT %s %g Tf 1 0 0 1 %g %g Tm %s ET Q" % (
            *colour, name.encode(), size, left, baseline, shaped.graphics_ops)

    def image(self, image: Image.Image, *, name: str, x: float, y: float, width: float, height: float) -> bytes:
        self.set_resource(ResourceType.XOBJECT, generic.pdf_name(name), pil_image(image, self._ensure_writer))
        return b"q %.3f 0 0 %.3f %.3f %.3f cm %s Do Q" % (width, height, x, y, name.encode())


@dataclass(frozen=True)
class Appearance(BaseStampStyle):
    border_width: int = 0

    def create_stamp(self, writer: BasePdfFileWriter, box: BoxConstraints, text_params: dict) -> _Stamp:
        return _Stamp(writer, self, box)

    def paint(self, stamp: _Stamp) -> list[bytes]:
        raise NotImplementedError


def _open_image(data: bytes) -> Image.Image:
    image: Image.Image = Image.open(io.BytesIO(data))
    image.load()
    if image.mode not in ("RGBA", "LA"):
        image = image.convert("RGBA")
    return image


@dataclass(frozen=True)
class SignerAppearance(Appearance):
    """Position above, the handwritten signature centred, the full name below."""

    title_lines: tuple[str, ...] = ()
    full_name: str = ""
    image_png: bytes | None = field(default=None, repr=False)
    image_width_mm: float = 50.0

    def _layout(self, box_w: float, box_h: float) -> tuple[str, list[float], float, float, float]:
        """The bold font, each title line's size, the top of the image area, the name's size and
        its baseline: one computation for drawing and for saying where the image lands."""
        bold = font_for("".join(self.title_lines) + self.full_name, SERIF_BOLD)
        usable = box_w - 2 * PADDING
        top: float = box_h - PADDING
        sizes = []
        for line in self.title_lines:
            size = fit_size(line, bold, TITLE_SIZE, usable)
            sizes.append(size)
            top -= size * 1.15
        name_size = fit_size(self.full_name, bold, NAME_SIZE, usable)
        return bold, sizes, top, name_size, PADDING + name_size * 0.25

    def _image_box(self, image: Image.Image, box_w: float, box_h: float) -> tuple[float, float, float, float]:
        _bold, _sizes, top, name_size, name_baseline = self._layout(box_w, box_h)
        area_bottom = name_baseline + name_size * 0.95
        return fit_image(image.width, image.height, left=PADDING, bottom=area_bottom, width=box_w - 2 * PADDING,
                         height=top - 1 - area_bottom, max_width=self.image_width_mm * MM)

    def image_rect(self, box_w: float, box_h: float) -> tuple[float, float, float, float] | None:
        """Where the handwritten signature lands inside a box of that size (x, y, width, height)."""
        if not self.image_png:
            return None
        x, y, w, h = self._image_box(_open_image(self.image_png), box_w, box_h)
        return (x, y, w, h) if w > 0 and h > 0 else None

    def paint(self, stamp: _Stamp) -> list[bytes]:
        box_w, box_h = stamp.box.width, stamp.box.height
        bold, sizes, _top, name_size, name_baseline = self._layout(box_w, box_h)
        ops: list[bytes] = []
        top: float = box_h - PADDING
        for line, size in zip(self.title_lines, sizes, strict=True):
            top -= size * 1.15
            ops.append(stamp.text(line, font=bold, size=size, x=box_w / 2, baseline=top + size * 0.22,
                                  align="center"))
        ops.append(stamp.text(self.full_name, font=bold, size=name_size, x=box_w / 2, baseline=name_baseline,
                              align="center"))

        if self.image_png:
            image = _open_image(self.image_png)
            x, y, w, h = self._image_box(image, box_w, box_h)
            if w > 0 and h > 0:
                ops.append(stamp.image(image, name=SIGNATURE_IMAGE_NAME, x=x, y=y, width=w, height=h))
        return ops


@dataclass(frozen=True)
class SealAppearance(Appearance):
    """The seal image filling its box (the box is the seal's real size)."""

    image_png: bytes | None = field(default=None, repr=False)

    def paint(self, stamp: _Stamp) -> list[bytes]:
        if not self.image_png:
            return []
        image = _open_image(self.image_png)
        x, y, w, h = fit_image(image.width, image.height, left=0, bottom=0, width=stamp.box.width,
                               height=stamp.box.height)
        # Multiply, like ink: the signature under the seal still shows through the red.
        stamp.set_resource(ResourceType.EXT_G_STATE, generic.pdf_name("/QlvbInk"),
                           generic.DictionaryObject({generic.pdf_name("/BM"): generic.pdf_name("/Multiply")}))
        return [b"/QlvbInk gs", stamp.image(image, name="/QlvbSeal", x=x, y=y, width=w, height=h)]


@dataclass(frozen=True)
class AttachmentAppearance(Appearance):
    """Lines of 10 pt black serif text, left-aligned, no image."""

    lines: tuple[str, ...] = ()

    def paint(self, stamp: _Stamp) -> list[bytes]:
        regular = font_for("".join(self.lines), SERIF)
        ops = []
        baseline = stamp.box.height - PADDING - ATTACHMENT_SIZE * 0.9
        for line in self.lines:
            ops.append(stamp.text(line, font=regular, size=ATTACHMENT_SIZE, x=PADDING, baseline=baseline))
            baseline -= ATTACHMENT_LEADING
        return ops


def attachment_box_size(lines: tuple[str, ...]) -> tuple[float, float]:
    regular = font_path(SERIF)
    width = max(text_width(line, regular, ATTACHMENT_SIZE) for line in lines) + 2 * PADDING + 2
    return width, len(lines) * ATTACHMENT_LEADING + 2 * PADDING + 1


def fit_size(text: str, font: str, size: float, width: float, minimum: float = 8) -> float:
    """The largest size up to ``size`` at which ``text`` fits in ``width`` (not below ``minimum``)."""
    natural = text_width(text, font, size)
    if natural <= width or natural == 0:
        return size
    return max(minimum, round(size * width / natural - 0.05, 1))


def fit_image(px_w: int, px_h: int, *, left: float, bottom: float, width: float, height: float,
              max_width: float | None = None) -> tuple[float, float, float, float]:
    """Scale an image to fit the area keeping its proportions (never wider than ``max_width``),
    centred; returns x, y, width, height."""
    if width <= 0 or height <= 0:
        return left, bottom, 0, 0
    scale = min(width / px_w, height / px_h)
    if max_width:
        scale = min(scale, max_width / px_w)
    w, h = px_w * scale, px_h * scale
    return left + (width - w) / 2, bottom + (height - h) / 2, w, h


def signature_image_rect(appearance_stream: bytes) -> tuple[float, float, float, float] | None:
    """Where the handwritten signature is drawn inside a signer's appearance (x, y, w, h), if any."""
    match = _IMAGE_DRAW.search(appearance_stream)
    if not match:
        return None
    w, h, x, y = (float(value) for value in match.groups())
    return x, y, w, h

"""Colour scans of official mail for tests and the OCR benchmark: a letter in a serif font with a
red seal stamped over the signer's title, name and the last lines (as seals are), a signature in
blue ink, then a scanner's skew and specks, a faded photocopy, or a phone photo (perspective,
uneven light, lower resolution, JPEG).

Lines are ``(text, align)`` with align "l", "c" or "r"; ``text_of`` gives the ground truth
(every line in order, the seal's own ring text excluded: it is returned apart by ``stamp_seal``).
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Sequence

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

SERIF = "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"
SERIF_BOLD = "/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf"
SANS_BOLD = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"
INK = (28, 28, 32)
SEAL_RED = (214, 32, 45)
PEN_BLUE = (32, 58, 168)

Line = tuple[str, str]


def text_of(lines: Sequence[Line]) -> str:
    return "\n".join(text for text, _align in lines if text.strip())


def _font(path: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size_px)


def blank_page(dpi: int, *, landscape: bool = False) -> Image.Image:
    mm = (297, 210) if landscape else (210, 297)
    return Image.new("RGB", tuple(round(v / 25.4 * dpi) for v in mm), (255, 255, 255))  # type: ignore[arg-type]


def draw_lines(page: Image.Image, lines: Sequence[Line], *, dpi: int, font_pt: float = 13, top_mm: float = 18,
               left_mm: float = 25, right_mm: float = 18, bold: Sequence[int] = ()) -> list[int]:
    """Draw ``lines`` and return the y (pixels) of each line's top."""
    draw = ImageDraw.Draw(page)
    size = round(font_pt / 72 * dpi)
    regular, strong = _font(SERIF, size), _font(SERIF_BOLD, size)
    left, right = round(left_mm / 25.4 * dpi), page.width - round(right_mm / 25.4 * dpi)
    y, step, tops = round(top_mm / 25.4 * dpi), round(size * 1.5), []
    for index, (text, align) in enumerate(lines):
        font = strong if index in bold else regular
        width = draw.textlength(text, font=font)
        x = {"l": left, "c": (left + right - width) / 2, "r": right - width}[align]
        draw.text((x, y), text, fill=INK, font=font)
        tops.append(y)
        y += step
    return tops


def _multiply(page: Image.Image, mask: Image.Image, colour: tuple[int, int, int], strength: float) -> Image.Image:
    """Ink of ``colour`` laid over the page where ``mask`` is set (a multiply blend: ink over
    black text stays black, as on paper)."""
    mask = mask.point(lambda v: round(v * strength))
    tint = Image.composite(Image.new("RGB", page.size, colour), Image.new("RGB", page.size, (255, 255, 255)), mask)
    return ImageChops.multiply(page, tint)


def stamp_seal(page: Image.Image, centre: tuple[int, int], *, dpi: int, ring_text: str, middle: str = "",
               seed: int = 0) -> Image.Image:
    """A round seal (about 36 mm across): two rings, ``ring_text`` around the top, a star and
    ``middle`` in the centre, in slightly uneven, semi-transparent red ink."""
    rng = random.Random(seed)
    radius = round(18 / 25.4 * dpi)
    mask = Image.new("L", page.size, 0)
    draw = ImageDraw.Draw(mask)
    cx, cy = centre
    for r, width in ((radius, max(3, dpi // 60)), (round(radius * 0.72), max(2, dpi // 100))):
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=width)
    size = round(radius * 0.17)
    font = _font(SANS_BOLD, size)
    ring_r = radius * 0.86
    letters = list(ring_text)
    spread = 300  # degrees of the ring the text takes, centred on the top
    for i, ch in enumerate(letters):
        angle = -90 - spread / 2 + spread * (i + 0.5) / len(letters)
        glyph = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(glyph).text((size, size), ch, fill=255, font=font, anchor="mm")
        glyph = glyph.rotate(-angle - 90, resample=Image.Resampling.BICUBIC)
        x = cx + ring_r * math.cos(math.radians(angle)) - size
        y = cy + ring_r * math.sin(math.radians(angle)) - size
        mask.paste(255, (round(x), round(y)), glyph)
    star_r = radius * 0.22
    star_cy = cy - radius * 0.22
    points = [(cx + (star_r if k % 2 == 0 else star_r * 0.4) * math.cos(math.radians(-90 + 36 * k)),
               star_cy + (star_r if k % 2 == 0 else star_r * 0.4) * math.sin(math.radians(-90 + 36 * k)))
              for k in range(10)]
    draw.polygon(points, fill=255)
    if middle:
        draw.text((cx, cy + radius * 0.25), middle, fill=255, font=_font(SANS_BOLD, round(size * 1.1)), anchor="mm")
    # Uneven ink: a pad never inks evenly.
    pixels = mask.load()
    assert pixels is not None
    for _ in range(int(radius * radius * 0.6)):
        x, y = cx + rng.randint(-radius, radius), cy + rng.randint(-radius, radius)
        if 0 <= x < mask.width and 0 <= y < mask.height and pixels[x, y]:
            pixels[x, y] = rng.randint(80, 200)
    mask = mask.filter(ImageFilter.GaussianBlur(dpi / 200))
    return _multiply(page, mask, SEAL_RED, 0.85)


def sign(page: Image.Image, box: tuple[int, int, int, int], *, dpi: int, seed: int = 0) -> Image.Image:
    """A scrawled signature in blue ballpoint inside ``box`` (left, top, right, bottom)."""
    rng = random.Random(seed)
    mask = Image.new("L", page.size, 0)
    draw = ImageDraw.Draw(mask)
    left, top, right, bottom = box
    points: list[tuple[float, float]] = []
    x = float(left)
    while x < right:
        points.append((x, rng.uniform(top, bottom)))
        x += rng.uniform(0.03, 0.09) * (right - left)
    smooth = []
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        for t in range(8):
            u = t / 8
            smooth.append((x0 + (x1 - x0) * u, y0 + (y1 - y0) * (3 * u * u - 2 * u * u * u)))
    draw.line(smooth, fill=255, width=max(2, dpi // 70), joint="curve")
    draw.line([(left + (right - left) * 0.1, bottom), (right, top + (bottom - top) * 0.7)], fill=255,
              width=max(2, dpi // 80))
    return _multiply(page, mask.filter(ImageFilter.GaussianBlur(dpi / 250)), PEN_BLUE, 0.9)


def scanner(page: Image.Image, *, skew: float = 1.0, noise: float = 0.002, seed: int = 0) -> Image.Image:
    """A flatbed scanner's turn, specks and softness."""
    rng = random.Random(seed)
    if skew:
        page = page.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))
    pixels = page.load()
    assert pixels is not None
    for _ in range(int(page.width * page.height * noise)):
        v = rng.randrange(0, 120)
        pixels[rng.randrange(page.width), rng.randrange(page.height)] = (v, v, v)
    return page.filter(ImageFilter.GaussianBlur(0.5))


def photocopy(page: Image.Image, *, seed: int = 0) -> Image.Image:
    """A faded photocopy: grey, low contrast (text about 45 % grey on an off-white), toner specks
    and a streak."""
    rng = random.Random(seed)
    grey = page.convert("L").point(lambda v: round(105 + v * (232 - 105) / 255))
    pixels = grey.load()
    assert pixels is not None
    for _ in range(int(grey.width * grey.height * 0.003)):
        pixels[rng.randrange(grey.width), rng.randrange(grey.height)] = rng.randrange(90, 180)
    streak_x = rng.randrange(grey.width // 4, grey.width * 3 // 4)
    ImageDraw.Draw(grey).rectangle((streak_x, 0, streak_x + 3, grey.height), fill=200)
    grey = grey.rotate(-0.7, resample=Image.Resampling.BICUBIC, fillcolor=232)
    return grey.filter(ImageFilter.GaussianBlur(0.6)).convert("RGB")


def phone_photo(page: Image.Image, *, dpi: int, to_dpi: int = 150) -> Image.Image:
    """A phone photo of the page: smaller, seen a little from below (perspective), lit unevenly
    from one corner, warm paper."""
    w, h = page.size
    # Perspective: the top edge a little narrower than the bottom.
    inset = w * 0.03
    coeffs = _perspective_coeffs([(0, 0), (w, 0), (w, h), (0, h)],
                                 [(inset, h * 0.01), (w - inset, 0), (w, h), (0, h * 0.995)])
    page = page.transform((w, h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC,
                          fillcolor=(120, 110, 100))
    page = page.resize((round(w * to_dpi / dpi), round(h * to_dpi / dpi)), Image.Resampling.LANCZOS)
    light = Image.new("L", (2, 2))
    light.putdata([255, 232, 222, 180])  # full light at the top left, 70 % at the bottom right
    light = light.resize(page.size, Image.Resampling.BILINEAR)
    lit = ImageChops.multiply(page, Image.merge("RGB", (light, light, light)))
    warm = Image.new("RGB", page.size, (255, 246, 228))
    return ImageChops.multiply(lit, warm).filter(ImageFilter.GaussianBlur(0.7))


def _perspective_coeffs(target: list[tuple[float, float]], source: list[tuple[float, float]]) -> list[float]:
    """The 8 coefficients PIL's PERSPECTIVE transform takes to map ``target`` corners to ``source``."""
    rows: list[list[float]] = []
    rhs: list[float] = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rhs.append(u)
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.append(v)
    return _solve(rows, rhs)


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[i][n] / m[i][i] for i in range(n)]


def image_bytes(image: Image.Image, dpi: int, *, jpeg: bool = False) -> bytes:
    out = io.BytesIO()
    if jpeg:
        image.save(out, format="JPEG", quality=82, dpi=(dpi, dpi))
    else:
        image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def to_pdf(images: Sequence[bytes]) -> bytes:
    from qlvb.files.services import images_to_pdf

    return images_to_pdf(list(images))


def sealed_note(lines: Sequence[Line], *, covered: int, dpi: int = 200, seed: int = 0) -> Image.Image:
    """A small page (A6 landscape) of ``lines`` with a seal centred on line ``covered`` and a
    signature beside it, scanned with a slight turn: what the tests read in a few seconds."""
    page = Image.new("RGB", (round(148 / 25.4 * dpi), round(105 / 25.4 * dpi)), (255, 255, 255))
    tops = draw_lines(page, lines, dpi=dpi, top_mm=10, left_mm=10, right_mm=10)
    step = tops[1] - tops[0] if len(tops) > 1 else round(dpi / 4)
    centre = (page.width // 2, tops[covered] + step // 2)
    page = sign(page, (page.width // 2, tops[covered] - step, page.width - dpi // 3, tops[covered] + step * 2),
                dpi=dpi, seed=seed)
    page = stamp_seal(page, centre, dpi=dpi, ring_text="ỦY BAN NHÂN DÂN * TỈNH SƠN LA *", seed=seed)
    return scanner(page, skew=0.8, noise=0.001, seed=seed)

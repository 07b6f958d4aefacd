"""Demo artwork drawn with Pillow: a blue handwritten-looking signature and a red round seal,
both on a transparent background. Each is the same every time for the same name, so running
the demo again stores nothing new.

Drawn at twice the size and scaled down, for smooth edges; a few hundredths of a second an image.
"""

from __future__ import annotations

import hashlib
import io
import math
import random

from PIL import Image, ImageDraw, ImageFont

from qlvb.signatures.appearance import font_path

INK_BLUE = (20, 45, 160)
SEAL_RED = (215, 25, 32)
SS = 2  # supersampling factor

SIGNATURE_SIZE = (480, 200)
SEAL_PX = 420  # 36 mm at about 300 dpi
SEAL_MM = 36.0
SIGNATURE_MM = 50.0


def _rng(text: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big"))


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=4)
    return out.getvalue()


def _bezier(points: list[tuple[float, float]], steps: int = 60) -> list[tuple[float, float]]:
    """Points along a Catmull-Rom spline through ``points``."""
    result: list[tuple[float, float]] = []
    pts = [points[0], *points, points[-1]]
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for s in range(steps):
            t = s / steps
            t2, t3 = t * t, t * t * t
            px, py = (0.5 * ((2 * p1[k]) + (-p0[k] + p2[k]) * t + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k])
                             * t2 + (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t3) for k in range(2))
            result.append((px, py))
    result.append(points[-1])
    return result


def _stroke(draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], width: float, colour: tuple) -> None:
    """A pen stroke that is thicker in the middle and thin at both ends."""
    n = len(points)
    for i in range(n - 1):
        taper = math.sin(math.pi * (i + 0.5) / n) ** 0.6
        w = max(1, round(width * (0.35 + 0.65 * taper)))
        draw.line([points[i], points[i + 1]], fill=colour, width=w)
        draw.ellipse([points[i + 1][0] - w / 2, points[i + 1][1] - w / 2, points[i + 1][0] + w / 2,
                      points[i + 1][1] + w / 2], fill=colour)


def signature_png(full_name: str) -> bytes:
    """A handwritten-looking signature: initials and the given name in slanted, jittered italics
    joined by a pen flourish."""
    rng = _rng("signature:" + full_name)
    margin = 150 * SS  # room for turned glyph boxes; cropped away at the end
    width, height = SIGNATURE_SIZE[0] * SS, SIGNATURE_SIZE[1] * SS
    ink = INK_BLUE + (255,)
    words = full_name.split() or ["?"]
    given = words[-1]
    initials = "".join(w[0] for w in words[:-1])[:2]
    italic = font_path(("NotoSerif-Italic.ttf", "NotoSans-Italic.ttf"), for_pdf=False)
    big = ImageFont.truetype(italic, 120 * SS)
    small = ImageFont.truetype(italic, 78 * SS)

    # Letter by letter, each a little turned, off the line and slanted, close enough to touch.
    canvas = Image.new("RGBA", (width + 2 * margin, height + 2 * margin), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    shear = 0.28 + rng.random() * 0.1
    x: float = 40 * SS + margin
    baseline = 120 * SS + margin
    for index, char in enumerate(initials + given):
        font = big if index == 0 or index == len(initials) else small
        left, top, right, bottom = (int(v) for v in font.getbbox(char, anchor="ls"))  # whole pixels: no stroke
        pad = int((bottom - top) * 0.6) + 4  # room to turn and slant
        w, h = right - left + 2 * pad, bottom - top + 2 * pad
        ox, oy = pad - left, pad - top  # the glyph's origin on the baseline, inside its box
        glyph = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((ox, oy), char, font=font, fill=ink, anchor="ls")
        angle = math.radians(rng.uniform(-7, 7))
        cos, sin = math.cos(angle), math.sin(angle)
        # Inverse map of "turn, then slant to the right" about the origin (PIL maps output to input).
        a, b = cos, sin + shear * cos
        d, e = -sin, cos - shear * sin
        matrix = (a, b, ox - a * ox - b * oy, d, e, oy - d * ox - e * oy)
        glyph = glyph.transform((w, h), Image.Transform.AFFINE, matrix, resample=Image.Resampling.BILINEAR)
        y = baseline + rng.uniform(-6, 6) * SS
        canvas.alpha_composite(glyph, (round(x - ox), round(y - oy)))
        x += font.getlength(char) * (0.82 if index < len(initials) else 0.9)
        if index == len(initials) - 1:
            x += 14 * SS

    # The flourish: from the last letter down and back under the name, then out to the right.
    end_x = min(width - 50 * SS, x - margin)
    low = baseline - margin + 30 * SS
    points = [(end_x - 10 * SS, low - 50 * SS), (end_x + 12 * SS, low - 20 * SS),
              (end_x * 0.6, low + rng.uniform(-8, 8) * SS), (45 * SS, low + 12 * SS),
              (30 * SS, low - 2 * SS), (width * 0.45, low + rng.uniform(0, 10) * SS),
              (width - 20 * SS, low - 30 * SS)]
    _stroke(draw, _bezier([(px + margin, py + margin) for px, py in points]), 5 * SS, ink)
    canvas = canvas.crop(canvas.getbbox() or (0, 0, SS, SS))
    return _png(canvas.reduce(SS))


def _arc_text(canvas: Image.Image, text: str, *, font: ImageFont.FreeTypeFont, centre: float, radius: float,
              start_deg: float, span_deg: float, colour: tuple) -> None:
    """Write ``text`` clockwise along a circle, centred on ``start_deg`` (0 = top)."""
    widths = [font.getlength(c) for c in text]
    total = sum(widths)
    angle_per_px = span_deg / total if total else 0
    angle = start_deg - span_deg / 2
    size = int(font.size * 2)
    for char, w in zip(text, widths, strict=True):
        mid = angle + w * angle_per_px / 2
        if char.strip():
            glyph = Image.new("RGBA", (size, size), (0, 0, 0, 0))
            ImageDraw.Draw(glyph).text((size / 2, size / 2), char, font=font, fill=colour, anchor="mm")
            glyph = glyph.rotate(-mid, resample=Image.Resampling.BILINEAR)
            rad = math.radians(mid)
            x = centre + radius * math.sin(rad) - size / 2
            y = centre - radius * math.cos(rad) - size / 2
            canvas.alpha_composite(glyph, (round(x), round(y)))
        angle += w * angle_per_px


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, colour: tuple) -> None:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.382
        a = math.radians(-90 + i * 36)
        points.append((cx + radius * math.cos(a), cy + radius * math.sin(a)))
    draw.polygon(points, fill=colour)


def seal_png(agency_name: str) -> bytes:
    """A round red seal: two rings, the agency's name around, a star in the middle."""
    size = SEAL_PX * SS
    c = size / 2
    ink = SEAL_RED + (235,)
    canvas = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    outer = c - 6 * SS
    draw.ellipse([c - outer, c - outer, c + outer, c + outer], outline=ink, width=11 * SS)
    inner = outer * 0.64
    draw.ellipse([c - inner, c - inner, c + inner, c + inner], outline=ink, width=4 * SS)
    _star(draw, c, c + 4 * SS, inner * 0.62, ink)

    name = agency_name.upper()
    band = outer - 11 * SS - inner
    bold = font_path(("NotoSans-Bold.ttf", "NotoSerif-Bold.ttf"), for_pdf=False)
    font_size = int(band * 0.46)
    font = ImageFont.truetype(bold, font_size)
    radius = inner + band * 0.48
    circumference = 2 * math.pi * radius
    span = 300.0
    while font.getlength(name) > circumference * span / 360 * 0.97 and font_size > 10 * SS:
        font_size -= SS
        font = ImageFont.truetype(bold, font_size)
    # Short names are spaced out over at least 210°, as engraved seals are.
    text_span = min(span, max(210.0, 360 * font.getlength(name) * 1.08 / circumference))
    _arc_text(canvas, name, font=font, centre=c, radius=radius, start_deg=0, span_deg=text_span, colour=ink)
    # Two small stars close the ring at the bottom, between the name's ends.
    gap = (360 - text_span) / 2
    for offset in (-gap / 3, gap / 3) if gap > 24 else ((0,) if gap > 10 else ()):
        a = math.radians(180 + offset)
        _star(draw, c + radius * math.sin(a), c - radius * math.cos(a), band * 0.18, ink)
    return _png(canvas.reduce(SS))


__all__ = ["SEAL_MM", "SIGNATURE_MM", "seal_png", "signature_png"]

"""The OCR benchmark's set of real-style mail (``bench/ocr_bench.py`` reads it): eight colour
scans made with ``qlvb.digitisation.colour_scans`` from the regulations in ../shared/seeds, each
with its ground truth and the ring text of its seal (if any).

    letter      an official letter (công văn), 200 dpi, red seal over the signer's title, name and
                the last lines of the body, blue signature, 0.8° skew, specks
    decision    a decision, 200 dpi, seal and signature, -1.3° skew, more specks
    photocopy   page 2 of a regulation as a faded photocopy (grey, low contrast, streak, toner)
    phone       the letter photographed with a phone: 150 dpi, perspective, light from one corner,
                warm paper, JPEG
    twocol      a bulletin page in two columns
    table       a list as a ruled table (four columns)
    landscape   a landscape page of wide lines with a seal and signature at the bottom
    sideways    the landscape page fed portrait through a sheet feeder (text turned 90°)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

DPI = 200


@dataclass
class MailScan:
    name: str
    truth: str
    seal_text: str
    path: Path


def seed_paragraphs(seeds: Path, stem_prefix: str) -> list[str]:
    path = next(seeds.glob(f"{stem_prefix}*.txt"))
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\*\*|__|^#+\s*|^-\s*", "", text, flags=re.M)
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    return [p for p in paragraphs if len(p) > 60]


def wrapped(paragraphs: list[str], width: int, count: int) -> list[tuple[str, str]]:
    from qlvb.digitisation.scans import wrap_lines

    lines: list[tuple[str, str]] = []
    for paragraph in paragraphs:
        lines += [(line, "l") for line in wrap_lines(paragraph, width)]
        if len(lines) >= count:
            break
    return lines[:count]


HEADER = [("UBND TỈNH SƠN LA", "l"), ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "l"),
          ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "r"), ("Độc lập - Tự do - Hạnh phúc", "r")]
SEAL_RING = "SỞ THÔNG TIN VÀ TRUYỀN THÔNG * TỈNH SƠN LA *"
SIGNER = [("KT. GIÁM ĐỐC", "r"), ("PHÓ GIÁM ĐỐC", "r"), ("", "r"), ("", "r"), ("", "r"), ("Lò Văn Thắng", "r")]


def _sealed(page: Image.Image, lines: list[tuple[str, str]], tops: list[int], signer_at: int, *, dpi: int,
            seed: int) -> Image.Image:
    """Seal and signature over the signer block that starts at line ``signer_at``."""
    from qlvb.digitisation import colour_scans as cs

    right = page.width - round(18 / 25.4 * dpi)
    step = tops[1] - tops[0]
    cx = right - round(40 / 25.4 * dpi)
    cy = tops[signer_at] + step * 3 // 2
    page = cs.sign(page, (right - round(45 / 25.4 * dpi), tops[signer_at + 2], right - round(5 / 25.4 * dpi),
                          tops[signer_at + 4] + step // 2), dpi=dpi, seed=seed)
    return cs.stamp_seal(page, (cx, cy), dpi=dpi, ring_text=SEAL_RING, seed=seed)


def letter_lines(seeds: Path, kind: str) -> tuple[list[tuple[str, str]], int]:
    if kind == "letter":
        title = [("Số: 215/STTTT-VP", "l"), ("V/v triển khai Hệ thống quản lý văn bản và điều hành", "l"),
                 ("Sơn La, ngày 14 tháng 5 năm 2026", "r"), ("Kính gửi: Các phòng, đơn vị thuộc Sở.", "c")]
        body = wrapped(seed_paragraphs(seeds, "001")[8:], 74, 22)
    else:
        title = [("Số: 128/QĐ-STTTT", "l"), ("Sơn La, ngày 02 tháng 6 năm 2026", "r"), ("QUYẾT ĐỊNH", "c"),
                 ("Về việc ban hành Quy chế làm việc của Sở", "c"), ("GIÁM ĐỐC SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "c")]
        body = wrapped(seed_paragraphs(seeds, "003")[2:], 74, 21)
    lines = HEADER + title + body
    return lines + SIGNER, len(lines)


def build(seeds: Path, folder: Path) -> list[MailScan]:
    """The eight scans, made once and kept in ``folder`` (PDFs and their ground truths)."""
    from qlvb.digitisation import colour_scans as cs

    folder.mkdir(parents=True, exist_ok=True)
    made: list[MailScan] = []

    def keep(name: str, lines: list[tuple[str, str]], seal: str, image: Image.Image, dpi: int = DPI,
             jpeg: bool = False) -> None:
        path = folder / f"mail-{name}.pdf"
        if not path.exists():
            path.write_bytes(cs.to_pdf([cs.image_bytes(image, dpi, jpeg=jpeg)]))
        made.append(MailScan(name, cs.text_of(lines), seal, path))

    for index, kind in enumerate(("letter", "decision")):
        lines, signer_at = letter_lines(seeds, kind)
        page = cs.blank_page(DPI)
        tops = cs.draw_lines(page, lines, dpi=DPI, bold=range(4))
        page = _sealed(page, lines, tops, signer_at, dpi=DPI, seed=index)
        if kind == "letter":
            keep("phone", lines, SEAL_RING, cs.phone_photo(page, dpi=DPI, to_dpi=150), dpi=150, jpeg=True)
            keep(kind, lines, SEAL_RING, cs.scanner(page, skew=0.8, noise=0.002, seed=1))
        else:
            keep(kind, lines, SEAL_RING, cs.scanner(page, skew=-1.3, noise=0.004, seed=2))

    lines = wrapped(seed_paragraphs(seeds, "000")[10:], 74, 40)
    page = cs.blank_page(DPI)
    cs.draw_lines(page, lines, dpi=DPI)
    keep("photocopy", lines, "", cs.photocopy(page, seed=3))

    made.append(_two_columns(seeds, folder))
    made.append(_table(folder))

    lines = ([("KẾ HOẠCH", "c"), ("Chuyển đổi số trong hoạt động của cơ quan năm 2026", "c")]
             + wrapped(seed_paragraphs(seeds, "004")[3:], 110, 14))
    signer_at = len(lines)
    lines += SIGNER
    page = cs.blank_page(DPI, landscape=True)
    tops = cs.draw_lines(page, lines, dpi=DPI, top_mm=14, bold=(0, 1))
    page = _sealed(page, lines, tops, signer_at, dpi=DPI, seed=7)
    keep("landscape", lines, SEAL_RING, cs.scanner(page, skew=0.6, noise=0.002, seed=7))
    # The same page through a sheet feeder, which takes it portrait: the text runs up the page.
    keep("sideways", lines, SEAL_RING, cs.scanner(page.rotate(90, expand=True), skew=0.4, noise=0.002, seed=8))
    return made


def _two_columns(seeds: Path, folder: Path) -> MailScan:
    from qlvb.digitisation import colour_scans as cs

    paragraphs = seed_paragraphs(seeds, "002")[4:]
    left = wrapped(paragraphs, 36, 36)
    right = wrapped(paragraphs[len(paragraphs) // 2:], 36, 36)
    page = cs.blank_page(DPI)
    title = [("BẢN TIN NỘI BỘ SỐ 05/2026", "c")]
    cs.draw_lines(page, title, dpi=DPI, bold=(0,))
    cs.draw_lines(page, left, dpi=DPI, top_mm=30, right_mm=110)
    cs.draw_lines(page, right, dpi=DPI, top_mm=30, left_mm=110)
    path = folder / "mail-twocol.pdf"
    if not path.exists():
        path.write_bytes(cs.to_pdf([cs.image_bytes(cs.scanner(page, skew=0.5, noise=0.002, seed=5), DPI)]))
    return MailScan("twocol", cs.text_of(title + left + right), "", path)


ROWS = [("STT", "Đơn vị", "Số văn bản đến", "Ghi chú"),
        ("1", "Văn phòng Sở", "1.248", "Đúng hạn"),
        ("2", "Phòng Bưu chính - Viễn thông", "312", "Chậm 02 văn bản"),
        ("3", "Phòng Công nghệ thông tin", "586", "Đúng hạn"),
        ("4", "Thanh tra Sở", "97", "Có văn bản mật"),
        ("5", "Trung tâm Công nghệ thông tin", "421", "Đúng hạn"),
        ("6", "Phòng Thông tin - Báo chí - Xuất bản", "265", "Chuyển xử lý"),
        ("7", "Ban Biên tập Cổng thông tin điện tử", "138", "Đúng hạn"),
        ("8", "Tổ Chuyển đổi số", "74", "Mới thành lập")]


def _table(folder: Path) -> MailScan:
    """A ruled table; the ground truth reads it row by row, cells separated by spaces."""
    from qlvb.digitisation import colour_scans as cs

    page = cs.blank_page(DPI)
    title = [("TỔNG HỢP VĂN BẢN ĐẾN QUÝ I NĂM 2026", "c")]
    cs.draw_lines(page, title, dpi=DPI, bold=(0,))
    draw = ImageDraw.Draw(page)
    font = cs._font(cs.SERIF, round(12 / 72 * DPI))
    widths_mm = (15, 75, 35, 45)
    x0, y = round(20 / 25.4 * DPI), round(35 / 25.4 * DPI)
    row_h = round(11 / 25.4 * DPI)
    edges = [x0]
    for w in widths_mm:
        edges.append(edges[-1] + round(w / 25.4 * DPI))
    for row in ROWS:
        for i, cell in enumerate(row):
            draw.text((edges[i] + 12, y + row_h // 2), cell, fill=cs.INK, font=font, anchor="lm")
        draw.line((edges[0], y, edges[-1], y), fill=cs.INK, width=3)
        y += row_h
    draw.line((edges[0], y, edges[-1], y), fill=cs.INK, width=3)
    top = round(35 / 25.4 * DPI)
    for x in edges:
        draw.line((x, top, x, y), fill=cs.INK, width=3)
    path = folder / "mail-table.pdf"
    if not path.exists():
        path.write_bytes(cs.to_pdf([cs.image_bytes(cs.scanner(page, skew=0.7, noise=0.002, seed=6), DPI)]))
    truth = "\n".join([title[0][0]] + [" ".join(row) for row in ROWS])
    return MailScan("table", truth, "", path)

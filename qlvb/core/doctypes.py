"""National code lists shared by incoming and outgoing documents (NĐ30 Phụ lục III, Đ4.2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# (abbreviation used in notations, name). "CV" and "TCg" are the product's codes for the two
# types that have no abbreviation in NĐ30 (Công văn, Thư công).
DOCUMENT_TYPES: list[tuple[str, str]] = [
    ("NQ", "Nghị quyết"), ("QĐ", "Quyết định"), ("CT", "Chỉ thị"), ("QC", "Quy chế"), ("QyĐ", "Quy định"),
    ("TC", "Thông cáo"), ("TB", "Thông báo"), ("HD", "Hướng dẫn"), ("CTr", "Chương trình"), ("KH", "Kế hoạch"),
    ("PA", "Phương án"), ("ĐA", "Đề án"), ("DA", "Dự án"), ("BC", "Báo cáo"), ("BB", "Biên bản"),
    ("TTr", "Tờ trình"), ("HĐ", "Hợp đồng"), ("CV", "Công văn"), ("CĐ", "Công điện"), ("BGN", "Bản ghi nhớ"),
    ("BTT", "Bản thỏa thuận"), ("GUQ", "Giấy ủy quyền"), ("GM", "Giấy mời"), ("GGT", "Giấy giới thiệu"),
    ("GNP", "Giấy nghỉ phép"), ("PG", "Phiếu gửi"), ("PC", "Phiếu chuyển"), ("PB", "Phiếu báo"),
    ("TCg", "Thư công"),
]
DOCUMENT_TYPE_NAMES = dict(DOCUMENT_TYPES)
NO_ABBREVIATION = {"CV", "TCg"}


class Urgency(models.TextChoices):
    NORMAL = "", _("Normal")
    KHAN = "khan", "Khẩn"
    THUONG_KHAN = "thuong_khan", "Thượng khẩn"
    HOA_TOC = "hoa_toc", "Hỏa tốc"


class Secrecy(models.TextChoices):
    NONE = "", _("Not secret")
    MAT = "mat", "Mật"
    TOI_MAT = "toi_mat", "Tối mật"
    TUYET_MAT = "tuyet_mat", "Tuyệt mật"


class Priority(models.TextChoices):
    NORMAL = "", _("Normal")
    HIGH = "high", _("High priority")

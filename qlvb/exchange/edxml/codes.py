"""THE code lists of edXML (QCVN 102:2016/BTTTT) and how they map to QLVB's codes.

Everything that maps an edXML code to a QLVB value is in the tables at the top of this file and
nowhere else: to correct a code, edit one row here (and the test that pins it, if any).

``UNCERTAIN`` marks rows whose edXML value is not confirmed by the samples in
``shared/interop/edxml`` or by DOMAIN.md (DOMAIN.md: "the code lists for Priority, SteeringType
and DocumentType.Type [are uncertain]; take them from the samples"). What the samples show:

* DocumentType: ``Type 1, TypeDetail 0, TypeName "Công văn"`` (every well-formed sample); the
  malformed ``edoc.edxml`` has ``Type 1`` with ``TypeName "Thông tư"``. So ``Type`` does not
  tell the kind of document: QLVB reads the kind from ``TypeName`` and writes ``Type``/``TypeDetail``
  from the table below (all ``1``/``0`` as in the samples; unconfirmed for anything but Công văn).
* Priority ``0`` (a normal document, every sample). 1..4 are the usual VNPT SDK meaning,
  unconfirmed.
* SteeringType ``1`` in every sample, including ``edoc.edxml`` whose subject is "Văn bản liên
  thông chỉ đạo": 1 = a directive document, 0 = not one (unconfirmed).
* BussinessDocType 0/1/2/3 and StatusCode 01..16: confirmed (DOMAIN.md and the samples).
* Secrecy: edXML carries no secrecy element; QLVB refuses to export a secret document
  (state secrets are not sent through the exchange), so secrecy never travels.
"""

from __future__ import annotations

import enum
import unicodedata

from .i18n import gettext_lazy as _

# --- Document types: QLVB code (qlvb.core.doctypes) -> (edXML Type, TypeDetail, TypeName) ------
# TypeName is the Vietnamese name; import maps TypeName -> QLVB code (accents and case folded).
DOCUMENT_TYPES: dict[str, tuple[str, str, str]] = {
    "NQ": ("1", "0", "Nghị quyết"),
    "QĐ": ("1", "0", "Quyết định"),
    "CT": ("1", "0", "Chỉ thị"),
    "QC": ("1", "0", "Quy chế"),
    "QyĐ": ("1", "0", "Quy định"),
    "TC": ("1", "0", "Thông cáo"),
    "TB": ("1", "0", "Thông báo"),
    "HD": ("1", "0", "Hướng dẫn"),
    "CTr": ("1", "0", "Chương trình"),
    "KH": ("1", "0", "Kế hoạch"),
    "PA": ("1", "0", "Phương án"),
    "ĐA": ("1", "0", "Đề án"),
    "DA": ("1", "0", "Dự án"),
    "BC": ("1", "0", "Báo cáo"),
    "BB": ("1", "0", "Biên bản"),
    "TTr": ("1", "0", "Tờ trình"),
    "HĐ": ("1", "0", "Hợp đồng"),
    "CV": ("1", "0", "Công văn"),  # confirmed by the samples
    "CĐ": ("1", "0", "Công điện"),
    "BGN": ("1", "0", "Bản ghi nhớ"),
    "BTT": ("1", "0", "Bản thỏa thuận"),
    "GUQ": ("1", "0", "Giấy ủy quyền"),
    "GM": ("1", "0", "Giấy mời"),
    "GGT": ("1", "0", "Giấy giới thiệu"),
    "GNP": ("1", "0", "Giấy nghỉ phép"),
    "PG": ("1", "0", "Phiếu gửi"),
    "PC": ("1", "0", "Phiếu chuyển"),
    "PB": ("1", "0", "Phiếu báo"),
    "TCg": ("1", "0", "Thư công"),
}
DOCUMENT_TYPES_CONFIRMED = {"CV"}

# --- Priority (OtherInfo/Priority) -> QLVB urgency (qlvb.core.doctypes.Urgency) ----------------
PRIORITIES: dict[str, str] = {
    "0": "",  # thường (normal): confirmed by the samples
    "1": "khan",  # Khẩn
    "2": "thuong_khan",  # Thượng khẩn
    "3": "hoa_toc",  # Hỏa tốc
    "4": "hoa_toc",  # Hỏa tốc hẹn giờ (QLVB has no "timed" urgency: read as Hỏa tốc)
}
PRIORITIES_CONFIRMED = {"0"}
# QLVB urgency -> the Priority written on export (the first row above for each urgency).
URGENCY_TO_PRIORITY: dict[str, str] = {"": "0", "khan": "1", "thuong_khan": "2", "hoa_toc": "3"}

# --- SteeringType (MessageHeader/SteeringType) ------------------------------------------------
STEERING_TYPES: dict[str, object] = {
    "0": _("Not a directive document"),
    "1": _("Directive document"),  # the value of every sample
}
STEERING_TYPES_CONFIRMED = {"1"}  # the value is confirmed; its meaning is not


# --- BussinessDocType (TraceHeaderList/Bussiness/BussinessDocType): confirmed -------------------
class BusinessDocType(enum.StrEnum):
    NEW = "new"
    REVOCATION = "revocation"
    UPDATE = "update"
    REPLACEMENT = "replacement"


BUSINESS_DOC_TYPES: dict[str, BusinessDocType] = {
    "0": BusinessDocType.NEW,
    "1": BusinessDocType.REVOCATION,
    "2": BusinessDocType.UPDATE,
    "3": BusinessDocType.REPLACEMENT,
}
BUSINESS_DOC_TYPE_CODES = {value: code for code, value in BUSINESS_DOC_TYPES.items()}
# The reason written when none is given (the samples' wording).
BUSINESS_DOC_REASONS: dict[BusinessDocType, str] = {
    BusinessDocType.NEW: "Văn bản điện tử mới",
    BusinessDocType.REVOCATION: "Thu hồi văn bản điện tử",
    BusinessDocType.UPDATE: "Cập nhật văn bản điện tử",
    BusinessDocType.REPLACEMENT: "Văn bản thay thế",
}


# --- StatusCode (status packages): confirmed by DOMAIN.md and the samples ----------------------
class Status(enum.StrEnum):
    ARRIVED = "01"
    REJECTED = "02"
    ACCEPTED = "03"
    ASSIGNED = "04"
    PROCESSING = "05"
    COMPLETED = "06"
    ASKS_TAKE_BACK = "13"
    AGREES_TAKE_BACK = "15"
    REFUSES_TAKE_BACK = "16"


STATUS_LABELS: dict[str, object] = {
    Status.ARRIVED: _("Arrived (received by the software, not yet handled by the clerk)"),
    Status.REJECTED: _("Rejected"),
    Status.ACCEPTED: _("Accepted and registered"),
    Status.ASSIGNED: _("Assigned for handling"),
    Status.PROCESSING: _("Being processed"),
    Status.COMPLETED: _("Completed"),
    Status.ASKS_TAKE_BACK: _("Asks to take the document back"),
    Status.AGREES_TAKE_BACK: _("Agrees to the take-back or update"),
    Status.REFUSES_TAKE_BACK: _("Refuses the take-back or update"),
}
# One source says 14 for "agrees"; the samples use 15. 14 is read as 15 (and flagged).
STATUS_ALIASES: dict[str, str] = {"14": Status.AGREES_TAKE_BACK}
# The Description the samples write for each status (used when none is given).
STATUS_DESCRIPTIONS: dict[str, str] = {
    Status.ARRIVED: "Đã đến - Phần mềm QLVB đã nhận nhưng văn thư chưa xử lý",
    Status.REJECTED: "Từ chối không tiếp nhận văn bản điện tử",
    Status.ACCEPTED: "Tiếp nhận văn bản điện tử, vào sổ văn bản đến của đơn vị",
    Status.ASSIGNED: "Phân công xử lý",
    Status.PROCESSING: "Đang xử lý văn bản đến",
    Status.COMPLETED: "Hoàn thành xử lý",
    Status.ASKS_TAKE_BACK: "Văn thư yêu cầu lấy lại văn bản điện tử kèm lý do",
    Status.AGREES_TAKE_BACK: "Văn thư đồng ý yêu cầu cập nhật, lấy lại",
    Status.REFUSES_TAKE_BACK: "Văn thư từ chối yêu cầu cập nhật, lấy lại",
}

# ---------------------------------------------------------------------------------------------
# Helpers over the tables (no codes below this line).


def fold(text: str) -> str:
    """Lower case without accents (đ -> d), spaces collapsed: for matching names."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(text.lower().split())


_TYPE_BY_NAME = {fold(name): code for code, (_t, _d, name) in DOCUMENT_TYPES.items()}


def document_type_from_name(type_name: str) -> str:
    """QLVB document type code for an edXML TypeName ("" if unknown)."""
    return _TYPE_BY_NAME.get(fold(type_name or ""), "")


def edxml_document_type(qlvb_code: str) -> tuple[str, str, str]:
    """(Type, TypeDetail, TypeName) to write for a QLVB document type."""
    return DOCUMENT_TYPES.get(qlvb_code, ("1", "0", ""))


def urgency_from_priority(priority: str) -> str:
    return PRIORITIES.get(priority, "")


def priority_from_urgency(urgency: str) -> str:
    return URGENCY_TO_PRIORITY.get(urgency or "", "0")


def status_label(code: str) -> str:
    return str(STATUS_LABELS.get(code, code))

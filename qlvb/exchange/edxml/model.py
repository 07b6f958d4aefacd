"""What an edXML package says, as plain frozen dataclasses (no Django models, no XML).

``parse`` turns bytes into a :class:`DocumentPackage` or a :class:`StatusPackage`; ``build_document``
and ``build_status`` turn them back into bytes, and ``parse(build(x)) == x``. Sequences may be given
as lists; they are stored as tuples. Dates are ``datetime.date``; times are aware datetimes in
Vietnam time (edXML writes local time ``yyyy/MM/dd HH:mm:ss`` without a zone, so a naive datetime
given here is taken as Vietnam time, and seconds are the finest unit).

The mapping of each field to its edXML element is in docs/exchange-edxml.md.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import os
from dataclasses import dataclass, field, fields
from typing import IO
from zoneinfo import ZoneInfo

from . import codes
from .codes import BusinessDocType, Status

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

__all__ = [
    "VIETNAM", "Organization", "Attachment", "Signer", "DocumentRef", "Staff", "Trace", "ReplacementInfo",
    "Receiver", "BusinessDocumentInfo", "DocumentPackage", "StatusPackage", "BusinessDocType", "Status",
    "to_vietnam_time", "document_id_for", "split_document_id",
]


def to_vietnam_time(value: dt.datetime | None) -> dt.datetime | None:
    """An aware datetime in Vietnam time, to the second."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=VIETNAM)
    return value.astimezone(VIETNAM).replace(microsecond=0)


def document_id_for(agency_code: str, promulgation_date: dt.date, number_notation: str) -> str:
    """The DocumentId of the samples: ``000.00.00.G22,2015/09/30,7816/VPCP-TTĐT``."""
    return f"{agency_code},{promulgation_date:%Y/%m/%d},{number_notation}"


def split_document_id(document_id: str) -> tuple[str, dt.date | None, str]:
    """(agency code, date or None when impossible, number/notation); ("", None, document_id)
    when it is not of that form (some SDKs write a UUID)."""
    parts = (document_id or "").split(",", 2)
    if len(parts) != 3:
        return "", None, document_id
    try:
        date = dt.datetime.strptime(parts[1], "%Y/%m/%d").date()
    except ValueError:
        date = None
    return parts[0], date, parts[2]


def _tuples(obj: object) -> None:
    """Normalise as reading would: list fields become tuples (the dataclasses are frozen) and
    text is stripped of surrounding white space, so that ``parse(build(x)) == x``."""
    for f in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        if isinstance(value, str) and not isinstance(value, enum.Enum):
            if value != value.strip():
                object.__setattr__(obj, f.name, value.strip())
        elif f.name in ("raw_extra", "warnings"):  # kept exactly
            if isinstance(value, list):
                object.__setattr__(obj, f.name, tuple(tuple(item) if isinstance(item, list) else item
                                                      for item in value))
        elif isinstance(value, list | tuple):
            object.__setattr__(obj, f.name, tuple(item.strip() if isinstance(item, str) else item for item in value))


class _Normalised:
    def __post_init__(self) -> None:
        _tuples(self)


@dataclass(frozen=True)
class Organization(_Normalised):
    """From / To: an agency on the exchange."""

    code: str  # OrganId, the agency code (mã định danh), e.g. 000.00.00.G22
    name: str = ""  # OrganName
    in_charge: str = ""  # OrganizationInCharge (the governing body; the samples repeat the name)
    address: str = ""  # OrganAdd
    email: str = ""  # Email
    phone: str = ""  # Telephone
    fax: str = ""  # Fax
    website: str = ""  # Website


@dataclass(frozen=True)
class Attachment(_Normalised):
    """A file: manifest Reference + AttachmentEncoded/Attachment with the base64 content."""

    content_id: str  # ContentId, "cid:…"
    name: str  # AttachmentName
    mime_type: str = "application/octet-stream"  # ContentType
    description: str = ""  # Description
    data: bytes = b""  # ContentTransferEncoded, decoded
    # Or, for a package read from a file (stream.split), the decoded content's temporary file.
    path: str = field(default="", compare=False)

    @property
    def size(self) -> int:
        if self.path and not self.data:
            return os.path.getsize(self.path)
        return len(self.data)

    def open(self) -> IO[bytes]:
        """The content as a binary file (close it when done)."""
        return open(self.path, "rb") if self.path and not self.data else io.BytesIO(self.data)  # noqa: SIM115

    def __post_init__(self) -> None:
        _tuples(self)
        if not self.mime_type:
            object.__setattr__(self, "mime_type", "application/octet-stream")

    def __repr__(self) -> str:  # never print megabytes
        return (f"Attachment(content_id={self.content_id!r}, name={self.name!r}, mime_type={self.mime_type!r}, "
                f"description={self.description!r}, size={self.size})")


@dataclass(frozen=True)
class Signer(_Normalised):
    """SignerInfo."""

    competence: str = ""  # Competence: thẩm quyền ký (TM., KT., TL., Q. …)
    position: str = ""  # Position: chức vụ
    full_name: str = ""  # FullName


@dataclass(frozen=True)
class DocumentRef(_Normalised):
    """ResponseFor: the earlier document a package answers (or a status package is about)."""

    organ_id: str = ""  # OrganId: the agency that issued it
    code: str = ""  # Code: number/notation, e.g. 7816/VPCP-TTĐT
    document_id: str = ""  # DocumentId
    promulgation_date: dt.date | None = None  # PromulgationDate


@dataclass(frozen=True)
class Staff(_Normalised):
    """StaffInfo: the clerk who sent the package or the status."""

    department: str = ""
    name: str = ""  # Staff
    email: str = ""
    mobile: str = ""


@dataclass(frozen=True)
class Trace:
    """TraceHeader: an agency the package went through, and when."""

    organ_id: str
    timestamp: dt.datetime | None

    def __post_init__(self) -> None:
        _tuples(self)
        object.__setattr__(self, "timestamp", to_vietnam_time(self.timestamp))


@dataclass(frozen=True)
class ReplacementInfo:
    """ReplacementInfoList/ReplacementInfo: a document this one replaces, at these recipients."""

    document_id: str
    organ_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _tuples(self)


@dataclass(frozen=True)
class Receiver(_Normalised):
    organ_id: str
    receiver_type: str = ""  # ReceiverType: 0/1 in the samples, meaning unconfirmed


@dataclass(frozen=True)
class BusinessDocumentInfo:
    """BussinessDocumentInfo (an update): what was updated, and for which recipients."""

    document_info: str = ""  # DocumentInfo: "1" = the document's information was updated
    document_receiver: str = ""  # DocumentReceiver: "1" = the list of recipients was updated
    receivers: tuple[Receiver, ...] = ()

    def __post_init__(self) -> None:
        _tuples(self)


@dataclass(frozen=True)
class DocumentPackage:
    """A document package (gói tin văn bản)."""

    document_id: str  # MessageHeader/DocumentId: "agency code,yyyy/MM/dd,number/notation"
    from_org: Organization
    to_orgs: tuple[Organization, ...] = ()
    code_number: str = ""  # Code/CodeNumber (số)
    code_notation: str = ""  # Code/CodeNotation (ký hiệu)
    promulgation_place: str = ""  # PromulgationInfo/Place
    promulgation_date: dt.date | None = None  # PromulgationInfo/PromulgationDate
    document_type: str = ""  # QLVB type code (qlvb.core.doctypes), from TypeName via codes.py
    document_type_name: str = ""  # DocumentType/TypeName as written
    edxml_type: str = ""  # DocumentType/Type (codes.DOCUMENT_TYPES when not given)
    edxml_type_detail: str = ""  # DocumentType/TypeDetail
    subject: str = ""  # Subject (trích yếu)
    content: str = ""  # Content
    signer: Signer = field(default_factory=Signer)
    due_date: dt.date | None = None  # DueDate (hạn xử lý)
    priority: str = ""  # OtherInfo/Priority, the edXML code ("0" normal)
    urgency: str = ""  # QLVB urgency (qlvb.core.doctypes.Urgency), from Priority via codes.py
    secrecy: str = ""  # QLVB secrecy: never in edXML; build refuses a secret document
    sphere_of_promulgation: str = ""  # OtherInfo/SphereOfPromulgation
    typer_notation: str = ""  # OtherInfo/TyperNotation (người đánh máy)
    promulgation_amount: int | None = None  # OtherInfo/PromulgationAmount (số bản)
    page_amount: int | None = None  # OtherInfo/PageAmount (số trang)
    direction: bool | None = None  # OtherInfo/Direction
    appendixes: tuple[str, ...] = ()  # OtherInfo/Appendixes/Appendix
    steering_type: str = "1"  # SteeringType (codes.STEERING_TYPES)
    to_places: tuple[str, ...] = ()  # ToPlaces/Place (nơi nhận as printed)
    response_for: tuple[DocumentRef, ...] = ()  # ResponseFor (a reply to these documents)
    # TraceHeaderList/Bussiness
    business_doc_type: BusinessDocType = BusinessDocType.NEW  # BussinessDocType 0/1/2/3
    business_reason: str = ""  # BussinessDocReason
    business_document_id: str = ""  # Bussiness/DocumentId: the document updated (an update)
    paper: str = "0"  # Paper: "1" when a paper original follows
    business_info: BusinessDocumentInfo | None = None  # BussinessDocumentInfo (an update)
    replacements: tuple[ReplacementInfo, ...] = ()  # ReplacementInfoList (a replacement)
    staff: Staff | None = None  # Bussiness/StaffInfo
    traces: tuple[Trace, ...] = ()  # TraceHeader (OrganId, Timestamp)
    sent_at: dt.datetime | None = None  # the first TraceHeader's Timestamp
    attachments: tuple[Attachment, ...] = ()
    # Elements kept but not mapped: (parent element's local name, the element's XML).
    raw_extra: tuple[tuple[str, str], ...] = ()
    # What does not fit (placeholders, odd codes): shown to the clerk, never a refusal.
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        """Make the package what reading its edXML gives back (``parse(build(x)) == x``):
        codes derived from the QLVB values and the other way round, by the tables of codes.py."""
        _tuples(self)
        set_ = object.__setattr__
        # Traces <-> sent_at: the first TraceHeader is the sending.
        set_(self, "sent_at", to_vietnam_time(self.sent_at))
        if self.traces:
            set_(self, "sent_at", self.traces[0].timestamp)
        elif self.sent_at is not None:
            set_(self, "traces", (Trace(self.from_org.code, self.sent_at),))
        # The empty ResponseFor some SDKs write means none.
        set_(self, "response_for", tuple(ref for ref in self.response_for if ref != DocumentRef()))
        if not isinstance(self.business_doc_type, BusinessDocType):  # "update" or the edXML code "2"
            value = self.business_doc_type
            set_(self, "business_doc_type", codes.BUSINESS_DOC_TYPES.get(value) or BusinessDocType(value))
        if not self.business_reason:
            set_(self, "business_reason", codes.BUSINESS_DOC_REASONS[self.business_doc_type])
        # Document type: TypeName decides; the QLVB type gives the name when there is none.
        if self.document_type_name:
            set_(self, "document_type", codes.document_type_from_name(self.document_type_name))
        elif self.document_type:
            set_(self, "document_type_name", codes.edxml_document_type(self.document_type)[2])
        table_type, table_detail, _name = codes.edxml_document_type(self.document_type)
        if not self.edxml_type:
            set_(self, "edxml_type", table_type)
        if not self.edxml_type_detail:
            set_(self, "edxml_type_detail", table_detail)
        # Priority decides; the QLVB urgency gives it when there is none.
        if not self.priority:
            set_(self, "priority", codes.priority_from_urgency(self.urgency))
        set_(self, "urgency", codes.urgency_from_priority(self.priority))

    @property
    def number_notation(self) -> str:
        """e.g. 7816/VPCP-TTĐT."""
        return "/".join(part for part in (self.code_number, self.code_notation) if part)

    @property
    def is_directive(self) -> bool:
        return self.steering_type == "1"

    @property
    def replaced_document_ids(self) -> tuple[str, ...]:
        """The earlier documents this package acts on: replaced (3) or updated (2) ones."""
        if self.business_doc_type == BusinessDocType.REPLACEMENT:
            return tuple(dict.fromkeys(info.document_id for info in self.replacements))
        if self.business_doc_type == BusinessDocType.UPDATE and self.business_document_id:
            return (self.business_document_id,)
        return ()


@dataclass(frozen=True)
class StatusPackage:
    """A status package (gói tin trạng thái) about a document sent earlier."""

    from_org: Organization
    response_for: DocumentRef  # the document the status is about
    status_code: str  # StatusCode, "01".."16" (codes.Status)
    timestamp: dt.datetime | None = None  # Timestamp
    description: str = ""  # Description
    staff: Staff | None = None  # StaffInfo
    to_org: Organization | None = None  # To: not in the samples; written only when given
    raw_extra: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        _tuples(self)
        object.__setattr__(self, "timestamp", to_vietnam_time(self.timestamp))
        if not self.description:
            object.__setattr__(self, "description", codes.STATUS_DESCRIPTIONS.get(self.status_code, ""))

    @property
    def document_id(self) -> str:
        return self.response_for.document_id

    @property
    def status(self) -> Status | None:
        try:
            return Status(self.status_code)
        except ValueError:
            return None

    @property
    def status_label(self) -> str:
        return codes.status_label(self.status_code)

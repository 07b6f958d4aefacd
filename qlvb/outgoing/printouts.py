"""Printouts of outgoing documents (NĐ30 Phụ lục IV): the outgoing register (sổ đăng ký văn bản
đi) and the postal register (sổ gửi văn bản đi bưu điện), as PDF (weasyprint) and Excel (openpyxl).

The forms are the state's Vietnamese forms, so their wording is Vietnamese whatever the interface
language. Periods, who may print the books, rendering and the spreadsheet layout are the register
books' own (qlvb.registers.printing), so both directions read and look alike. The outgoing register
reads its rows in two queries (documents, then their recipients), the postal register in one,
whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.db.models import Prefetch, QuerySet

from qlvb.org.models import Agency
from qlvb.outgoing.models import OutgoingDocument, Recipient
from qlvb.registers import printing
from qlvb.registers.models import Register
from qlvb.registers.printing import (
    Period,
    book_heading,
    local_date,
    register_heading,
    render_pdf,
    type_and_summary,
    write_xlsx,
)

# Numbered documents: issued, or issued and later cancelled (the number stays taken in the book).
BOOKED = [OutgoingDocument.Status.ISSUED, OutgoingDocument.Status.CANCELLED]


# --- The outgoing register -----------------------------------------------------------------

def signer_of(document: OutgoingDocument) -> str:
    """'Người ký': the signer's name, with the signing capacity (KT., TM., TL., TUQ., Q.) if any."""
    if document.signer is None:
        return ""
    name = document.signer.full_name
    capacity = (document.signing_capacity or "").strip().rstrip(".")
    return f"{name} ({capacity}.)" if capacity else name


def recipient_name(recipient: Recipient) -> str:
    if recipient.name:
        return recipient.name
    if recipient.agency is not None:
        return recipient.agency.name
    if recipient.unit is not None:
        return recipient.unit.name
    if recipient.person is not None:
        return recipient.person.full_name
    return ""


def kept_by_of(document: OutgoingDocument) -> str:
    """'Đơn vị, người nhận bản lưu': as written on the document, else NĐ30's 'Lưu: VT, <drafting unit>'."""
    if document.kept_by.strip():
        return document.kept_by.strip()
    return f"VT, {document.drafting_unit.abbreviation or document.drafting_unit.name}"


def _notes(document: OutgoingDocument) -> str:
    notes = []
    if document.urgency:
        notes.append(document.get_urgency_display())
    if document.secrecy:
        notes.append(document.get_secrecy_display())
    if document.status == OutgoingDocument.Status.CANCELLED:
        notes.append("Đã hủy")
    if document.reply_to_id and document.reply_to:
        notes.append(f"Trả lời văn bản số {document.reply_to.reference} của {document.reply_to.issuer_name}")
    return "; ".join(notes)


@dataclass
class RegisterRow:
    reference: str
    number: int | None
    issued: date | None
    type_and_summary: str
    signer: str
    recipients: str
    kept_by: str
    copies: int
    sent: date | None
    notes: str
    pk: int = 0


def register_documents(register: Register, period: Period) -> QuerySet[OutgoingDocument]:
    start, end = period.bounds
    documents = OutgoingDocument.objects.filter(register=register, number__isnull=False, status__in=BOOKED,
                                                issued_at__gte=start, issued_at__lt=end)
    if not register.is_secret:
        documents = documents.filter(secrecy="")
    recipients = Recipient.objects.select_related("agency", "unit", "person").order_by("id")
    return (documents.select_related("signer", "drafting_unit", "reply_to")
            .prefetch_related(Prefetch("recipients", queryset=recipients, to_attr="all_recipients"))
            .order_by("year", "number", "id"))


def register_rows(register: Register, period: Period) -> list[RegisterRow]:
    """Sổ đăng ký văn bản đi: one row per document numbered in the register and issued in the
    period, by number. 'Ngày chuyển' is when the document first went out (electronic recipients
    get it when it is issued); one sent on paper only leaves the date to be written by hand."""
    rows = []
    for d in register_documents(register, period):
        all_recipients: list[Recipient] = cast(Any, d).all_recipients  # Prefetch(to_attr=…) in register_documents
        sent = [r.delivered_at for r in all_recipients if r.delivered_at]
        rows.append(RegisterRow(
            reference=d.reference, number=d.number, issued=local_date(d.issued_at),
            type_and_summary=type_and_summary(d), signer=signer_of(d),
            recipients="; ".join(filter(None, (recipient_name(r) for r in all_recipients))),
            kept_by=kept_by_of(d), copies=d.copies, sent=local_date(min(sent)) if sent else None,
            notes=_notes(d), pk=d.pk))
    return rows


# --- The postal register -------------------------------------------------------------------

@dataclass
class PostalRow:
    sent: date | None
    reference: str
    issued: date | None
    name: str
    address: str
    envelopes: int
    notes: str
    register: str = ""
    document_pk: int = 0
    pk: int = 0


def postal_recipients(agency: Agency, period: Period, register: Register | None = None) -> QuerySet[Recipient]:
    """Paper recipients of the documents issued in the period: of one register (its secrecy rule),
    else of all the agency's outgoing registers, secret documents left out."""
    start, end = period.bounds
    recipients = Recipient.objects.filter(
        kind=Recipient.Kind.PAPER, document__agency=agency, document__register__isnull=False,
        document__number__isnull=False, document__status=OutgoingDocument.Status.ISSUED,
        document__issued_at__gte=start, document__issued_at__lt=end)
    if register is not None:
        recipients = recipients.filter(document__register=register)
        if not register.is_secret:
            recipients = recipients.filter(document__secrecy="")
    else:
        recipients = recipients.filter(document__secrecy="", document__register__direction=Register.Direction.OUTGOING)
    return (recipients.select_related("document", "document__register")
            .order_by("document__issued_at", "document__register__order", "document__number", "document_id", "id"))


def postal_rows(agency: Agency, period: Period, register: Register | None = None) -> list[PostalRow]:
    """Sổ gửi văn bản đi bưu điện: one row per paper recipient, one envelope each. 'Ngày chuyển' is
    when the envelope was handed to the post, if recorded; otherwise it is written by hand."""
    rows = []
    for r in postal_recipients(agency, period, register):
        d = r.document
        assert d.register is not None  # postal_recipients: documents with a register
        notes = [d.get_urgency_display()] if d.urgency else []
        if d.secrecy:
            notes.append(d.get_secrecy_display())
        rows.append(PostalRow(
            sent=local_date(r.delivered_at), reference=d.reference, issued=local_date(d.issued_at), name=r.name,
            address=r.address, envelopes=1, notes="; ".join(notes), register=d.register.name, document_pk=d.pk,
            pk=r.pk))
    return rows


# --- Rendering -----------------------------------------------------------------------------

def register_pdf(register: Register, period: Period, rows: list[RegisterRow], printed_by: str = "") -> bytes:
    return printing.register_pdf("outgoing/print/register.html", register, period, rows, (r.number for r in rows),
                                 printed_by)


def postal_pdf(agency: Agency, period: Period, rows: list[PostalRow], register: Register | None = None,
               printed_by: str = "") -> bytes:
    return render_pdf("outgoing/print/postal.html", {
        "agency": agency, "period": period, "rows": rows, "register": register, "printed_by": printed_by,
        "envelopes": sum(r.envelopes for r in rows), "documents": len({r.document_pk for r in rows}),
    })


REGISTER_COLUMNS = [
    ("Số, ký hiệu văn bản", 18), ("Ngày tháng văn bản", 12), ("Tên loại và trích yếu nội dung", 60),
    ("Người ký", 22), ("Nơi nhận văn bản", 40), ("Đơn vị, người nhận bản lưu", 20), ("Số lượng bản", 8),
    ("Ngày chuyển", 12), ("Ký nhận", 12), ("Ghi chú", 20),
]
# The book's 'Nơi nhận văn bản' is split into name and address, so the sheet can print envelopes.
POSTAL_COLUMNS = [
    ("Ngày chuyển", 12), ("Số, ký hiệu văn bản", 18), ("Nơi nhận văn bản", 40), ("Địa chỉ", 40),
    ("Số lượng bì", 8), ("Ghi chú", 24),
]


def register_xlsx(register: Register, period: Period, rows: list[RegisterRow]) -> bytes:
    data = ([r.reference, r.issued, r.type_and_summary, r.signer, r.recipients, r.kept_by, r.copies, r.sent, "",
             r.notes] for r in rows)
    return write_xlsx("Sổ đăng ký văn bản đi", register_heading(register, period), REGISTER_COLUMNS, data,
                      date_columns=(2, 8))


def postal_xlsx(agency: Agency, period: Period, rows: list[PostalRow], register: Register | None = None) -> bytes:
    data = ([r.sent, r.reference, r.name, r.address, r.envelopes, r.notes] for r in rows)
    heading = book_heading(agency, "Sổ gửi văn bản đi bưu điện", period, register)
    return write_xlsx("Sổ gửi văn bản đi bưu điện", heading, POSTAL_COLUMNS, data, date_columns=(1,))

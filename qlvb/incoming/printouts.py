"""Printouts of incoming documents (NĐ30 Phụ lục IV): the routing slip (phiếu giải quyết văn bản
đến), the incoming register (sổ đăng ký văn bản đến) and the follow-up register (sổ theo dõi giải
quyết văn bản đến), as PDF (weasyprint) and Excel (openpyxl).

The forms are the state's Vietnamese forms, so their wording is Vietnamese whatever the interface
language. Periods, who may print the books, rendering and the spreadsheet layout are the register
books' own (qlvb.registers.printing). Every book reads its rows in two queries (documents, then their
routings), whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from qlvb.core.doctypes import DOCUMENT_TYPE_NAMES
from qlvb.incoming import selectors
from qlvb.incoming.models import Assignment, HandlingNote, IncomingDocument
from qlvb.org.models import Agency
from qlvb.registers import printing
from qlvb.registers.models import Register
from qlvb.registers.printing import (
    Period,
    book_heading,
    local_date,
    long_date,
    register_heading,
    render_pdf,
    type_and_summary,
    write_xlsx,
)

ROLE_WORDS: dict[str, str] = {Assignment.Role.MAIN: "Chủ trì", Assignment.Role.COORDINATE: "Phối hợp",
                               Assignment.Role.INFO: "Để biết"}
ROLE_SUFFIX: dict[str, str] = {Assignment.Role.MAIN: "", Assignment.Role.COORDINATE: " (phối hợp)",
                                Assignment.Role.INFO: " (để biết)"}
NOTE_WORDS: dict[str, str] = {
    HandlingNote.Kind.PROGRESS: "Tiến độ", HandlingNote.Kind.PROPOSAL: "Đề xuất",
    HandlingNote.Kind.CONTRIBUTION: "Ý kiến phối hợp", HandlingNote.Kind.COMPLETION: "Kết thúc xử lý",
    HandlingNote.Kind.REOPENING: "Mở lại"}
STATUS_WORDS: dict[str, str] = {
    IncomingDocument.Status.DRAFT: "Chưa đăng ký",
    IncomingDocument.Status.REGISTERED: "Chờ lãnh đạo cho ý kiến",
    IncomingDocument.Status.ROUTED: "Đã chuyển, chưa xử lý",
    IncomingDocument.Status.IN_PROGRESS: "Đang giải quyết",
    IncomingDocument.Status.COMPLETED: "Đã giải quyết",
}


# --- Rows ----------------------------------------------------------------------------------

def _name(assignment: Assignment) -> str:
    if assignment.assignee_unit is not None:
        return assignment.assignee_unit.name
    assert assignment.assignee_person is not None  # a routing goes to a unit or to a person
    return assignment.assignee_person.full_name


def _booked(queryset: QuerySet[IncomingDocument]) -> QuerySet[IncomingDocument]:
    """Documents with their live routings prefetched in one more query (withdrawn ones left out)."""
    live = (Assignment.objects.exclude(state=Assignment.State.WITHDRAWN)
            .select_related("assignee_person", "assignee_unit").order_by("created_at", "id"))
    return queryset.select_related("register", "presented_to").prefetch_related(
        Prefetch("assignments", queryset=live, to_attr="live_assignments"))


def _live(document: IncomingDocument) -> list[Assignment]:
    """Its routings as _booked() prefetched them (to_attr: an attribute the model does not declare)."""
    booked: Any = document
    return booked.live_assignments


@dataclass
class RegisterRow:
    received: date
    arrival_number: int | None
    issuer: str
    reference: str
    document_date: date | None
    type_and_summary: str
    recipients: str
    passed_on: date | None
    notes: str
    pk: int = 0


def register_documents(register: Register, period: Period) -> QuerySet[IncomingDocument]:
    start, end = period.bounds
    documents = (IncomingDocument.objects.filter(register=register, received_at__gte=start, received_at__lt=end)
                 .exclude(status=IncomingDocument.Status.DRAFT))
    if not register.is_secret:
        documents = documents.filter(secrecy="")
    return _booked(documents).order_by("arrival_year", "arrival_number", "id")


def register_rows(register: Register, period: Period) -> list[RegisterRow]:
    """Sổ đăng ký văn bản đến: one row per registered document of the period, by arrival number.

    'Đơn vị hoặc người nhận' and 'Ngày chuyển' are the leader's routing (main handler first); a
    document not routed yet was passed to the leader it was presented to."""
    rows = []
    for d in register_documents(register, period):
        top = sorted((a for a in _live(d) if a.parent_id is None),
                     key=lambda a: (list(ROLE_WORDS).index(a.role), a.created_at, a.pk))
        if top:
            recipients = "; ".join(_name(a) + ROLE_SUFFIX.get(a.role, "") for a in top)
            passed_on: date | None = local_date(min(a.created_at for a in top))
        else:
            recipients = d.presented_to.full_name if d.presented_to else ""
            passed_on = local_date(d.presented_at)
        notes = [d.notes] if d.notes else []
        if d.secrecy:
            notes.insert(0, d.get_secrecy_display())
        if d.urgency:
            notes.insert(0, d.get_urgency_display())
        rows.append(RegisterRow(
            received=local_date(d.received_at), arrival_number=d.arrival_number, issuer=d.issuer_name,
            reference=d.reference, document_date=d.document_date, type_and_summary=type_and_summary(d),
            recipients=recipients, passed_on=passed_on, notes="; ".join(notes), pk=d.pk))
    return rows


@dataclass
class FollowUpRow:
    arrival_number: int | None
    document: str
    handler: str
    deadline: date | None
    progress: str
    late: bool
    reply: str
    notes: str
    register: str = ""
    pk: int = 0


def followup_documents(agency: Agency, period: Period, register: Register | None = None
                       ) -> QuerySet[IncomingDocument]:
    start, end = period.bounds
    documents = (IncomingDocument.objects.filter(agency=agency, secrecy="", received_at__gte=start,
                                                 received_at__lt=end, register__isnull=False)
                 .exclude(status=IncomingDocument.Status.DRAFT))
    if register is not None:
        documents = documents.filter(register=register)
    return _booked(documents).order_by("register__order", "register__name", "arrival_year", "arrival_number", "id")


def _main_chain(assignments: Sequence[Assignment]) -> list[Assignment]:
    """The leader's main handler, then whoever each holder passed the main role to, downwards."""
    children: dict[int | None, list[Assignment]] = defaultdict(list)
    for a in assignments:
        children[a.parent_id].append(a)
    chain: list[Assignment] = []
    parent_id: int | None = None
    while True:
        mains = [a for a in children.get(parent_id, []) if a.role == Assignment.Role.MAIN]
        if not mains or len(chain) > 20:
            return chain
        chain.append(mains[-1])
        parent_id = mains[-1].pk


def progress_of(document: IncomingDocument, today: date) -> tuple[str, bool]:
    """'Tiến độ giải quyết': the state, the completion date, and whether it is (or was) late."""
    deadline = document.deadline
    if document.status == IncomingDocument.Status.COMPLETED and document.completed_at:
        done = local_date(document.completed_at)
        late = bool(deadline and done > deadline)
        text = f"Đã giải quyết ngày {done:%d/%m/%Y}"
        if deadline:
            text += f" – quá hạn {(done - deadline).days} ngày" if late else " – đúng hạn"
        return text, late
    text = STATUS_WORDS.get(document.status, document.status)
    late = bool(deadline and today > deadline)
    if late and deadline:
        text += f" – quá hạn {(today - deadline).days} ngày"
    return text, late


def followup_rows(agency: Agency, period: Period, register: Register | None = None,
                  today: date | None = None) -> list[FollowUpRow]:
    """Sổ theo dõi giải quyết văn bản đến: non-secret documents of the agency arrived in the period."""
    today = today or timezone.localdate()
    rows = []
    for d in followup_documents(agency, period, register):
        type_name = DOCUMENT_TYPE_NAMES.get(d.doc_type, d.doc_type)
        described = f"{type_name} số {d.reference} ngày {d.document_date:%d/%m/%Y} của {d.issuer_name}"
        chain = _main_chain(_live(d))
        progress, late = progress_of(d, today)
        rows.append(FollowUpRow(
            arrival_number=d.arrival_number, document=described, handler=" → ".join(_name(a) for a in chain),
            deadline=d.deadline, progress=progress, late=late, reply="", notes=d.notes,
            register=d.register.name if d.register else "", pk=d.pk))
    return rows


# --- The routing slip ----------------------------------------------------------------------

@dataclass
class Target:
    role: str
    role_word: str
    name: str
    deadline: date | None
    withdrawn: bool = False


@dataclass
class Direction:
    """One routing: who directed, for which unit (below the leader), to whom, with what words."""

    by: str
    acting: str
    at: datetime
    directive: str
    holder: str = ""
    targets: list[Target] = field(default_factory=list)

    @property
    def long_date(self) -> str:
        return long_date(self.at)


@dataclass
class NoteLine:
    at: datetime
    author: str
    acting: str
    kind: str
    text: str
    holder: str


@dataclass
class Slip:
    document: IncomingDocument
    agency: Agency
    leader: list[Direction]
    units: list[Direction]
    notes: list[NoteLine]


def _group(nodes: Iterable[selectors.Node], holder: str) -> list[Direction]:
    """The assignments one routing made (same parent, same author, same directive) as one direction."""
    directions: list[Direction] = []
    for node in nodes:
        a = node.assignment
        director = a.on_behalf_of or a.assigned_by
        acting = a.assigned_by.full_name if a.on_behalf_of_id else ""
        last = directions[-1] if directions else None
        if not (last and last.by == director.full_name and last.acting == acting and last.directive == a.directive
                and abs((a.created_at - last.at).total_seconds()) < 120):
            last = Direction(by=director.full_name, acting=acting, at=a.created_at, directive=a.directive,
                             holder=holder)
            directions.append(last)
        last.targets.append(Target(role=a.role, role_word=ROLE_WORDS.get(a.role, a.role), name=_name(a),
                                   deadline=a.deadline, withdrawn=a.state == Assignment.State.WITHDRAWN))
    return directions


def routing_slip(document: IncomingDocument) -> Slip:
    """Phiếu giải quyết văn bản đến from the routing tree and the handlers' notes."""
    roots = selectors.routing_tree(document)
    leader = _group(roots, "")
    units: list[Direction] = []
    notes: list[NoteLine] = []
    frontier = list(roots)
    while frontier:
        deeper = []
        for node in frontier:
            holder = _name(node.assignment)
            if node.children:
                units += _group(node.children, holder)
            for n in node.notes:
                notes.append(NoteLine(at=n.at, author=(n.on_behalf_of or n.author).full_name,
                                      acting=n.author.full_name if n.on_behalf_of_id else "",
                                      kind=NOTE_WORDS.get(n.kind, n.kind), text=n.text, holder=holder))
            deeper += node.children
        frontier = deeper
    for n in selectors.general_notes(document):
        notes.append(NoteLine(at=n.at, author=(n.on_behalf_of or n.author).full_name,
                              acting=n.author.full_name if n.on_behalf_of_id else "",
                              kind=NOTE_WORDS.get(n.kind, n.kind), text=n.text, holder=""))
    units.sort(key=lambda d: d.at)
    notes.sort(key=lambda n: n.at)
    agency = Agency.objects.select_related("parent").get(pk=document.agency_id)
    return Slip(document=document, agency=agency, leader=leader, units=units, notes=notes)


# --- Rendering -----------------------------------------------------------------------------

def slip_pdf(slip: Slip, printed_by: str = "") -> bytes:
    d = slip.document
    return render_pdf("incoming/print/slip.html", {
        "slip": slip, "d": d, "agency": slip.agency, "printed_by": printed_by,
        "type_summary": type_and_summary(d),
        "received": timezone.localtime(d.received_at),
    })


def register_pdf(register: Register, period: Period, rows: list[RegisterRow], printed_by: str = "") -> bytes:
    return printing.register_pdf("incoming/print/register.html", register, period, rows,
                                 (r.arrival_number for r in rows), printed_by)


def followup_pdf(agency: Agency, period: Period, rows: list[FollowUpRow], register: Register | None = None,
                 printed_by: str = "") -> bytes:
    return render_pdf("incoming/print/followup.html", {
        "agency": agency, "period": period, "rows": rows, "register": register, "printed_by": printed_by,
    })


REGISTER_COLUMNS = [
    ("Ngày đến", 12), ("Số đến", 8), ("Tác giả", 28), ("Số, ký hiệu", 16), ("Ngày tháng", 12),
    ("Tên loại và trích yếu nội dung", 60), ("Đơn vị hoặc người nhận", 30), ("Ngày chuyển", 12),
    ("Ký nhận", 12), ("Ghi chú", 20),
]
FOLLOWUP_COLUMNS = [
    ("Số đến", 8), ("Tên loại, số, ký hiệu, ngày tháng và tác giả văn bản", 60),
    ("Đơn vị hoặc người nhận", 36), ("Thời hạn giải quyết", 14), ("Tiến độ giải quyết", 34),
    ("Số, ký hiệu văn bản trả lời", 18), ("Ghi chú", 20),
]


def register_xlsx(register: Register, period: Period, rows: list[RegisterRow]) -> bytes:
    data = ([r.received, r.arrival_number, r.issuer, r.reference, r.document_date, r.type_and_summary,
             r.recipients, r.passed_on, "", r.notes] for r in rows)
    return write_xlsx("Sổ đăng ký văn bản đến", register_heading(register, period), REGISTER_COLUMNS, data,
                      date_columns=(1, 5, 8))


def followup_xlsx(agency: Agency, period: Period, rows: list[FollowUpRow], register: Register | None = None
                  ) -> bytes:
    data = ([r.arrival_number, r.document, r.handler, r.deadline, r.progress, r.reply, r.notes] for r in rows)
    heading = book_heading(agency, "Sổ theo dõi giải quyết văn bản đến", period, register)
    late = [i for i, r in enumerate(rows) if r.late]
    return write_xlsx("Theo dõi giải quyết", heading, FOLLOWUP_COLUMNS, data, date_columns=(4,), late_rows=late)

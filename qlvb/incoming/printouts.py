"""Printouts of incoming documents (NĐ30 Phụ lục IV): the routing slip (phiếu giải quyết văn bản
đến), the incoming register (sổ đăng ký văn bản đến) and the follow-up register (sổ theo dõi giải
quyết văn bản đến), as PDF (weasyprint) and Excel (openpyxl).

The forms are the state's Vietnamese forms, so their wording is Vietnamese whatever the interface
language. Every book reads its rows in two queries (documents, then their routings), whatever the
number of rows.
"""

from __future__ import annotations

import calendar
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone

from qlvb.core.doctypes import DOCUMENT_TYPE_NAMES
from qlvb.incoming import rules, selectors
from qlvb.incoming.models import Assignment, HandlingNote, IncomingDocument
from qlvb.org.models import Agency, Person
from qlvb.org.roles import roles_of
from qlvb.registers.models import Register

ROLE_WORDS = {Assignment.Role.MAIN: "Chủ trì", Assignment.Role.COORDINATE: "Phối hợp",
              Assignment.Role.INFO: "Để biết"}
ROLE_SUFFIX = {Assignment.Role.MAIN: "", Assignment.Role.COORDINATE: " (phối hợp)",
               Assignment.Role.INFO: " (để biết)"}
NOTE_WORDS = {HandlingNote.Kind.PROGRESS: "Tiến độ", HandlingNote.Kind.PROPOSAL: "Đề xuất",
              HandlingNote.Kind.CONTRIBUTION: "Ý kiến phối hợp", HandlingNote.Kind.COMPLETION: "Kết thúc xử lý",
              HandlingNote.Kind.REOPENING: "Mở lại"}
STATUS_WORDS = {
    IncomingDocument.Status.DRAFT: "Chưa đăng ký",
    IncomingDocument.Status.REGISTERED: "Chờ lãnh đạo cho ý kiến",
    IncomingDocument.Status.ROUTED: "Đã chuyển, chưa xử lý",
    IncomingDocument.Status.IN_PROGRESS: "Đang giải quyết",
    IncomingDocument.Status.COMPLETED: "Đã giải quyết",
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Periods -------------------------------------------------------------------------------

class BadPeriod(ValueError):
    """A date of the query string that cannot be read, or a period that ends before it starts."""


def parse_date(value: str) -> date:
    """A date as people type it here (dd/mm/yyyy), or as a date input sends it (yyyy-mm-dd)."""
    value = (value or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            parsed = datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date, not an instant
        except ValueError:
            continue
        if 1900 <= parsed.year <= 2999:  # and the day after the end still exists
            return parsed
    raise BadPeriod(value)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def this_month(cls, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        last = calendar.monthrange(today.year, today.month)[1]
        return cls(today.replace(day=1), today.replace(day=last))

    @classmethod
    def from_query(cls, params: Any, today: date | None = None) -> Period:
        """Read ?from=dd/mm/yyyy&to=dd/mm/yyyy; a missing end defaults to this month's."""
        default = cls.this_month(today)
        raw_from, raw_to = (params.get("from") or "").strip(), (params.get("to") or "").strip()
        start = parse_date(raw_from) if raw_from else default.start
        end = parse_date(raw_to) if raw_to else default.end
        if start > end:
            raise BadPeriod(f"{raw_from} > {raw_to}")
        return cls(start, end)

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start 00:00, day after end 00:00) in local time: an index-friendly range."""
        tz = timezone.get_current_timezone()
        return (timezone.make_aware(datetime.combine(self.start, time.min), tz),
                timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), tz))

    @property
    def label(self) -> str:
        return f"Từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"

    @property
    def years(self) -> str:
        return str(self.start.year) if self.start.year == self.end.year else f"{self.start.year}–{self.end.year}"

    @property
    def slug(self) -> str:
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    def query(self) -> dict[str, str]:
        return {"from": f"{self.start:%d/%m/%Y}", "to": f"{self.end:%d/%m/%Y}"}


def long_date(value: date | datetime | None) -> str:
    """'ngày 05 tháng 02 năm 2026': NĐ30 writes a 0 before days below 10 and months 1 and 2."""
    if value is None:
        return "ngày … tháng … năm …"
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def local_date(value: datetime | None) -> date | None:
    return timezone.localtime(value).date() if value else None


# --- Who may print what --------------------------------------------------------------------

def book_agency_ids(person: Person | None) -> frozenset[int]:
    """Agencies whose books the person may print: where they keep the registers or lead (R29)."""
    roles = roles_of(person)
    return roles.clerk_agency_ids | roles.leader_agency_ids


def may_print_books(person: Person | None, agency_id: int) -> bool:
    return rules.is_clerk(person, agency_id) or rules.is_leader(person, agency_id)


def printable_registers(person: Person | None) -> QuerySet[Register]:
    """The incoming registers the person may print: the secret one only for its clerks."""
    roles = roles_of(person)
    return (Register.objects.filter(agency_id__in=book_agency_ids(person), direction=Register.Direction.INCOMING)
            .filter(~Q(category=Register.Category.SECRET) | Q(agency_id__in=roles.clerk_agency_ids))
            .select_related("agency", "agency__parent").order_by("agency__name", "order", "name"))


def get_register(person: Person | None, register_id: Any) -> Register:
    """A register the person may print, or 404 (unknown, another agency's, outgoing, or secret for a leader)."""
    try:
        pk = int(str(register_id))
    except (TypeError, ValueError):
        raise Http404()
    register = printable_registers(person).filter(pk=pk).first()
    if register is None:
        raise Http404()
    return register


def book_agency(person: Person | None, agency_id: Any = None) -> Agency:
    """The agency whose follow-up register is printed: the one asked for, else the person's own."""
    allowed = book_agency_ids(person)
    if agency_id not in (None, ""):
        try:
            wanted = int(str(agency_id))
        except (TypeError, ValueError):
            raise Http404()
    elif getattr(person, "agency_id", None) in allowed:
        wanted = person.agency_id
    else:
        wanted = min(allowed, default=None)
    if wanted is None or wanted not in allowed:
        raise Http404()
    return Agency.objects.select_related("parent").get(pk=wanted)


# --- Rows ----------------------------------------------------------------------------------

def _name(assignment: Assignment) -> str:
    if assignment.assignee_unit_id:
        return assignment.assignee_unit.name
    return assignment.assignee_person.full_name


def type_and_summary(document: IncomingDocument) -> str:
    """'Tên loại và trích yếu nội dung', without repeating the type when the summary starts with it."""
    type_name = DOCUMENT_TYPE_NAMES.get(document.doc_type, document.doc_type)
    summary = document.summary.strip()
    if not type_name or summary.casefold().startswith(type_name.casefold()):
        return summary
    return f"{type_name}: {summary}"


def _booked(queryset: QuerySet[IncomingDocument]) -> QuerySet[IncomingDocument]:
    """Documents with their live routings prefetched in one more query (withdrawn ones left out)."""
    live = (Assignment.objects.exclude(state=Assignment.State.WITHDRAWN)
            .select_related("assignee_person", "assignee_unit").order_by("created_at", "id"))
    return queryset.select_related("register", "presented_to").prefetch_related(
        Prefetch("assignments", queryset=live, to_attr="live_assignments"))


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
        top = sorted((a for a in d.live_assignments if a.parent_id is None),
                     key=lambda a: (list(ROLE_WORDS).index(a.role), a.created_at, a.pk))
        if top:
            recipients = "; ".join(_name(a) + ROLE_SUFFIX.get(a.role, "") for a in top)
            passed_on = local_date(min(a.created_at for a in top))
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
    if late:
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
        chain = _main_chain(d.live_assignments)
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

def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    context = {"printed_at": timezone.localtime(), **context}
    html = render_to_string(template, context)
    return HTML(string=html).write_pdf()


def slip_pdf(slip: Slip, printed_by: str = "") -> bytes:
    d = slip.document
    return render_pdf("incoming/print/slip.html", {
        "slip": slip, "d": d, "agency": slip.agency, "printed_by": printed_by,
        "type_summary": type_and_summary(d),
        "received": timezone.localtime(d.received_at),
    })


def register_pdf(register: Register, period: Period, rows: list[RegisterRow], printed_by: str = "") -> bytes:
    numbers = [r.arrival_number for r in rows if r.arrival_number is not None]
    return render_pdf("incoming/print/register.html", {
        "register": register, "agency": register.agency, "period": period, "rows": rows, "printed_by": printed_by,
        "first_number": min(numbers, default=None), "last_number": max(numbers, default=None),
    })


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


def _xlsx(title: str, heading: str, columns: Sequence[tuple[str, int]], rows: Iterable[Sequence[Any]],
          date_columns: Iterable[int], late_rows: Iterable[int] = ()) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.append([name for name, _ in columns])
    for index, (_, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="E8E8E8")
        cell.border = border
        sheet.column_dimensions[get_column_letter(index)].width = width
    dates = set(date_columns)
    late = set(late_rows)
    for row_index, row in enumerate(rows, start=2):
        sheet.append(list(row))
        for index in range(1, len(columns) + 1):
            cell = sheet.cell(row=row_index, column=index)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = border
            if index in dates:
                cell.number_format = "dd/mm/yyyy"
            if row_index - 2 in late:
                cell.font = Font(color="B00000")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(sheet.max_row, 1)}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddHeader.center.text = heading.replace("&", "&&")
    sheet.oddFooter.center.text = "Trang &P / &N"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def register_xlsx(register: Register, period: Period, rows: list[RegisterRow]) -> bytes:
    data = ([r.received, r.arrival_number, r.issuer, r.reference, r.document_date, r.type_and_summary,
             r.recipients, r.passed_on, "", r.notes] for r in rows)
    heading = f"{register.agency.name} – {register.name} – {period.label}"
    return _xlsx("Sổ đăng ký văn bản đến", heading, REGISTER_COLUMNS, data, date_columns=(1, 5, 8))


def followup_xlsx(agency: Agency, period: Period, rows: list[FollowUpRow], register: Register | None = None
                  ) -> bytes:
    data = ([r.arrival_number, r.document, r.handler, r.deadline, r.progress, r.reply, r.notes] for r in rows)
    heading = f"{agency.name} – Sổ theo dõi giải quyết văn bản đến – {period.label}"
    if register is not None:
        heading += f" – {register.name}"
    late = [i for i, r in enumerate(rows) if r.late]
    return _xlsx("Theo dõi giải quyết", heading, FOLLOWUP_COLUMNS, data, date_columns=(4,), late_rows=late)

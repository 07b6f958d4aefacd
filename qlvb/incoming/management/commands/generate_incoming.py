"""Generate incoming documents in bulk for one agency: registered, presented, routed, passed down,
handled and completed, with the rows and the event log the services would have written.

    manage.py generate_incoming [--agency-code CODE | --pick largest|smallest] --documents 1000000 [--seed 1]

By default the agency is the largest of the generated province (the most people, as
bench/measure.py picks it). The documents arrive over about three years of working days, oldest
first; each gets an arrival number in its register (ordinary or secret) that runs on without a gap
within the register and the year, a main routing to a unit (about half with a coordinating unit,
a third with a person for information), and most are passed down by a head of that unit to one of
its specialists. Recent documents are more often still open: about 85 % are completed, 10 %
routed or in progress and 5 % registered and waiting for routing. Deadlines are given as leaders
give them, so some open tasks are overdue. DocumentAccess rows, handling notes, one IncomingFile per
document (all pointing at one small stored PDF) and the RegisterCounter rows match what the
services would have left.

The event log gets incoming.registered, incoming.routed (the leader's and the unit head's),
incoming.progress, incoming.contributed, incoming.read and incoming.completed rows, appended to the
agency's hash chain exactly as core.events.record() chains them (seq, prev_hash and hash from
compute_hash, ChainHead moved on), so `manage.py verify_events` passes afterwards. Their seq follows
the agency's existing events although they describe the past three years: the chain orders rows by
when they were written, not by their `at`.

Rows are written in bulk, as tuples (executemany on SQLite, COPY on PostgreSQL: bulk_create spends
most of its time compiling SQL, too slow for the ~14 million rows of a million documents), with
primary keys taken beforehand so rows can point at each other, one transaction per chunk of
documents: an interrupted run leaves whole chunks, and running the command again continues from
the documents already there.
When the agency already has the number of documents asked for, nothing is done. On PostgreSQL the
command ends with VACUUM (ANALYZE) of the tables it wrote. Working days are Monday to Friday (the
holiday calendar is ignored).
"""

from __future__ import annotations

import gc
import io
import json
import math
import random
import time
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from itertools import accumulate
from typing import Any, cast

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, Model
from django.utils import timezone

from qlvb.core.events import chain_for, compute_hash
from qlvb.core.models import ChainHead, Event
from qlvb.files.services import store_bytes
from qlvb.incoming.models import Assignment, DocumentAccess, HandlingNote, IncomingDocument, IncomingFile
from qlvb.incoming.tally import recount
from qlvb.org.management.commands.generate_province import FAMILY, GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M, weighted
from qlvb.org.models import Agency, Field, Person, Position, Post, Unit
from qlvb.org.roles import HEAD_KINDS
from qlvb.registers.models import Register, RegisterCounter
from qlvb.registers.services import ensure_default_registers

# bench/measure.py registers into it and its siblings ("Sổ benchmark 1"…) and deletes what it made: never counted.
BENCH_REGISTER = "Sổ benchmark"
CHUNK = 20_000
YEARS = 3
TARGET_REGISTERED, TARGET_OPEN = 0.05, 0.10  # waiting for routing; routed or in progress (the rest: completed)
TAU_REGISTERED, TAU_OPEN = 120.0, 240.0  # days: how fast the chance of still being open falls with age
PROVINCE_SUFFIX = ".H98"

DOC_TYPES = [("CV", 38), ("GM", 11), ("QĐ", 9), ("KH", 8), ("TB", 8), ("BC", 8), ("HD", 5), ("TTr", 3), ("CT", 2),
             ("CĐ", 1), ("NQ", 1), ("QyĐ", 1), ("ĐA", 1), ("CTr", 1), ("PC", 1), ("TCg", 1), ("BB", 1)]
CENTRAL = [("Văn phòng Chính phủ", "VPCP"), ("Bộ Y tế", "BYT"), ("Bộ Tài chính", "BTC"), ("Bộ Nội vụ", "BNV"),
           ("Bộ Nông nghiệp và Môi trường", "BNNMT"), ("Bộ Giáo dục và Đào tạo", "BGDĐT"), ("Bộ Xây dựng", "BXD"),
           ("Bộ Công an", "BCA"), ("Bảo hiểm xã hội Việt Nam", "BHXH"), ("Thanh tra Chính phủ", "TTCP"),
           ("Bộ Khoa học và Công nghệ", "BKHCN"), ("Bộ Văn hóa, Thể thao và Du lịch", "BVHTTDL")]
CENTRAL_SIGNERS = ["Thứ trưởng", "Thứ trưởng", "Bộ trưởng", "Phó Chủ nhiệm", "Phó Tổng Giám đốc"]
UBND_SUFFIXES = ["KT", "VX", "NC", "TH", "VP", "KGVX", "TCD"]
TOPICS = [
    "công tác phòng, chống dịch bệnh mùa mưa bão", "Đề án 06 về phát triển ứng dụng dữ liệu dân cư",
    "công tác cải cách hành chính năm {year}", "chuyển đổi số trong cơ quan nhà nước", "kế hoạch đầu tư công trung hạn",
    "công tác thi đua, khen thưởng năm {year}", "quản lý giá thuốc tại các cơ sở khám bệnh, chữa bệnh",
    "bảo đảm an toàn thực phẩm dịp Tết Nguyên đán", "bảo hiểm y tế học sinh, sinh viên năm học {year}",
    "tinh giản biên chế và cơ cấu lại đội ngũ công chức", "phòng cháy, chữa cháy tại trụ sở cơ quan",
    "thực hành tiết kiệm, chống lãng phí", "tiếp công dân định kỳ", "giải quyết khiếu nại, tố cáo tồn đọng",
    "xây dựng nông thôn mới giai đoạn 2021–2025", "giảm nghèo bền vững trên địa bàn tỉnh", "công tác dân tộc, tôn giáo",
    "thực hiện quy chế dân chủ ở cơ sở", "kê khai tài sản, thu nhập năm {year}",
    "dự toán ngân sách nhà nước năm {year}",
    "quyết toán vốn đầu tư dự án hoàn thành", "bảo đảm an toàn thông tin mạng", "dịch vụ công trực tuyến toàn trình",
    "vệ sinh môi trường, thu gom rác thải sinh hoạt", "phòng, chống thiên tai và tìm kiếm cứu nạn",
    "tiêm chủng mở rộng cho trẻ em", "khám sức khỏe định kỳ cho người lao động", "đấu thầu mua sắm thuốc tập trung",
    "sắp xếp đơn vị hành chính cấp xã", "đào tạo, bồi dưỡng cán bộ, công chức năm {year}", "chế độ báo cáo thống kê",
    "phổ biến, giáo dục pháp luật", "phòng, chống tham nhũng, tiêu cực", "quản lý, sử dụng tài sản công",
    "hỗ trợ người có công với cách mạng dịp 27/7", "phát triển du lịch cộng đồng",
    "quản lý đất đai, giải phóng mặt bằng",
    "bảo vệ và phát triển rừng", "phòng, chống tác hại của thuốc lá", "nâng cao chỉ số hài lòng của người dân",
]
OBJECTS = [
    "danh mục dự án đầu tư công năm {year}", "kế hoạch lựa chọn nhà thầu gói thầu mua sắm trang thiết bị",
    "dự toán ngân sách năm {year}", "quy hoạch mạng lưới đơn vị sự nghiệp công lập", "Đề án vị trí việc làm",
    "kết quả đánh giá, xếp loại công chức, viên chức năm {year}", "danh sách đề nghị khen thưởng",
    "Quy chế làm việc của cơ quan", "phương án tự chủ tài chính giai đoạn {year}–{year2}",
    "kế hoạch bồi dưỡng chuyên môn, nghiệp vụ năm {year}", "báo cáo kinh tế – kỹ thuật công trình sửa chữa trụ sở",
]
PERIODS = ["quý I năm {year}", "quý II năm {year}", "6 tháng đầu năm {year}", "9 tháng năm {year}", "năm {year}",
           "tháng {month} năm {year}"]
CV_ACTIONS = ["triển khai", "báo cáo kết quả thực hiện", "góp ý dự thảo văn bản về", "đề nghị phối hợp thực hiện",
              "rà soát, tổng hợp số liệu về", "tăng cường", "hướng dẫn thực hiện", "đôn đốc thực hiện",
              "cung cấp thông tin về", "chấn chỉnh"]
SUMMARIES = {
    "CV": ["V/v {action} {topic}", "{issuer} đề nghị {action} {topic}", "V/v {action} {topic} {period}"],
    "GM": ["Giấy mời họp về {topic} ngày {day}", "Mời dự hội nghị triển khai {topic} ngày {day}",
           "{issuer} mời dự họp ngày {day} về {topic}"],
    "QĐ": ["Quyết định phê duyệt {object}", "Quyết định thành lập Tổ công tác về {topic}",
           "Quyết định giao chỉ tiêu thực hiện {topic} năm {year}", "Quyết định ban hành Quy chế về {topic}"],
    "KH": ["Kế hoạch triển khai {topic} năm {year}", "Kế hoạch kiểm tra công tác {topic} năm {year}"],
    "TB": ["Thông báo kết luận của lãnh đạo tại cuộc họp về {topic}", "Thông báo lịch làm việc về {topic} {period}"],
    "BC": ["Báo cáo kết quả thực hiện {topic} {period}", "Báo cáo tình hình {topic} {period}"],
    "HD": ["Hướng dẫn thực hiện {topic}", "Hướng dẫn đánh giá, chấm điểm {topic} năm {year}"],
    "TTr": ["Tờ trình đề nghị phê duyệt {object}"],
    "CT": ["Chỉ thị về tăng cường {topic}"],
    "CĐ": ["Công điện về việc chủ động ứng phó, {topic}"],
    "NQ": ["Nghị quyết về {topic} năm {year}"],
    "QyĐ": ["Quy định về {topic}"],
    "ĐA": ["Đề án nâng cao hiệu quả {topic}"],
    "CTr": ["Chương trình công tác về {topic} năm {year}"],
    "PC": ["Phiếu chuyển đơn của công dân liên quan đến {topic}"],
    "TCg": ["Thư chúc mừng nhân dịp kỷ niệm ngày thành lập ngành"],
    "BB": ["Biên bản làm việc về {topic}"],
}
TOP_DIRECTIVES = ["Giao {main} chủ trì{coord}, tham mưu xử lý{due}.",
                  "Giao {main} chủ trì{coord} nghiên cứu, đề xuất{due}.",
                  "{main} chủ trì{coord} thực hiện theo quy định{due}.", "Giao {main} tham mưu trả lời{coord}{due}."]
DOWN_DIRECTIVES = ["Đề nghị đồng chí nghiên cứu, tham mưu xử lý.", "Giao đồng chí dự thảo văn bản trả lời.",
                   "Đồng chí tổng hợp, báo cáo lãnh đạo phòng.", "Đề nghị đồng chí theo dõi, thực hiện.", ""]
PROGRESS = ["Đã tổng hợp số liệu, đang dự thảo văn bản trả lời.", "Đã liên hệ các đơn vị liên quan, đang chờ số liệu.",
            "Đang rà soát hồ sơ, dự kiến hoàn thành trong tuần.",
            "Đã dự thảo văn bản, trình lãnh đạo phòng cho ý kiến.",
            "Đề xuất lãnh đạo Sở giao Văn phòng phối hợp bố trí kinh phí."]
CONTRIBUTIONS = ["Thống nhất với nội dung dự thảo, không có ý kiến bổ sung.", "Đã gửi số liệu của đơn vị.",
                 "Đề nghị bổ sung nội dung về kinh phí thực hiện."]
COMPLETIONS = ["Đã tham mưu văn bản trả lời.", "Đã báo cáo lãnh đạo, lưu hồ sơ.", "Đã cử cán bộ dự họp.",
               "Đã triển khai thực hiện theo chỉ đạo.", "Đã tổng hợp, gửi báo cáo đúng hạn.", "Lưu hồ sơ."]
UNIT_WEIGHTS: dict[str, float] = {
    Unit.Kind.DEPARTMENT: 3.0, Unit.Kind.OFFICE: 2.0, Unit.Kind.INSPECTORATE: 1.0, Unit.Kind.CENTRE: 1.5,
    Unit.Kind.SECTION: 0.5}


def sample_pdf() -> bytes:
    """A one-page A4 PDF: the file every generated document points at (stored once)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Văn bản đến (dữ liệu benchmark)", "/Producer": "qlvb generate_incoming"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def person_name(rng: random.Random) -> str:
    male = rng.random() < 0.5
    family = weighted(rng, FAMILY)
    middle = weighted(rng, MIDDLE_M if male else MIDDLE_F)
    return f"{family} {middle} {rng.choice(GIVEN_M if male else GIVEN_F)}"


class Pick:
    """A weighted choice with the cumulative weights computed once (random.choices recomputes them)."""

    def __init__(self, items: list[Any], weights: list[float]) -> None:
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.items[min(bisect(self.cum, rng.random() * self.total), len(self.items) - 1)]


@dataclass
class UnitInfo:
    unit: Unit
    weight: float
    heads: list[Person] = field(default_factory=list)  # head and deputies: they pass documents down
    head_kinds: list[Person] = field(default_factory=list)  # HEAD_KINDS posts: person rows of secret documents
    specialists: list[Person] = field(default_factory=list)
    pick_specialist: Pick | None = None


@dataclass
class Issuer:
    agency_id: int | None
    name: str
    code: str
    abbreviation: str
    signers: list[tuple[str, str]]


class Task:
    """An Assignment row before it is written."""

    __slots__ = ("id", "parent", "assigned_by", "person", "unit", "role", "directive", "deadline", "state",
                 "created_at", "started_at", "done_at", "label")

    def __init__(self, *, parent: Task | None, assigned_by: Person, person: Person | None, unit: Unit | None,
                 role: str, directive: str, deadline: date | None, created_at: datetime) -> None:
        self.id = 0
        self.parent, self.assigned_by, self.person, self.unit = parent, assigned_by, person, unit
        self.role, self.directive, self.deadline, self.created_at = role, directive, deadline, created_at
        self.state = Assignment.State.PENDING.value
        self.started_at: datetime | None = None
        self.done_at: datetime | None = None
        self.label = unit.name if unit is not None else str(person)

    def summary(self) -> dict[str, Any]:
        """As services.route() writes it in the incoming.routed event."""
        return {"id": self.id, "role": self.role, "to": self.label,
                "deadline": self.deadline.isoformat() if self.deadline else None}


class Note:
    """A HandlingNote row before it is written."""

    __slots__ = ("id", "task", "author", "kind", "text", "at")

    def __init__(self, task: Task, author: Person, kind: str, text: str, at: datetime) -> None:
        self.id, self.task, self.author, self.kind, self.text, self.at = 0, task, author, kind, text, at


class Story:
    """One document and everything that happened to it."""

    __slots__ = ("id", "doc", "clerk", "leader", "tasks", "notes", "events")

    def __init__(self, doc_id: int, doc: dict[str, Any], clerk: Person, leader: Person) -> None:
        self.id, self.doc, self.clerk, self.leader = doc_id, doc, clerk, leader
        self.tasks: list[Task] = []
        self.notes: list[Note] = []
        # (at, verb, actor, data: a function called once the ids are known)
        self.events: list[tuple[datetime, str, Person, Callable[[], dict[str, Any]]]] = []


class EventRow:
    """What core.events.compute_hash reads of an Event."""

    __slots__ = ("chain", "seq", "agency_id", "actor_id", "on_behalf_of_id", "verb", "target_type", "target_id",
                 "target_label", "data", "ip", "at", "prev_hash")
    chain: str
    seq: int
    agency_id: int | None
    actor_id: int | None
    on_behalf_of_id: int | None
    verb: str
    target_type: str
    target_id: str
    target_label: str
    data: dict[str, Any]
    ip: str | None
    at: datetime
    prev_hash: str


class Table:
    """Fast bulk writes of one model's rows: executemany on SQLite, COPY on PostgreSQL.

    bulk_create spends most of its time compiling SQL (about 10 µs a value); for the ~15 million
    rows of a full run this writes plain tuples instead. The columns come from the model, so a
    field added later is written with its default."""

    def __init__(self, model: type[Model], names: list[str]) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [n for n in names if n not in fields]
        if unknown:
            raise CommandError(f"{model.__name__} has no field {unknown}.")
        rest = [f for f in model._meta.concrete_fields if f.attname not in names and not f.primary_key]
        now = timezone.now()
        self.tail = tuple(
            f.get_db_prep_save(now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                               else f.get_default(), connection) for f in rest)
        self.table = model._meta.db_table
        self.columns = [fields[n].column for n in names] + [f.column for f in rest]
        self.convert = [(i, c) for i, n in enumerate(names) if (c := self.converter(fields[n]))]

    @staticmethod
    def converter(f: Any) -> Callable[[Any], Any] | None:
        from django.db import models

        sqlite = connection.vendor == "sqlite"
        if isinstance(f, models.JSONField):
            if sqlite:
                return json.dumps
            from psycopg.types.json import Jsonb

            return Jsonb
        if sqlite and isinstance(f, models.DateTimeField):  # as Django stores them: naive UTC, ISO with a space
            return lambda v: str(v.astimezone(UTC).replace(tzinfo=None))
        if sqlite and isinstance(f, models.DateField):
            return str
        return None

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        converted = []
        for row in rows:
            values = list(row)
            for i, convert in self.convert:
                if values[i] is not None:
                    values[i] = convert(values[i])
            converted.append((*values, *self.tail))
        columns = ", ".join(f'"{c}"' for c in self.columns)
        if connection.vendor == "sqlite":
            marks = ", ".join("?" * len(self.columns))
            sql = f'INSERT INTO "{self.table}" ({columns}) VALUES ({marks})'  # noqa: S608 (names from the model)
            connection.connection.cursor().executemany(sql, converted)
        else:
            with connection.cursor() as cursor, cursor.cursor.copy(
                    f'COPY "{self.table}" ({columns}) FROM STDIN') as copy:
                for row in converted:
                    copy.write_row(row)


def allocate_ids(model: type[Model], n: int) -> list[int]:
    """n primary keys for rows written with explicit ids (they point at each other)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # The transaction holds SQLite's write lock (BEGIN IMMEDIATE): nobody else takes ids meanwhile.
            cursor.execute(f'SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), '  # noqa: S608
                           f'coalesce((SELECT max(id) FROM "{table}"), 0))', [table])
            base = cursor.fetchone()[0]
            return list(range(base + 1, base + n + 1))
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
        return [row[0] for row in cursor.fetchall()]


DOC_COLUMNS = [
    "id", "agency_id", "register_id", "arrival_year", "arrival_number", "received_at", "status", "source",
    "issuer_agency_id", "issuer_name", "issuer_code", "number", "notation", "national_id", "document_date", "doc_type",
    "summary", "urgency", "secrecy", "priority", "pages", "copies", "signer_name", "signer_position", "field_id",
    "reply_deadline", "presented_to_id", "presented_at", "routing_due_at", "routed_at", "deadline", "completed_at",
    "completed_by_id", "completion_note", "completed_late", "created_by_id", "created_at", "updated_at",
]
TASK_COLUMNS = ["id", "document_id", "agency_id", "parent_id", "assigned_by_id", "assignee_person_id",
                "assignee_unit_id", "role", "directive", "deadline", "state", "created_at", "started_at", "done_at",
                "received_at", "secret", "via_unit_id"]
NOTE_COLUMNS = ["id", "document_id", "assignment_id", "author_id", "kind", "text", "at"]
FILE_COLUMNS = ["document_id", "stored_id", "name", "role", "order", "added_by_id", "added_at"]
ACCESS_COLUMNS = ["document_id", "person_id", "unit_id", "reason"]
EVENT_COLUMNS = ["chain", "seq", "agency_id", "actor_id", "on_behalf_of_id", "verb", "target_type", "target_id",
                 "target_label", "data", "ip", "at", "prev_hash", "hash"]


class Command(BaseCommand):
    help = "Generate incoming documents in bulk for one agency (kept: does nothing if they are already there)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--agency-code", help="The agency's code (default: see --pick).")
        parser.add_argument("--pick", choices=["largest", "smallest"], default="largest",
                            help="Without --agency-code: the generated agency with the most (fewest) people.")
        parser.add_argument("--documents", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--chunk", type=int, default=CHUNK, help=f"Documents per transaction (default {CHUNK}).")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = self.agency(options["agency_code"], options["pick"])
        wanted = options["documents"]
        ensure_default_registers(agency)
        have = existing_documents(agency)
        if have >= wanted:
            self.stdout.write(f"{agency.code} {agency.name} already has {have} incoming documents; nothing changed.")
            return
        started = time.monotonic()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:  # a big page cache: the indexes are written at random places
                cursor.execute("PRAGMA cache_size = -1000000")
        generator = Generator(agency, total=wanted, seed=options["seed"])
        self.stdout.write(f"  {agency.code} {agency.name}: {have} → {wanted} documents")
        for start in range(have, wanted, options["chunk"]):
            end = min(wanted, start + options["chunk"])
            gc.disable()  # millions of small objects: the cyclic collector would run all the time
            try:
                with transaction.atomic():
                    generator.chunk(start, end)
            finally:
                gc.enable()
            self.stdout.write(f"  {end} documents, {generator.counts['events']} events "
                              f"({time.monotonic() - started:.1f} s)")
        recount(agency.pk)  # the overview's counts, as the services keep them
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:  # planner statistics, as the nightly job keeps them
                cursor.execute("ANALYZE")
        if connection.vendor == "postgresql":
            # What autovacuum would do soon after such a load: statistics for the planner, and the
            # visibility map, without which index-only scans still read every heap page.
            with connection.cursor() as cursor:
                for model in (IncomingDocument, IncomingFile, Assignment, HandlingNote, DocumentAccess, Event,
                              ChainHead, RegisterCounter):
                    cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
        summary = ", ".join(f"{value} {name}" for name, value in generator.counts.items())
        self.stdout.write(self.style.SUCCESS(
            f"Incoming documents of {agency.code} generated in {time.monotonic() - started:.1f} s: {summary}."))

    def agency(self, code: str | None, pick: str) -> Agency:
        if code:
            agency = Agency.objects.filter(code=code).first()
            if agency is None:
                raise CommandError(f"No agency with code {code}.")
            return agency
        ranked = (Agency.objects.filter(code__endswith=PROVINCE_SUFFIX).annotate(n=Count("people"))
                  .order_by("-n", "code"))
        agency = ranked.first() if pick == "largest" else ranked.reverse().first()
        if agency is None:
            raise CommandError("No generated province: run manage.py generate_province first, or give --agency-code.")
        return agency


def existing_documents(agency: Agency) -> int:
    return IncomingDocument.objects.filter(agency=agency).exclude(register__name__startswith=BENCH_REGISTER).count()


class Generator:
    def __init__(self, agency: Agency, *, total: int, seed: int) -> None:
        self.agency = agency
        self.total = total
        self.seed = seed
        self.now = timezone.now()
        self.limit = self.now - timedelta(minutes=1)
        self.tz = timezone.get_current_timezone()
        self.chain = chain_for(agency.pk)
        self.counts = {"documents": 0, "assignments": 0, "access rows": 0, "notes": 0, "events": 0}
        self.load_people()
        self.load_issuers()
        registers = Register.objects.filter(agency=agency, direction=Register.Direction.INCOMING, is_active=True)
        ordinary = registers.filter(category=Register.Category.ORDINARY).order_by("order", "pk").first()
        secret = registers.filter(category=Register.Category.SECRET).order_by("order", "pk").first()
        if ordinary is None or secret is None:
            raise CommandError(f"{agency} has no active ordinary and secret incoming registers.")
        self.ordinary, self.secret = ordinary, secret
        self.stored = store_bytes(sample_pdf(), name="van-ban-den.pdf")
        self.doc_types = Pick([t for t, _ in DOC_TYPES], [w for _, w in DOC_TYPES])
        # Working days from three years ago to the last one before today.
        last = timezone.localdate(self.now) - timedelta(days=1)
        day = last - timedelta(days=365 * YEARS)
        self.days: list[date] = []
        while day <= last:
            if day.weekday() < 5:
                self.days.append(day)
            day += timedelta(days=1)
        self.solve_status_shares()
        self.tables = {
            "doc": Table(IncomingDocument, DOC_COLUMNS), "task": Table(Assignment, TASK_COLUMNS),
            "note": Table(HandlingNote, NOTE_COLUMNS), "file": Table(IncomingFile, FILE_COLUMNS),
            "access": Table(DocumentAccess, ACCESS_COLUMNS), "event": Table(Event, EVENT_COLUMNS),
        }

    # -- the agency's people -------------------------------------------------------------------

    def load_people(self) -> None:
        agency = self.agency
        posts = list(Post.objects.filter(agency=agency, end_date__isnull=True, person__is_active=True)
                     .select_related("person", "position").order_by("is_concurrent", "pk"))
        kinds: dict[str, list[Person]] = {}
        for post in posts:
            people = kinds.setdefault(post.position.kind, [])
            if post.person not in people:
                people.append(post.person)
        heads = kinds.get(Position.Kind.AGENCY_HEAD, [])
        if not heads:
            raise CommandError(f"{agency} has no agency head.")
        self.head = heads[0]
        self.deputies = kinds.get(Position.Kind.AGENCY_DEPUTY, [])
        self.leaders: dict[int | None, Person] = {p.pk: p for p in [self.head, *self.deputies]}
        clerks = [post for post in posts if post.position.kind == Position.Kind.CLERK]
        if not clerks:
            raise CommandError(f"{agency} has no clerk.")
        self.pick_clerk = Pick([post.person for post in clerks], [0.3 if p.is_concurrent else 1.0 for p in clerks])
        self.fields = [(f.pk, self.leaders.get(f.leader_id, self.head)) for f in Field.objects.filter(agency=agency)]
        units: dict[int, UnitInfo] = {}
        active_units = Unit.objects.filter(agency=agency, is_active=True).exclude(kind=Unit.Kind.LEADERSHIP)
        for unit in active_units.order_by("pk"):
            units[unit.pk] = UnitInfo(unit, UNIT_WEIGHTS.get(unit.kind, 1.0))
        unit_heads: list[Person] = []
        for post in posts:
            info = units.get(post.unit_id)
            if info is None:
                continue
            if post.position.kind in HEAD_KINDS and post.person not in info.head_kinds:
                info.head_kinds.append(post.person)
            if post.position.kind in (Position.Kind.UNIT_HEAD, Position.Kind.UNIT_DEPUTY):
                info.heads.append(post.person)
                unit_heads.append(post.person)
            elif post.position.kind == Position.Kind.SPECIALIST and not post.is_concurrent:
                info.specialists.append(post.person)
        rng = random.Random(f"{self.seed}:{agency.pk}:people")
        for info in units.values():
            # A few specialists of each unit carry much of its work (weights 1, 1/2^0.8, 1/3^0.8, …).
            rng.shuffle(info.specialists)
            if info.specialists:
                weights = [1 / (k + 1) ** 0.8 for k in range(len(info.specialists))]
                info.pick_specialist = Pick(info.specialists, weights)
        self.units = [info for info in units.values() if info.heads]
        if len(self.units) < 2:
            raise CommandError(f"{agency} needs at least two units with a head.")
        self.pick_unit = Pick(self.units, [info.weight for info in self.units])
        self.unit_heads = {info.unit.pk: info.head_kinds for info in self.units}
        specialists = [p for info in self.units for p in info.specialists]
        # For information: a deputy leader, a unit head or a specialist.
        self.pick_informed_group = Pick([self.deputies or [self.head], unit_heads, specialists or unit_heads],
                                        [0.4, 0.3, 0.3])

    def load_issuers(self) -> None:
        rng = random.Random(f"{self.seed}:{self.agency.pk}:issuers")
        signers: dict[int, list[tuple[str, str]]] = {}
        for post in (Post.objects.filter(end_date__isnull=True, is_concurrent=False,
                                         position__kind__in=[Position.Kind.AGENCY_HEAD, Position.Kind.AGENCY_DEPUTY])
                     .exclude(agency=self.agency).select_related("person", "position").order_by("pk")):
            signers.setdefault(post.agency_id, []).append((post.person.full_name, post.position.name))
        issuers: list[Issuer] = []
        weights: list[float] = []
        for other in Agency.objects.filter(is_active=True).exclude(pk=self.agency.pk).order_by("code"):
            names = signers.get(other.pk) or [(person_name(rng), "Giám đốc"), (person_name(rng), "Phó Giám đốc")]
            issuers.append(Issuer(other.pk, other.name, other.code, other.abbreviation, names))
            close = other.pk == self.agency.parent_id or other.parent_id is None
            weights.append(8.0 if close else 1.0)
        total = sum(weights) or 1.0
        for name, abbreviation in CENTRAL:  # about an eighth from the ministries
            issuers.append(Issuer(None, name, "", abbreviation,
                                  [(person_name(rng), rng.choice(CENTRAL_SIGNERS)) for _ in range(3)]))
            weights.append(total / 7 / len(CENTRAL))
        self.pick_issuer = Pick(issuers, weights)

    def solve_status_shares(self) -> None:
        """Scale the two age curves so that the shares come out at 5 % and 10 % overall."""
        ages = [(self.now.date() - day).days + 0.5 for day in self.days]

        def share(scale: float, tau: float, weights: list[float]) -> float:
            return sum(w * min(0.95, scale * math.exp(-a / tau)) for a, w in zip(ages, weights, strict=True)) / len(
                ages)

        def solve(target: float, tau: float, weights: list[float]) -> float:
            low, high = 0.0, 50.0
            for _ in range(60):
                mid = (low + high) / 2
                low, high = (mid, high) if share(mid, tau, weights) < target else (low, mid)
            return (low + high) / 2

        self.scale_registered = solve(TARGET_REGISTERED, TAU_REGISTERED, [1.0] * len(ages))
        not_registered = [1 - min(0.95, self.scale_registered * math.exp(-a / TAU_REGISTERED)) for a in ages]
        self.scale_open = solve(TARGET_OPEN, TAU_OPEN, not_registered)

    # -- time -------------------------------------------------------------------------------------

    def local(self, day: date, hours: float) -> datetime:
        return timezone.make_aware(datetime.combine(day, dtime()) + timedelta(hours=hours), self.tz)

    def local_date(self, at: datetime) -> date:
        return at.astimezone(self.tz).date()

    @staticmethod
    def next_working_day(day: date) -> date:
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, n: int) -> date:
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def later(self, rng: random.Random, at: datetime, low_hours: float, high_hours: float) -> datetime:
        """Some office time after `at` (evenings and weekends move to the next morning), before now."""
        if at >= self.limit:
            return at + timedelta(seconds=1)
        moment = at + timedelta(hours=rng.uniform(low_hours, high_hours))
        local = moment.astimezone(self.tz)
        if local.weekday() >= 5 or local.hour >= 17 or local.hour < 7:
            day = local.date() if local.hour < 7 and local.weekday() < 5 else self.next_working_day(local.date())
            moment = self.local(day, rng.uniform(7.5, 10.0))
        if moment > self.limit:
            moment = at + (self.limit - at) * rng.uniform(0.3, 0.9)
        return max(moment, at + timedelta(seconds=1))

    @staticmethod
    def ip(person: Person) -> str:
        pk = person.pk
        return f"10.{16 + pk % 16}.{(pk // 16) % 256}.{2 + pk % 250}"

    # -- one chunk ----------------------------------------------------------------------------------

    def chunk(self, start: int, end: int) -> None:
        rng = random.Random(f"{self.seed}:{self.agency.pk}:{start}")
        counters = {(c.register_id, c.year): c for c in RegisterCounter.objects.select_for_update().filter(
            register__in=[self.ordinary, self.secret])}
        doc_ids = allocate_ids(IncomingDocument, end - start)
        stories = [self.story(rng, index, doc_id, counters) for index, doc_id in zip(range(start, end), doc_ids,
                                                                                      strict=True)]
        tasks = [t for s in stories for t in s.tasks]
        for task, pk in zip(tasks, allocate_ids(Assignment, len(tasks)), strict=True):
            task.id = pk
        notes = [n for s in stories for n in s.notes]
        for note, pk in zip(notes, allocate_ids(HandlingNote, len(notes)), strict=True):
            note.id = pk
        self.tables["doc"].write([tuple(s.doc[c] for c in DOC_COLUMNS) for s in stories])
        self.tables["file"].write([
            (s.id, self.stored.pk, f"{s.doc['number']}-{s.doc['notation']}.pdf", IncomingFile.Role.MAIN.value, 0,
             s.clerk.pk, s.doc["presented_at"]) for s in stories])
        agency_id = self.agency.pk
        self.tables["task"].write([
            (t.id, s.id, agency_id, t.parent.id if t.parent else None, t.assigned_by.pk,
             t.person.pk if t.person else None, t.unit.pk if t.unit else None, t.role, t.directive, t.deadline,
             t.state, t.created_at, t.started_at, t.done_at, s.doc["received_at"], bool(s.doc["secrecy"]),
             t.parent.unit.pk if t.parent is not None and t.parent.unit is not None else None)
            for s in stories for t in s.tasks])
        self.tables["note"].write([(n.id, s.id, n.task.id, n.author.pk, n.kind, n.text, n.at)
                                   for s in stories for n in s.notes])
        access = [row for s in stories for row in self.access(s)]
        self.tables["access"].write(access)
        for counter in counters.values():
            if counter.pk is None:
                counter.save()
            else:
                counter.save(update_fields=["last_number"])
        self.write_events(stories)
        self.counts["documents"] += len(stories)
        self.counts["assignments"] += len(tasks)
        self.counts["notes"] += len(notes)
        self.counts["access rows"] += len(access)

    def story(self, rng: random.Random, index: int, doc_id: int,
              counters: dict[tuple[int, int], RegisterCounter]) -> Story:
        # Arrival: the index's place among the working days, in office hours, oldest first.
        x = (index + rng.random()) / self.total * len(self.days)
        day = self.days[min(int(x), len(self.days) - 1)]
        received = self.local(day, 7.5 + 9.5 * (x - int(x)))
        age = (self.now - received).total_seconds() / 86400
        doc_type = self.doc_types(rng)
        issuer = self.pick_issuer(rng)
        document_date = day - timedelta(days=rng.choice([0, 0, 1, 1, 1, 2, 2, 3, 5, 7]))
        number = str(rng.randint(1, 2400 if issuer.abbreviation == "UBND" else 900))
        if doc_type in ("CV", "TCg"):
            suffix = rng.choice(UBND_SUFFIXES) if issuer.abbreviation == "UBND" else rng.choice(["VP", "KHTC", "TCCB"])
            notation = f"{issuer.abbreviation}-{suffix}"
        else:
            notation = f"{doc_type}-{issuer.abbreviation}"
        year = day.year
        summary = rng.choice(SUMMARIES[doc_type]).format(
            action=rng.choice(CV_ACTIONS), topic=rng.choice(TOPICS), object=rng.choice(OBJECTS),
            period=rng.choice(PERIODS), issuer=issuer.abbreviation,
            day=(day + timedelta(days=rng.randint(2, 12))).strftime("%d/%m/%Y"), year="{year}", year2="{year2}",
            month="{month}",
        ).format(year=year, year2=year + 2, month=rng.randint(1, 12))
        roll = rng.random()
        urgency = "khan" if roll < 0.022 else "thuong_khan" if roll < 0.027 else "hoa_toc" if roll < 0.03 else ""
        roll = rng.random()
        secrecy = "mat" if roll < 0.0085 else "toi_mat" if roll < 0.0098 else "tuyet_mat" if roll < 0.01 else ""
        field_id, leader = rng.choice(self.fields) if self.fields and rng.random() < 0.65 else (None, self.head)
        signer, signer_position = rng.choice(issuer.signers)
        electronic = rng.random() < 0.8
        register = self.secret if secrecy else self.ordinary
        counter = counters.get((register.pk, year))
        if counter is None:
            counter = counters[(register.pk, year)] = RegisterCounter(register=register, year=year, last_number=0)
        counter.last_number += 1
        clerk = self.pick_clerk(rng)
        presented_at = received + timedelta(minutes=rng.uniform(2, 40))
        if urgency:
            routing_due_at = presented_at + timedelta(hours=2)
        else:
            routing_due_at = self.local(self.next_working_day(self.local_date(presented_at)), 9.0)
        national_id = f"{issuer.code or issuer.abbreviation}.{document_date:%y%m%d}.{number}" if electronic else ""
        doc = {
            "id": doc_id, "agency_id": self.agency.pk, "register_id": register.pk, "arrival_year": year,
            "arrival_number": counter.last_number, "received_at": received,
            "status": IncomingDocument.Status.REGISTERED.value,
            "source": (IncomingDocument.Source.ELECTRONIC if electronic else IncomingDocument.Source.PAPER).value,
            "issuer_agency_id": issuer.agency_id, "issuer_name": issuer.name, "issuer_code": issuer.code,
            "number": number, "notation": notation,
            "national_id": national_id,
            "document_date": document_date, "doc_type": doc_type, "summary": summary[:500], "urgency": urgency,
            "secrecy": secrecy, "priority": "high" if rng.random() < 0.02 else "",
            "pages": min(60, int(rng.expovariate(1 / 3)) + 1), "copies": 1, "signer_name": signer,
            "signer_position": signer_position, "field_id": field_id,
            "reply_deadline": document_date + timedelta(days=rng.randint(7, 30)) if rng.random() < 0.08 else None,
            "presented_to_id": leader.pk, "presented_at": presented_at, "routing_due_at": routing_due_at,
            "routed_at": None, "deadline": None, "completed_at": None, "completed_by_id": None, "completion_note": "",
            "completed_late": False, "created_by_id": clerk.pk, "created_at": received, "updated_at": presented_at,
        }
        story = Story(doc_id, doc, clerk, leader)
        registered = {"register": register.pk, "arrival_number": counter.last_number, "year": year,
                      "presented_to": leader.pk, "secret": bool(secrecy), "urgency": urgency}
        story.events.append((presented_at, "incoming.registered", clerk, lambda: registered))
        if rng.random() < min(0.95, self.scale_registered * math.exp(-age / TAU_REGISTERED)):
            return story  # waiting for routing
        still_open = rng.random() < min(0.95, self.scale_open * math.exp(-age / TAU_OPEN))
        self.route(rng, story, still_open)
        return story

    def route(self, rng: random.Random, story: Story, still_open: bool) -> None:
        doc, leader = story.doc, story.leader
        presented_at, due = doc["presented_at"], doc["routing_due_at"]
        if rng.random() < 0.88:
            routed = presented_at + (due - presented_at) * rng.uniform(0.05, 0.95)
        else:
            routed = self.later(rng, due, 1, 72)
        if routed >= self.limit:  # due later today: routed some time before now
            routed = presented_at + (self.limit - presented_at) * rng.uniform(0.2, 0.9)
        routed = max(routed, presented_at + timedelta(minutes=1))
        deadline = (self.add_working_days(self.local_date(routed), rng.choice([3, 5, 5, 7, 10, 10, 15, 20, 30]))
                    if rng.random() < 0.75 else None)
        main_info = self.pick_unit(rng)
        coord_info = None
        if rng.random() < 0.5:
            while coord_info is None or coord_info is main_info:
                coord_info = self.pick_unit(rng)
        informed = None
        if rng.random() < 0.3:
            candidate = rng.choice(self.pick_informed_group(rng))
            informed = candidate if candidate.pk != leader.pk else None
        directive = rng.choice(TOP_DIRECTIVES).format(
            main=main_info.unit.name, coord=f", {coord_info.unit.name} phối hợp" if coord_info else "",
            due=f", báo cáo trước ngày {deadline:%d/%m/%Y}" if deadline else "")
        main = Task(parent=None, assigned_by=leader, person=None, unit=main_info.unit, role="main",
                    directive=directive, deadline=deadline, created_at=routed)
        top = [main]
        coord = info = None
        if coord_info:
            coord = Task(parent=None, assigned_by=leader, person=None, unit=coord_info.unit, role="coordinate",
                         directive=directive, deadline=deadline, created_at=routed)
            top.append(coord)
        if informed:
            info = Task(parent=None, assigned_by=leader, person=informed, unit=None, role="info",
                        directive=directive, deadline=None, created_at=routed)
            top.append(info)
        story.tasks += top
        doc.update(routed_at=routed, deadline=deadline, status=IncomingDocument.Status.ROUTED.value, updated_at=routed)
        late = routed > due
        story.events.append((routed, "incoming.routed", leader, lambda: {
            "parent": None, "directive": directive[:500], "assignments": [t.summary() for t in top], "late": late}))

        last = routed  # the latest thing done so far
        # Passed down to a specialist of the unit by one of its heads.
        unit_head = main_info.heads[0] if rng.random() < 0.65 else rng.choice(main_info.heads)
        handler, handling = unit_head, main
        if main_info.pick_specialist is not None and rng.random() < 0.7:
            specialist = main_info.pick_specialist(rng)
            passed = self.later(rng, routed, 0.5, 30)
            child_deadline = deadline
            if deadline is None and rng.random() < 0.3:
                child_deadline = self.add_working_days(self.local_date(passed), rng.choice([3, 5, 10]))
            down = rng.choice(DOWN_DIRECTIVES)
            child = Task(parent=main, assigned_by=unit_head, person=specialist, unit=None, role="main",
                         directive=down, deadline=child_deadline, created_at=passed)
            story.tasks.append(child)
            main.state, main.started_at = "in_progress", passed
            doc["status"] = IncomingDocument.Status.IN_PROGRESS.value
            story.events.append((passed, "incoming.routed", unit_head, lambda: {
                "parent": main.id, "directive": down[:500], "assignments": [child.summary()], "late": False}))
            handler, handling, last = specialist, child, passed
        # Progress on the main task.
        if rng.random() < (0.45 if still_open else 0.25):
            at = self.later(rng, last, 1, 60)
            self.note(story, handling, handler, "progress", rng.choice(PROGRESS), at, "incoming.progress")
            if handling.state == "pending":
                handling.state, handling.started_at = "in_progress", at
            doc["status"] = IncomingDocument.Status.IN_PROGRESS.value
            last = at
        # The coordinating unit sends its contribution (its part is then done).
        if coord is not None and coord_info is not None and rng.random() < (0.35 if still_open else 0.45):
            at = self.later(rng, routed, 2, 80)
            self.note(story, coord, rng.choice(coord_info.heads), "contribution", rng.choice(CONTRIBUTIONS), at,
                      "incoming.contributed")
            coord.state, coord.done_at = "done", at
            last = max(last, at)
        if info is not None and informed is not None and rng.random() < (0.6 if still_open else 0.9):
            at = self.later(rng, routed, 0.2, 50)
            info.state, info.done_at = "done", at
            story.events.append((at, "incoming.read", informed, lambda: {"assignment": info.id}))
        doc["updated_at"] = last
        if still_open:
            return
        # Completed by the main handler: every open task but the for-information ones closes.
        completed = self.later(rng, last, 2, 24 * min(60.0, rng.lognormvariate(math.log(4), 0.9)))
        closed = [t for t in story.tasks if t.role != "info" and t.state in ("pending", "in_progress")]
        for t in closed:
            t.state, t.done_at = "done", completed
        text = rng.choice(COMPLETIONS)
        story.notes.append(Note(handling, handler, "completion", text, completed))
        late = bool(deadline and self.local_date(completed) > deadline)
        doc.update(status=IncomingDocument.Status.COMPLETED.value, completed_at=completed, completed_by_id=handler.pk,
                   completion_note=text, completed_late=late, updated_at=completed)
        story.events.append((completed, "incoming.completed", handler, lambda: {
            "note": text, "closed": [t.id for t in closed], "dossiers": [], "late": late}))

    def note(self, story: Story, task: Task, author: Person, kind: str, text: str, at: datetime, verb: str) -> None:
        note = Note(task, author, kind, text, at)
        story.notes.append(note)
        story.events.append((at, verb, author, lambda: {"assignment": task.id, "note": note.id, "text": text[:500]}))

    def access(self, story: Story) -> list[tuple]:
        """The rows services._grant would have written: persons for the clerk, the leader and person
        routings; the unit for unit routings, or (secret documents) a person row for each of its heads."""
        secret = bool(story.doc["secrecy"])
        people: dict[int, str] = {story.clerk.pk: "registered"}
        people.setdefault(story.leader.pk, "presented")
        units: list[int] = []
        for t in story.tasks:
            if t.person is not None:
                people.setdefault(t.person.pk, "assigned")
                continue
            assert t.unit is not None  # a task goes to a person or to a unit
            if secret:
                for person in self.unit_heads[t.unit.pk]:
                    people.setdefault(person.pk, "assigned")
            elif t.unit.pk not in units:
                units.append(t.unit.pk)
        return ([(story.id, pk, None, reason) for pk, reason in people.items()]
                + [(story.id, None, pk, "assigned") for pk in units])

    # -- the event log ---------------------------------------------------------------------------------

    def write_events(self, stories: list[Story]) -> None:
        """Appended to the agency's chain in time order, chained as core.events.record() chains them."""
        ChainHead.objects.get_or_create(chain=self.chain)
        head = ChainHead.objects.select_for_update().get(chain=self.chain)
        pending = []
        for story in stories:
            label = f"{story.doc['number']}/{story.doc['notation']} – {story.doc['summary'][:120]}"[:300]
            target_id = str(story.id)
            for order, (at, verb, actor, data) in enumerate(story.events):
                pending.append((at, order, verb, actor, data, label, target_id))
        pending.sort(key=lambda r: (r[0], r[1]))
        seq, prev_hash = head.last_seq, head.last_hash
        rows = []
        event = EventRow()
        event.chain, event.agency_id, event.on_behalf_of_id = self.chain, self.agency.pk, None
        event.target_type = "incoming.incomingdocument"
        for at, _order, verb, actor, data, label, target_id in pending:
            seq += 1
            event.seq, event.actor_id, event.verb, event.target_id, event.target_label = (
                seq, actor.pk, verb, target_id, label)
            event.data, event.ip, event.at, event.prev_hash = data(), self.ip(actor), at.astimezone(UTC), prev_hash
            prev_hash = compute_hash(cast(Event, event))  # it reads only what an EventRow has
            rows.append((self.chain, seq, event.agency_id, actor.pk, None, verb, event.target_type, target_id, label,
                         event.data, event.ip, event.at, event.prev_hash, prev_hash))
        self.tables["event"].write(rows)
        head.last_seq, head.last_hash = seq, prev_hash
        head.save(update_fields=["last_seq", "last_hash"])
        self.counts["events"] += len(rows)

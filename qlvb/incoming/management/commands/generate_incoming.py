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

Everything is written with bulk_create, one transaction per chunk of documents: an interrupted run
leaves whole chunks, and running the command again continues from the documents already there.
When the agency already has the number of documents asked for, nothing is done. On PostgreSQL the
command ends with ANALYZE. Working days are Monday to Friday (the holiday calendar is ignored).
"""

from __future__ import annotations

import io
import math
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from qlvb.core.events import chain_for, compute_hash
from qlvb.core.models import ChainHead, Event
from qlvb.files.services import store_bytes
from qlvb.incoming.models import Assignment, DocumentAccess, HandlingNote, IncomingDocument, IncomingFile
from qlvb.org.management.commands.generate_province import FAMILY, GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M, weighted
from qlvb.org.models import Agency, Field, Position, Post, Unit
from qlvb.org.roles import HEAD_KINDS
from qlvb.registers.models import Register, RegisterCounter
from qlvb.registers.services import ensure_default_registers

BENCH_REGISTER = "Sổ benchmark"  # bench/measure.py registers into it and deletes what it made: never counted
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
UNIT_WEIGHTS = {Unit.Kind.DEPARTMENT: 3.0, Unit.Kind.OFFICE: 2.0, Unit.Kind.INSPECTORATE: 1.0, Unit.Kind.CENTRE: 1.5,
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


@dataclass
class UnitInfo:
    unit: Unit
    weight: float
    heads: list[Any]  # Person: head and deputies, who pass documents down
    head_kinds: list[Any]  # everyone with a HEAD_KINDS post in the unit (person rows of secret documents)
    specialists: list[Any]
    specialist_weights: list[float]


@dataclass
class Issuer:
    agency_id: int | None
    name: str
    code: str
    abbreviation: str
    signers: list[tuple[str, str]]


@dataclass
class Story:
    """One document and everything that happened to it, before the rows have their ids."""

    doc: IncomingDocument
    clerk: Any
    leader: Any
    assignments: list[Assignment] = field(default_factory=list)
    notes: list[HandlingNote] = field(default_factory=list)
    events: list[tuple[datetime, str, Any, Any]] = field(default_factory=list)  # (at, verb, actor, data builder)


class Command(BaseCommand):
    help = "Generate incoming documents in bulk for one agency (kept: does nothing if they are already there)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--agency-code", help="The agency's code (default: see --pick).")
        parser.add_argument("--pick", choices=["largest", "smallest"], default="largest",
                            help="Without --agency-code: the generated agency with the most (fewest) people.")
        parser.add_argument("--documents", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--chunk", type=int, default=CHUNK, help="Documents per transaction (default 20000).")

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
            import sqlite3

            with connection.cursor() as cursor:  # a big page cache: the indexes are written at random places
                cursor.execute("PRAGMA cache_size = -1000000")
            # Django assumes SQLite's old limit of 999 parameters (22 documents an INSERT); ask the library.
            connection.features.max_query_params = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        generator = Generator(agency, total=wanted, seed=options["seed"])
        self.stdout.write(f"  {agency.code} {agency.name}: {have} → {wanted} documents")
        for start in range(have, wanted, options["chunk"]):
            end = min(wanted, start + options["chunk"])
            with transaction.atomic():
                generator.chunk(start, end)
            self.stdout.write(f"  {end} documents, {generator.counts['events']} events "
                              f"({time.monotonic() - started:.1f} s)")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
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
    return IncomingDocument.objects.filter(agency=agency).exclude(register__name=BENCH_REGISTER).count()


class Generator:
    def __init__(self, agency: Agency, *, total: int, seed: int) -> None:
        self.agency = agency
        self.total = total
        self.seed = seed
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        self.counts = {"documents": 0, "assignments": 0, "access rows": 0, "notes": 0, "events": 0}
        self.batch = None if connection.vendor == "sqlite" else 1000
        self.load_people()
        self.load_issuers()
        registers = Register.objects.filter(agency=agency, direction=Register.Direction.INCOMING, is_active=True)
        self.ordinary = registers.filter(category=Register.Category.ORDINARY).order_by("order", "pk").first()
        self.secret = registers.filter(category=Register.Category.SECRET).order_by("order", "pk").first()
        if self.ordinary is None or self.secret is None:
            raise CommandError(f"{agency} has no active ordinary and secret incoming registers.")
        self.stored = store_bytes(sample_pdf(), name="van-ban-den.pdf")
        # Working days from three years ago to the last one before today.
        last = timezone.localdate(self.now) - timedelta(days=1)
        day = last - timedelta(days=365 * YEARS)
        self.days: list[date] = []
        while day <= last:
            if day.weekday() < 5:
                self.days.append(day)
            day += timedelta(days=1)
        self.solve_status_shares()

    # -- the agency's people -------------------------------------------------------------------

    def load_people(self) -> None:
        agency = self.agency
        posts = list(Post.objects.filter(agency=agency, end_date__isnull=True, person__is_active=True)
                     .select_related("person", "position", "unit").order_by("is_concurrent", "pk"))
        kinds: dict[str, list[Any]] = {}
        for post in posts:
            kinds.setdefault(post.position.kind, [])
            if post.person not in kinds[post.position.kind]:
                kinds[post.position.kind].append(post.person)
        heads = kinds.get(Position.Kind.AGENCY_HEAD, [])
        if not heads:
            raise CommandError(f"{agency} has no agency head.")
        self.head = heads[0]
        self.deputies = kinds.get(Position.Kind.AGENCY_DEPUTY, [])
        self.leaders = {p.pk: p for p in [self.head, *self.deputies]}
        clerks = [post for post in posts if post.position.kind == Position.Kind.CLERK]
        if not clerks:
            raise CommandError(f"{agency} has no clerk.")
        self.clerks = [post.person for post in clerks]
        self.clerk_weights = [0.3 if post.is_concurrent else 1.0 for post in clerks]
        self.fields = [(f.pk, self.leaders.get(f.leader_id, self.head)) for f in Field.objects.filter(agency=agency)]
        units: dict[int, UnitInfo] = {}
        active_units = Unit.objects.filter(agency=agency, is_active=True).exclude(kind=Unit.Kind.LEADERSHIP)
        for unit in active_units.order_by("pk"):
            units[unit.pk] = UnitInfo(unit, UNIT_WEIGHTS.get(unit.kind, 1.0), [], [], [], [])
        unit_heads: list[Any] = []
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
            info.specialist_weights = [1 / (k + 1) ** 0.8 for k in range(len(info.specialists))]
        self.units = [info for info in units.values() if info.heads]
        if len(self.units) < 2:
            raise CommandError(f"{agency} needs at least two units with a head.")
        self.unit_weights = [info.weight for info in self.units]
        specialists = [p for info in self.units for p in info.specialists]
        # For information: a deputy leader, a unit head or a specialist.
        self.informed = [(self.deputies or [self.head], 0.4), (unit_heads, 0.3), (specialists or unit_heads, 0.3)]

    def load_issuers(self) -> None:
        rng = random.Random(f"{self.seed}:{self.agency.pk}:issuers")
        signers: dict[int, list[tuple[str, str]]] = {}
        for post in (Post.objects.filter(end_date__isnull=True, is_concurrent=False,
                                         position__kind__in=[Position.Kind.AGENCY_HEAD, Position.Kind.AGENCY_DEPUTY])
                     .exclude(agency=self.agency).select_related("person", "position")):
            signers.setdefault(post.agency_id, []).append((post.person.full_name, post.position.name))
        self.issuers: list[Issuer] = []
        weights: list[float] = []
        for other in Agency.objects.filter(is_active=True).exclude(pk=self.agency.pk).order_by("code"):
            names = signers.get(other.pk) or [(person_name(rng), "Giám đốc"), (person_name(rng), "Phó Giám đốc")]
            self.issuers.append(Issuer(other.pk, other.name, other.code, other.abbreviation, names))
            close = other.pk == self.agency.parent_id or other.parent_id is None
            weights.append(8.0 if close else 1.0)
        total = sum(weights) or 1.0
        for name, abbreviation in CENTRAL:  # about an eighth from the ministries
            self.issuers.append(Issuer(None, name, "", abbreviation,
                                       [(person_name(rng), rng.choice(CENTRAL_SIGNERS)) for _ in range(3)]))
            weights.append(total / 7 / len(CENTRAL))
        self.issuer_weights = weights

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

        ones = [1.0] * len(ages)
        self.scale_registered = solve(TARGET_REGISTERED, TAU_REGISTERED, ones)
        not_registered = [1 - min(0.95, self.scale_registered * math.exp(-a / TAU_REGISTERED)) for a in ages]
        self.scale_open = solve(TARGET_OPEN, TAU_OPEN, not_registered)

    # -- time -------------------------------------------------------------------------------------

    def local(self, day: date, hours: float) -> datetime:
        return timezone.make_aware(datetime.combine(day, dtime()) + timedelta(hours=hours), self.tz)

    def next_working_day(self, day: date) -> date:
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
        limit = self.now - timedelta(minutes=1)
        if at >= limit:
            return at + timedelta(seconds=1)
        moment = at + timedelta(hours=rng.uniform(low_hours, high_hours))
        local = timezone.localtime(moment, self.tz)
        if local.weekday() >= 5 or local.hour >= 17 or local.hour < 7:
            day = local.date() if local.hour < 7 and local.weekday() < 5 else self.next_working_day(local.date())
            moment = self.local(day, rng.uniform(7.5, 10.0))
        if moment > limit:
            moment = at + (limit - at) * rng.uniform(0.3, 0.9)
        return max(moment, at + timedelta(seconds=1))

    @staticmethod
    def ip(person: Any) -> str:
        pk = person.pk
        return f"10.{16 + pk % 16}.{(pk // 16) % 256}.{2 + pk % 250}"

    # -- one chunk ----------------------------------------------------------------------------------

    def chunk(self, start: int, end: int) -> None:
        rng = random.Random(f"{self.seed}:{self.agency.pk}:{start}")
        counters = {(c.register_id, c.year): c for c in RegisterCounter.objects.select_for_update().filter(
            register__in=[self.ordinary, self.secret])}
        stories = [self.story(rng, index, counters) for index in range(start, end)]
        docs = [s.doc for s in stories]
        self.bulk(IncomingDocument, docs)
        self.bulk(IncomingFile, [IncomingFile(
            document=s.doc, stored=self.stored, name=f"{s.doc.reference.replace('/', '-')}.pdf",
            role=IncomingFile.Role.MAIN, order=0, added_by=s.clerk, added_at=s.doc.presented_at) for s in stories])
        # Parents before children, so the children can point at them.
        self.bulk(Assignment, [a for s in stories for a in s.assignments if a.parent is None])
        self.bulk(Assignment, [a for s in stories for a in s.assignments if a.parent is not None])
        self.bulk(HandlingNote, [n for s in stories for n in s.notes])
        access = [row for s in stories for row in self.access(s)]
        self.bulk(DocumentAccess, access)
        for counter in counters.values():
            if counter.pk is None:
                counter.save()
            else:
                counter.save(update_fields=["last_number"])
        self.write_events(stories)
        self.counts["documents"] += len(docs)
        self.counts["assignments"] += sum(len(s.assignments) for s in stories)
        self.counts["notes"] += sum(len(s.notes) for s in stories)
        self.counts["access rows"] += len(access)

    def bulk(self, model: type, objs: list[Any]) -> None:
        model.objects.bulk_create(objs, batch_size=self.batch)

    def story(self, rng: random.Random, index: int, counters: dict[tuple[int, int], RegisterCounter]) -> Story:
        # Arrival: the index's place among the working days, in office hours, oldest first.
        x = (index + rng.random()) / self.total * len(self.days)
        day = self.days[min(int(x), len(self.days) - 1)]
        received = self.local(day, 7.5 + 9.5 * (x - int(x)))
        age = (self.now - received).total_seconds() / 86400
        doc_type = weighted(rng, DOC_TYPES)
        issuer = rng.choices(self.issuers, weights=self.issuer_weights)[0]
        document_date = received.date() - timedelta(days=rng.choice([0, 0, 1, 1, 1, 2, 2, 3, 5, 7]))
        number = str(rng.randint(1, 2400 if issuer.abbreviation == "UBND" else 900))
        if doc_type in ("CV", "TCg"):
            suffix = rng.choice(UBND_SUFFIXES) if issuer.abbreviation == "UBND" else rng.choice(["VP", "KHTC", "TCCB"])
            notation = f"{issuer.abbreviation}-{suffix}"
        else:
            notation = f"{doc_type}-{issuer.abbreviation}"
        year = received.year
        summary = rng.choice(SUMMARIES[doc_type]).format(
            action=rng.choice(CV_ACTIONS), topic=rng.choice(TOPICS), object=rng.choice(OBJECTS),
            period=rng.choice(PERIODS), issuer=issuer.abbreviation, day=(received + timedelta(days=rng.randint(2, 12)))
            .strftime("%d/%m/%Y"), year=year, year2=year + 2, month=rng.randint(1, 12),
        ).format(year=year, year2=year + 2, month=rng.randint(1, 12))
        roll = rng.random()
        urgency = "khan" if roll < 0.022 else "thuong_khan" if roll < 0.027 else "hoa_toc" if roll < 0.03 else ""
        roll = rng.random()
        secrecy = ("mat" if roll < 0.0085 else "toi_mat" if roll < 0.0098 else "tuyet_mat" if roll < 0.01 else "")
        field_id, presented_to = rng.choice(self.fields) if self.fields and rng.random() < 0.65 else (None, self.head)
        signer, signer_position = rng.choice(issuer.signers)
        electronic = rng.random() < 0.8
        register = self.secret if secrecy else self.ordinary
        counter = counters.get((register.pk, year))
        if counter is None:
            counter = counters[(register.pk, year)] = RegisterCounter(register=register, year=year, last_number=0)
        counter.last_number += 1
        clerk = rng.choices(self.clerks, weights=self.clerk_weights)[0]
        presented_at = received + timedelta(minutes=rng.uniform(2, 40))
        if urgency:
            routing_due_at = presented_at + timedelta(hours=2)
        else:
            routing_due_at = self.local(self.next_working_day(timezone.localtime(presented_at, self.tz).date()), 9.0)
        doc = IncomingDocument(
            agency=self.agency, register=register, arrival_year=year, arrival_number=counter.last_number,
            received_at=received, status=IncomingDocument.Status.REGISTERED,
            source=IncomingDocument.Source.ELECTRONIC if electronic else IncomingDocument.Source.PAPER,
            issuer_agency_id=issuer.agency_id, issuer_name=issuer.name, issuer_code=issuer.code, number=number,
            notation=notation, national_id=f"{issuer.code or issuer.abbreviation}.{document_date:%y%m%d}.{number}"
            if electronic else "", document_date=document_date, doc_type=doc_type, summary=summary[:500],
            urgency=urgency, secrecy=secrecy, priority="high" if rng.random() < 0.02 else "",
            pages=min(60, int(rng.expovariate(1 / 3)) + 1), copies=1, signer_name=signer,
            signer_position=signer_position, field_id=field_id,
            reply_deadline=document_date + timedelta(days=rng.randint(7, 30)) if rng.random() < 0.08 else None,
            presented_to=presented_to, presented_at=presented_at, routing_due_at=routing_due_at,
            created_by=clerk, created_at=received,
        )
        story = Story(doc, clerk, presented_to)
        story.events.append((presented_at, "incoming.registered", clerk, lambda d=doc, p=presented_to: {
            "register": d.register_id, "arrival_number": d.arrival_number, "year": d.arrival_year,
            "presented_to": p.pk, "secret": bool(d.secrecy), "urgency": d.urgency}))
        if rng.random() < min(0.95, self.scale_registered * math.exp(-age / TAU_REGISTERED)):
            return story  # waiting for routing
        still_open = rng.random() < min(0.95, self.scale_open * math.exp(-age / TAU_OPEN))
        self.route(rng, story, still_open)
        return story

    def route(self, rng: random.Random, story: Story, still_open: bool) -> None:
        doc, leader = story.doc, story.leader
        if rng.random() < 0.88:
            routed = doc.presented_at + (doc.routing_due_at - doc.presented_at) * rng.uniform(0.05, 0.95)
        else:
            routed = self.later(rng, doc.routing_due_at, 1, 72)
        routed = min(routed, self.now - timedelta(minutes=2))
        routed = max(routed, doc.presented_at + timedelta(minutes=1))
        doc.routed_at = routed
        routed_day = timezone.localtime(routed, self.tz).date()
        deadline = (self.add_working_days(routed_day, rng.choice([3, 5, 5, 7, 10, 10, 15, 20, 30]))
                    if rng.random() < 0.75 else None)
        main_info = rng.choices(self.units, weights=self.unit_weights)[0]
        coord_info = None
        if rng.random() < 0.5:
            others = [u for u in self.units if u is not main_info]
            coord_info = rng.choices(others, weights=[u.weight for u in others])[0]
        informed = None
        if rng.random() < 0.3:
            group = rng.choices([g for g, _ in self.informed], weights=[w for _, w in self.informed])[0]
            candidate = rng.choice(group)
            informed = candidate if candidate.pk != leader.pk else None
        directive = rng.choice(TOP_DIRECTIVES).format(
            main=main_info.unit.name, coord=f", {coord_info.unit.name} phối hợp" if coord_info else "",
            due=f", báo cáo trước ngày {deadline:%d/%m/%Y}" if deadline else "")
        common = {"document": doc, "agency": self.agency, "assigned_by": leader, "directive": directive,
                  "created_at": routed}
        main = Assignment(assignee_unit=main_info.unit, role=Assignment.Role.MAIN, deadline=deadline, **common)
        top = [main]
        coord = info = None
        if coord_info:
            coord = Assignment(assignee_unit=coord_info.unit, role=Assignment.Role.COORDINATE, deadline=deadline,
                               **common)
            top.append(coord)
        if informed:
            info = Assignment(assignee_person=informed, role=Assignment.Role.INFO, **common)
            top.append(info)
        story.assignments += top
        doc.deadline = deadline
        doc.status = IncomingDocument.Status.ROUTED
        late = routed > doc.routing_due_at
        story.events.append((routed, "incoming.routed", leader, lambda top=top, late=late, directive=directive: {
            "parent": None, "directive": directive[:500], "assignments": [
                {"id": a.pk, "role": str(a.role), "to": str(a.assignee),
                 "deadline": a.deadline and a.deadline.isoformat()} for a in top], "late": late}))

        last = routed  # the latest thing done so far
        # Passed down to a specialist of the unit, by one of its heads.
        child = None
        unit_head = main_info.heads[0] if rng.random() < 0.65 else rng.choice(main_info.heads)
        handler, handling = unit_head, main
        if main_info.specialists and rng.random() < 0.7:
            specialist = rng.choices(main_info.specialists, weights=main_info.specialist_weights)[0]
            passed = self.later(rng, routed, 0.5, 30)
            child_deadline = deadline
            if deadline is None and rng.random() < 0.3:
                passed_day = timezone.localtime(passed, self.tz).date()
                child_deadline = self.add_working_days(passed_day, rng.choice([3, 5, 10]))
            down = rng.choice(DOWN_DIRECTIVES)
            child = Assignment(document=doc, agency=self.agency, parent=main, assigned_by=unit_head,
                               assignee_person=specialist, role=Assignment.Role.MAIN, directive=down,
                               deadline=child_deadline, created_at=passed)
            story.assignments.append(child)
            main.state, main.started_at = Assignment.State.IN_PROGRESS, passed
            doc.status = IncomingDocument.Status.IN_PROGRESS
            story.events.append((passed, "incoming.routed", unit_head, lambda main=main, child=child, down=down: {
                "parent": main.pk, "directive": down[:500], "assignments": [
                    {"id": child.pk, "role": str(child.role), "to": str(child.assignee),
                     "deadline": child.deadline and child.deadline.isoformat()}], "late": False}))
            handler, handling, last = specialist, child, passed
        # Progress on the main task.
        if rng.random() < (0.45 if still_open else 0.25):
            at = self.later(rng, last, 1, 60)
            self.note(story, handling, handler, HandlingNote.Kind.PROGRESS, rng.choice(PROGRESS), at,
                      "incoming.progress")
            if handling.state == Assignment.State.PENDING:
                handling.state, handling.started_at = Assignment.State.IN_PROGRESS, at
            doc.status = IncomingDocument.Status.IN_PROGRESS
            last = at
        # The coordinating unit sends its contribution (its part is then done).
        if coord is not None and rng.random() < (0.35 if still_open else 0.45):
            at = self.later(rng, routed, 2, 80)
            self.note(story, coord, rng.choice(coord_info.heads), HandlingNote.Kind.CONTRIBUTION,
                      rng.choice(CONTRIBUTIONS), at, "incoming.contributed")
            coord.state, coord.done_at = Assignment.State.DONE, at
            last = max(last, at)
        if info is not None and rng.random() < (0.6 if still_open else 0.9):
            at = self.later(rng, routed, 0.2, 50)
            info.state, info.done_at = Assignment.State.DONE, at
            story.events.append((at, "incoming.read", informed, lambda info=info: {"assignment": info.pk}))
        if still_open:
            return
        # Completed by the main handler: every open task but the for-information ones closes.
        completed = self.later(rng, last, 2, 24 * min(60.0, rng.lognormvariate(math.log(4), 0.9)))
        closed = [a for a in story.assignments if a.role != Assignment.Role.INFO and a.state in Assignment.OPEN_STATES]
        for a in closed:
            a.state, a.done_at = Assignment.State.DONE, completed
        text = rng.choice(COMPLETIONS)
        story.notes.append(HandlingNote(document=doc, assignment=handling, author=handler,
                                        kind=HandlingNote.Kind.COMPLETION, text=text, at=completed))
        doc.status = IncomingDocument.Status.COMPLETED
        doc.completed_at, doc.completed_by, doc.completion_note = completed, handler, text
        late = bool(doc.deadline and timezone.localtime(completed, self.tz).date() > doc.deadline)
        story.events.append((completed, "incoming.completed", handler, lambda closed=closed, late=late, text=text: {
            "note": text, "closed": [a.pk for a in closed], "dossiers": [], "late": late}))

    def note(self, story: Story, assignment: Assignment, author: Any, kind: str, text: str, at: datetime,
             verb: str) -> None:
        note = HandlingNote(document=story.doc, assignment=assignment, author=author, kind=kind, text=text, at=at)
        story.notes.append(note)
        story.events.append((at, verb, author, lambda a=assignment, n=note: {
            "assignment": a.pk, "note": n.pk, "text": n.text[:500]}))

    def access(self, story: Story) -> list[DocumentAccess]:
        """The rows services._grant would have written: persons for the clerk, the leader and person
        routings; the unit for unit routings, or (secret documents) a person row for each of its heads."""
        doc = story.doc
        people: dict[int, str] = {story.clerk.pk: DocumentAccess.Reason.REGISTERED}
        people.setdefault(story.leader.pk, DocumentAccess.Reason.PRESENTED)
        units: list[int] = []
        heads = {info.unit.pk: info.head_kinds for info in self.units}
        for a in story.assignments:
            if a.assignee_person_id:
                people.setdefault(a.assignee_person_id, DocumentAccess.Reason.ASSIGNED)
            elif doc.secrecy:
                for person in heads[a.assignee_unit_id]:
                    people.setdefault(person.pk, DocumentAccess.Reason.ASSIGNED)
            elif a.assignee_unit_id not in units:
                units.append(a.assignee_unit_id)
        rows = [DocumentAccess(document=doc, person_id=pk, reason=reason) for pk, reason in people.items()]
        rows += [DocumentAccess(document=doc, unit_id=pk, reason=DocumentAccess.Reason.ASSIGNED) for pk in units]
        return rows

    # -- the event log ---------------------------------------------------------------------------------

    def write_events(self, stories: list[Story]) -> None:
        chain = chain_for(self.agency.pk)
        ChainHead.objects.get_or_create(chain=chain)
        head = ChainHead.objects.select_for_update().get(chain=chain)
        rows = []
        for story in stories:
            label = f"{story.doc.reference} – {story.doc.summary[:120]}"[:300]
            target_id = str(story.doc.pk)
            for order, (at, verb, actor, data) in enumerate(story.events):
                rows.append((at, order, verb, actor, data(), label, target_id))
        rows.sort(key=lambda r: (r[0], r[1]))
        seq, prev_hash = head.last_seq, head.last_hash
        batch: list[Event] = []
        for at, _order, verb, actor, data, label, target_id in rows:
            seq += 1
            event = Event(chain=chain, seq=seq, agency_id=self.agency.pk, actor_id=actor.pk, verb=verb,
                          target_type="incoming.incomingdocument", target_id=target_id, target_label=label, data=data,
                          ip=self.ip(actor), at=at.astimezone(UTC), prev_hash=prev_hash)
            event.hash = prev_hash = compute_hash(event)
            batch.append(event)
        Event.objects.bulk_create(batch, batch_size=self.batch or None)
        head.last_seq, head.last_hash = seq, prev_hash
        head.save(update_fields=["last_seq", "last_hash"])
        self.counts["events"] += len(batch)

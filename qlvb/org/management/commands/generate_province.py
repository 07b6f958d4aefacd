"""Generate a province of benchmark data in bulk: agencies, units, positions, people, posts,
fields of work, signing authority, delegations and a year of event-log history.

    manage.py generate_province --agencies 100 --people 20000 [--seed 1]

The province is fictional ("tỉnh Sơn Hà", agency codes ending in .H98 so they never clash with
the demo province's .H51 codes). Everything is written with bulk_create in one transaction;
the event log is written in bulk too, but every agency's rows form a valid hash chain (seq,
prev_hash and hash computed with core.events.compute_hash, ChainHead rows set), so
`manage.py verify_events` passes afterwards.

Running it again with the same scale does nothing: the generated agencies are recognised by
their code suffix and counted. All generated accounts share one password (hashed once).
"""

from __future__ import annotations

import json
import random
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from qlvb.core.events import chain_for, compute_hash
from qlvb.core.models import ChainHead, Event
from qlvb.core.text import fold
from qlvb.org.models import Agency, Delegation, Field, Person, Position, Post, SigningAuthority, Unit

PROVINCE_CODE = "H98"
PROVINCE = "Sơn Hà"
MAIL_DOMAIN = "sonha.gov.vn"
DEFAULT_PASSWORD = "Bench-SonHa-2025!"
ADMIN_USERNAME = "quantri.h98"
HISTORY_DAYS = 400
EVENT_BATCH = 2000
LEADERS = {"head", "deputy"}



def words(text: str) -> list[str]:
    return text.split()


# --- Names -----------------------------------------------------------------------------------
# (name, relative frequency); the Kinh family names follow their usual shares, with the Thái,
# Mường and Hmông names of a northern mountain province.
FAMILY = [
    ("Nguyễn", 31), ("Trần", 10), ("Lê", 8), ("Phạm", 6), ("Hoàng", 5), ("Vũ", 4), ("Phan", 3), ("Đặng", 2),
    ("Bùi", 2), ("Đỗ", 2), ("Hồ", 1), ("Ngô", 1), ("Dương", 1), ("Lý", 1), ("Đinh", 1.5), ("Trịnh", 1),
    ("Mai", 0.5), ("Cao", 0.5), ("Lương", 1), ("Đoàn", 1), ("Lò", 3), ("Cầm", 2), ("Lường", 1.5),
    ("Quàng", 1), ("Tòng", 1), ("Hà", 2), ("Vi", 1), ("Bạc", 0.5), ("Lèo", 0.5), ("Giàng", 1), ("Sùng", 1),
    ("Mùa", 0.7), ("Thào", 0.7), ("Vàng", 0.5),
]
HMONG = {"Giàng", "Sùng", "Mùa", "Thào", "Vàng"}
MIDDLE_M = [
    ("Văn", 30), ("Đức", 8), ("Minh", 8), ("Quang", 6), ("Hữu", 6), ("Công", 5), ("Xuân", 5), ("Thanh", 5),
    ("Mạnh", 4), ("Tuấn", 4), ("Ngọc", 3), ("Trung", 3), ("Anh", 3), ("Duy", 3), ("Hoàng", 3), ("Tiến", 2),
    ("Bá", 2), ("Đình", 4), ("Trọng", 3), ("Thế", 3), ("Việt", 2), ("Hải", 2),
]
MIDDLE_F = [
    ("Thị", 45), ("Thu", 6), ("Ngọc", 6), ("Thanh", 6), ("Minh", 4), ("Kim", 4), ("Hồng", 4), ("Phương", 4),
    ("Thùy", 3), ("Bích", 2), ("Mai", 2), ("Hải", 2), ("Diệu", 2), ("Khánh", 2), ("Lan", 2), ("Quỳnh", 2),
    ("Hoài", 2), ("Thảo", 2),
]
GIVEN_M = words(
    "Anh Bình Cường Dũng Dương Đạt Đức Giang Hải Hiếu Hiệp Hoàng Hùng Huy Khánh Khoa Kiên Lâm Long Lực Mạnh "
    "Minh Nam Nghĩa Phong Phúc Quân Quang Sơn Tài Thắng Thành Thái Thiện Thịnh Toàn Trung Tuấn Tùng Việt Vinh "
    "Vũ Hưng Khiêm Thuận Tiến Hậu Hòa Định Chiến Công Doanh Hoan Kiểm Lợi Nguyên Tâm Tú Văn"
)
GIVEN_F = words(
    "Anh Ánh Bích Châm Chi Dung Duyên Giang Hà Hạnh Hằng Hiền Hoa Hồng Huệ Hương Huyền Lan Liên Linh Loan "
    "Mai Nga Ngân Ngọc Nhung Oanh Phương Quyên Quỳnh Tâm Thảo Thanh Thơm Thu Thủy Trang Trâm Tuyết Uyên Vân "
    "Xuân Yến Diệp Lý Hậu Lụa Nhàn Thoa Thúy Vui"
)
GIVEN_HMONG_M = words("Lử Páo Chứ Dê Sử Tủa Pó Vàng Chư Dính Lềnh")
GIVEN_HMONG_F = words("Dợ Mỷ Xi Sua Pà Mai Dở Chía Ly")

# --- Agencies ----------------------------------------------------------------------------------
# (abbreviation, name, specialised departments, leader titles, big?)
SO_TITLES = ("Giám đốc", "Phó Giám đốc", "Ban Giám đốc")
BAN_TITLES = ("Trưởng ban", "Phó Trưởng ban", "Lãnh đạo Ban")
DEPARTMENTS_OF_PROVINCE = [
    ("SGDĐT", "Sở Giáo dục và Đào tạo", ["Phòng Giáo dục Mầm non", "Phòng Giáo dục Tiểu học",
     "Phòng Giáo dục Trung học", "Phòng Khảo thí và Kiểm định chất lượng", "Phòng Kế hoạch – Tài chính",
     "Phòng Tổ chức cán bộ"], SO_TITLES, True),
    ("SYT", "Sở Y tế", ["Phòng Nghiệp vụ Y", "Phòng Nghiệp vụ Dược", "Phòng Kế hoạch – Tài chính",
     "Phòng Tổ chức cán bộ", "Phòng Quản lý hành nghề"], SO_TITLES, True),
    ("STC", "Sở Tài chính", ["Phòng Quản lý ngân sách", "Phòng Tài chính hành chính sự nghiệp",
     "Phòng Quản lý giá và công sản", "Phòng Tài chính đầu tư", "Phòng Tin học và Thống kê"], SO_TITLES, True),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", ["Phòng Trồng trọt", "Phòng Chăn nuôi và Thú y",
     "Phòng Kế hoạch – Tài chính", "Phòng Quản lý đất đai", "Phòng Bảo vệ môi trường", "Phòng Thủy lợi"],
     SO_TITLES, True),
    ("SNV", "Sở Nội vụ", ["Phòng Tổ chức – Biên chế", "Phòng Công chức, viên chức", "Phòng Xây dựng chính quyền",
     "Phòng Cải cách hành chính", "Phòng Lao động – Việc làm"], SO_TITLES, False),
    ("STP", "Sở Tư pháp", ["Phòng Xây dựng và Kiểm tra văn bản", "Phòng Phổ biến, giáo dục pháp luật",
     "Phòng Hành chính tư pháp", "Phòng Bổ trợ tư pháp"], SO_TITLES, False),
    ("SXD", "Sở Xây dựng", ["Phòng Quản lý quy hoạch – kiến trúc", "Phòng Quản lý hoạt động xây dựng",
     "Phòng Hạ tầng kỹ thuật", "Phòng Quản lý nhà và thị trường bất động sản", "Phòng Quản lý giao thông"],
     SO_TITLES, False),
    ("SCT", "Sở Công Thương", ["Phòng Quản lý công nghiệp", "Phòng Quản lý thương mại",
     "Phòng Quản lý năng lượng", "Phòng Kỹ thuật an toàn – Môi trường"], SO_TITLES, False),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", ["Phòng Quản lý văn hóa", "Phòng Quản lý thể dục thể thao",
     "Phòng Quản lý du lịch", "Phòng Xây dựng nếp sống văn hóa và Gia đình", "Phòng Báo chí – Xuất bản"],
     SO_TITLES, False),
    ("SKHCN", "Sở Khoa học và Công nghệ", ["Phòng Quản lý khoa học", "Phòng Quản lý công nghệ",
     "Phòng Chuyển đổi số", "Phòng Bưu chính – Viễn thông", "Phòng Tiêu chuẩn – Đo lường – Chất lượng"],
     SO_TITLES, False),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", ["Phòng Chính sách dân tộc", "Phòng Tôn giáo",
     "Phòng Tuyên truyền và Địa bàn"], SO_TITLES, False),
    ("SNgV", "Sở Ngoại vụ", ["Phòng Hợp tác quốc tế", "Phòng Lãnh sự", "Phòng Biên giới"], SO_TITLES, False),
    ("SKHĐT", "Sở Kế hoạch và Đầu tư", ["Phòng Tổng hợp, quy hoạch", "Phòng Kinh tế ngành",
     "Phòng Đăng ký kinh doanh", "Phòng Đấu thầu, thẩm định và giám sát đầu tư"], SO_TITLES, False),
    ("SLĐTBXH", "Sở Lao động – Thương binh và Xã hội", ["Phòng Lao động – Việc làm", "Phòng Người có công",
     "Phòng Bảo trợ xã hội", "Phòng Giáo dục nghề nghiệp", "Phòng Trẻ em – Bình đẳng giới"], SO_TITLES, False),
    ("STNMT", "Sở Tài nguyên và Môi trường", ["Phòng Quản lý đất đai", "Phòng Tài nguyên nước",
     "Phòng Khoáng sản", "Phòng Đo đạc, bản đồ và Viễn thám"], SO_TITLES, False),
    ("SGTVT", "Sở Giao thông vận tải", ["Phòng Quản lý kết cấu hạ tầng giao thông",
     "Phòng Quản lý vận tải, phương tiện và người lái", "Phòng Quản lý chất lượng công trình giao thông",
     "Phòng Kế hoạch – Tài chính"], SO_TITLES, False),
    ("STTTT", "Sở Thông tin và Truyền thông", ["Phòng Bưu chính – Viễn thông", "Phòng Công nghệ thông tin",
     "Phòng Thông tin – Báo chí – Xuất bản"], SO_TITLES, False),
    ("BQLKCN", "Ban Quản lý các khu công nghiệp tỉnh", ["Phòng Quản lý đầu tư",
     "Phòng Quản lý quy hoạch và xây dựng", "Phòng Quản lý doanh nghiệp", "Phòng Quản lý môi trường"],
     BAN_TITLES, False),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng tỉnh", ["Phòng Kế hoạch – Tổng hợp", "Phòng Kỹ thuật – Thẩm định",
     "Phòng Tài chính – Kế toán", "Phòng Quản lý dự án 1", "Phòng Quản lý dự án 2"], BAN_TITLES, False),
    ("ĐPTTH", "Đài Phát thanh và Truyền hình tỉnh", ["Phòng Thời sự", "Phòng Chuyên đề",
     "Phòng Kỹ thuật – Công nghệ", "Phòng Biên tập tiếng dân tộc"], SO_TITLES, False),
]
DISTRICTS = [
    "Thành phố Sơn Hà", "Huyện Mường Lò", "Huyện Quỳnh Sơn", "Huyện Thuận Giang", "Huyện Bắc Yên Hà",
    "Huyện Phù Vân", "Huyện Mai Châu Thượng", "Huyện Sông Mã Hạ", "Huyện Mộc Sơn", "Huyện Yên Lạc",
    "Huyện Vân Hồ Tây", "Huyện Sốp Cộp Đông",
]
DISTRICT_DEPARTMENTS = [
    "Phòng Nội vụ", "Phòng Tài chính – Kế hoạch", "Phòng Tài nguyên và Môi trường", "Phòng Giáo dục và Đào tạo",
    "Phòng Y tế", "Phòng Kinh tế – Hạ tầng", "Phòng Lao động – Thương binh và Xã hội", "Phòng Văn hóa và Thông tin",
    "Phòng Tư pháp", "Phòng Nông nghiệp và Phát triển nông thôn", "Phòng Dân tộc",
]
COMMUNE_FIRST = words("Chiềng Mường Nà Tà Phiêng Huổi Co Púng Long Tú Tân Hua")
COMMUNE_SECOND = words(
    "Lề Sinh Cơi Xôm Ban Mung Đen Pấc Ngần Khoa Lương Sại Bú Chăn Hặc Lay En Hẹ Bằng Khay Muôn Pồng Nưa "
    "Ơn Tòng Sàng Mai Lạn"
)
COMMUNE_DEPARTMENTS = [
    "Phòng Kinh tế", "Phòng Văn hóa – Xã hội", "Bộ phận Tư pháp – Hộ tịch", "Bộ phận Địa chính – Xây dựng",
    "Bộ phận Tài chính – Kế toán", "Trung tâm Phục vụ hành chính công xã",
]
PROVINCE_OFFICE_DEPARTMENTS = [
    "Phòng Kinh tế", "Phòng Nội chính", "Phòng Khoa giáo – Văn xã", "Phòng Tổng hợp",
    "Phòng Hành chính – Tổ chức", "Phòng Quản trị – Tài vụ",
]
OFFICE_SECTIONS = ["Bộ phận Văn thư – Lưu trữ", "Bộ phận Tổng hợp", "Bộ phận Hành chính – Quản trị", "Bộ phận Kế toán"]
DEPARTMENT_SECTIONS = ["Tổ Nghiệp vụ", "Tổ Tổng hợp", "Tổ Một cửa"]
GENERAL_FIELDS = [
    "Tổ chức cán bộ", "Thi đua – Khen thưởng", "Cải cách hành chính", "Thanh tra, khiếu nại, tố cáo",
    "Chuyển đổi số", "Văn thư – Lưu trữ",
]
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Edg/126.0",
]
DELEGATION_REASONS = [
    "Đi công tác Trung ương", "Nghỉ phép năm", "Tham gia lớp bồi dưỡng kiến thức quốc phòng và an ninh",
    "Đi học lớp Cao cấp lý luận chính trị", "Nghỉ ốm", "Đi công tác nước ngoài",
]


def weighted(rng: random.Random, items: Sequence[tuple[str, float]]) -> str:
    return rng.choices([name for name, _ in items], weights=[w for _, w in items])[0]


def initials(text: str) -> str:
    """'Phòng Quản lý ngân sách' → 'QLNS': an abbreviation the unit validator accepts."""
    words = [w for w in text.replace("–", " ").replace(",", " ").split() if w]
    skip = {"Phòng", "Bộ", "phận", "Tổ", "và", "các", "tỉnh", "xã", "huyện"}
    letters = "".join(fold(w)[0].upper() for w in words if w not in skip and fold(w)[:1].isalnum())
    return (letters or fold(words[0])[:3].upper())[:20]


def slugify(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def json_native(data: dict[str, Any]) -> dict[str, Any]:
    # Exactly what the database gives back (core.events does the same before hashing).
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))


# --- In-memory plan ----------------------------------------------------------------------------

@dataclass
class UnitPlan:
    name: str
    kind: str
    order: int
    parent: UnitPlan | None = None
    weight: float = 1.0
    obj: Unit | None = None

    @property
    def created(self) -> Unit:
        """The unit created for the plan (create_units sets obj)."""
        assert self.obj is not None
        return self.obj


@dataclass
class AgencyPlan:
    index: int
    kind: str  # province, department, district, commune
    code: str
    abbreviation: str
    name: str
    slug: str
    parent: AgencyPlan | None
    weight: float
    departments: list[str]
    titles: tuple[str, str, str]
    size: int = 0
    units: list[UnitPlan] = field(default_factory=list)
    positions: dict[str, Position] = field(default_factory=dict)
    slots: list[tuple[UnitPlan, str]] = field(default_factory=list)  # (unit, position key) of each person
    people: list[Person] = field(default_factory=list)
    obj: Agency | None = None

    @property
    def created(self) -> Agency:
        """The agency created for the plan (create_agencies sets obj)."""
        assert self.obj is not None
        return self.obj


class Command(BaseCommand):
    help = "Generate a fictional province of benchmark data in bulk (kept: does nothing if already there)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--agencies", type=int, default=100)
        parser.add_argument("--people", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--events-per-person", type=int, default=20,
                            help="About this many event-log rows per person (default 20).")
        parser.add_argument("--password", default=DEFAULT_PASSWORD,
                            help="The one password every generated account shares.")

    def handle(self, *args: Any, **options: Any) -> None:
        n_agencies, n_people = options["agencies"], options["people"]
        if n_agencies < 1 or n_people < 3 * n_agencies:
            raise CommandError("Need at least one agency and three people per agency.")
        existing = Agency.objects.filter(code__endswith=f".{PROVINCE_CODE}")
        if existing.exists():
            have_agencies = existing.count()
            have_people = Person.objects.filter(agency__code__endswith=f".{PROVINCE_CODE}").count()
            if (have_agencies, have_people) == (n_agencies, n_people):
                self.stdout.write(f"Province {PROVINCE} already generated ({have_agencies} agencies, "
                                  f"{have_people} people); nothing changed.")
                return
            raise CommandError(
                f"This database already holds a generated province of {have_agencies} agencies and {have_people} "
                f"people; use a fresh database for another scale."
            )
        started = time.monotonic()
        generator = Generator(rng=random.Random(options["seed"]), n_agencies=n_agencies, n_people=n_people,
                              events_per_person=options["events_per_person"], password=options["password"],
                              log=lambda msg: self.stdout.write(f"  {msg} ({time.monotonic() - started:.1f} s)"))
        with transaction.atomic():
            counts = generator.run()
        if connection.vendor == "postgresql":
            # What autovacuum would do soon after such a load; without it the planner guesses row counts.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        summary = ", ".join(f"{value} {name}" for name, value in counts.items())
        self.stdout.write(self.style.SUCCESS(
            f"Province {PROVINCE} generated in {time.monotonic() - started:.1f} s: {summary}."))


_M = TypeVar("_M", bound=Model)


class Generator:
    def __init__(self, *, rng: random.Random, n_agencies: int, n_people: int, events_per_person: int,
                 password: str, log: Any) -> None:
        self.rng = rng
        self.n_agencies = n_agencies
        self.n_people = n_people
        self.events_per_person = events_per_person
        self.password_hash = make_password(password)
        self.log = log
        self.now = timezone.now().replace(microsecond=0)
        self.start = self.now - timedelta(days=HISTORY_DAYS)
        self.usernames: set[str] = set()
        self.events: dict[int, list[dict[str, Any]]] = defaultdict(list)  # agency pk → events
        self.counts: dict[str, int] = {}
        self.batch = EVENT_BATCH if connection.vendor != "sqlite" else None

    # -- helpers ----------------------------------------------------------------------------------

    def event(self, agency_id: int, at: datetime, verb: str, *, actor: Person | None, target: Any = None,
              data: dict[str, Any] | None = None, on_behalf_of: Person | None = None, ip: str | None = None) -> None:
        self.events[agency_id].append({
            "at": at, "verb": verb, "actor_id": actor.pk if actor else None,
            "on_behalf_of_id": on_behalf_of.pk if on_behalf_of else None,
            "target_type": target._meta.label_lower if target is not None else "",
            "target_id": str(target.pk) if target is not None else "",
            "target_label": str(target)[:300] if target is not None else "",
            "data": data or {}, "ip": ip,
        })

    def ip(self) -> str:
        return f"10.{self.rng.randint(16, 31)}.{self.rng.randint(0, 255)}.{self.rng.randint(2, 254)}"

    def work_time(self, after: datetime, before: datetime) -> datetime:
        """A moment in office hours (07:30–17:00 Vietnam time, Monday to Friday) in the period."""
        span = max((before - after).total_seconds(), 60.0)
        local = after + timedelta(seconds=self.rng.uniform(0, span), hours=7)
        if local.weekday() >= 5:  # Saturday → Friday, Sunday → Monday (same draws whatever the day)
            local += timedelta(days=-1 if local.weekday() == 5 else 1)
        day = local.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(hours=7)
        moment = day + timedelta(hours=self.rng.uniform(7.5, 17.0), microseconds=self.rng.randint(0, 999_999))
        return min(max(moment, after), before)

    def bulk(self, model: type[_M], objs: list[_M]) -> list[_M]:
        return model._default_manager.bulk_create(objs, batch_size=self.batch)

    # -- the province ---------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        self.admin = Person(username=ADMIN_USERNAME, full_name=f"Quản trị hệ thống tỉnh {PROVINCE}",
                            password=self.password_hash, is_superuser=True, is_staff=True,
                            must_change_password=False, created_at=self.start, password_changed_at=self.start,
                            email=f"quantri@{MAIL_DOMAIN}")
        self.admin.save()
        plans = self.plan_agencies()
        self.create_agencies(plans)
        self.log(f"{len(plans)} agencies")
        self.create_units(plans)
        self.create_positions(plans)
        self.log(f"{self.counts['units']} units, {self.counts['positions']} positions")
        self.create_people(plans)
        self.log(f"{self.counts['people']} people, {self.counts['posts']} posts")
        self.create_fields_and_signing(plans)
        self.create_delegations(plans)
        self.log(f"{self.counts['fields']} fields, {self.counts['delegations']} delegations")
        self.write_events()
        self.log(f"{self.counts['events']} events")
        return self.counts

    def plan_agencies(self) -> list[AgencyPlan]:
        rng = self.rng
        province = AgencyPlan(0, "province", f"000.00.00.{PROVINCE_CODE}", "UBND",
                              f"Ủy ban nhân dân tỉnh {PROVINCE}", "ubnd", None, 3.0,
                              PROVINCE_OFFICE_DEPARTMENTS, ("Chủ tịch", "Phó Chủ tịch", "Lãnh đạo UBND tỉnh"))
        plans = [province]
        level2 = 0
        for abbr, name, departments, titles, big in DEPARTMENTS_OF_PROVINCE:
            if len(plans) >= self.n_agencies:
                break
            level2 += 1
            plans.append(AgencyPlan(len(plans), "department", f"000.00.{level2:02d}.{PROVINCE_CODE}", abbr, name,
                                    slugify(abbr), province, 2.5 if big else 1.5, departments, titles))
        districts: list[AgencyPlan] = []
        for name in DISTRICTS:
            if len(plans) >= self.n_agencies:
                break
            level2 += 1
            short = name.removeprefix("Huyện ").removeprefix("Thành phố ")
            plan = AgencyPlan(len(plans), "district", f"000.00.{level2:02d}.{PROVINCE_CODE}", "UBND",
                              f"Ủy ban nhân dân {name[0].lower()}{name[1:]}", slugify(short), province, 2.0,
                              DISTRICT_DEPARTMENTS, ("Chủ tịch", "Phó Chủ tịch", "Lãnh đạo UBND"))
            plans.append(plan)
            districts.append(plan)
        communes = [f"{a} {b}" for a in COMMUNE_FIRST for b in COMMUNE_SECOND]
        rng.shuffle(communes)
        per_district: dict[int, int] = defaultdict(int)
        used_slugs = {plan.slug for plan in plans}
        while len(plans) < self.n_agencies:
            t = len(plans) - 1 - level2
            district = districts[t % len(districts)]
            k = per_district[district.index]
            per_district[district.index] += 1
            name = communes[t % len(communes)] + (f" {t // len(communes) + 1}" if t >= len(communes) else "")
            zz = district.code.split(".")[2]
            code = f"{k // 99:03d}.{k % 99 + 1:02d}.{zz}.{PROVINCE_CODE}"
            slug = slugify(name)
            while slug in used_slugs:
                slug += "x"
            used_slugs.add(slug)
            plans.append(AgencyPlan(len(plans), "commune", code, "UBND", f"Ủy ban nhân dân xã {name}", slug,
                                    district, 0.3, COMMUNE_DEPARTMENTS,
                                    ("Chủ tịch", "Phó Chủ tịch", "Lãnh đạo UBND xã")))
        # People per agency: weight by kind, ±25 % jitter, largest remainder so the sum is exact.
        weights = [plan.weight * rng.uniform(0.75, 1.25) for plan in plans]
        minimum = min(8, self.n_people // len(plans))
        spare = self.n_people - minimum * len(plans)
        shares = [spare * w / sum(weights) for w in weights]
        sizes = [minimum + int(s) for s in shares]
        by_remainder = sorted(range(len(plans)), key=lambda i: shares[i] - int(shares[i]), reverse=True)
        for i in by_remainder[: self.n_people - sum(sizes)]:
            sizes[i] += 1
        for plan, size in zip(plans, sizes, strict=True):
            plan.size = size
        return plans

    def create_agencies(self, plans: list[AgencyPlan]) -> None:
        # Parents first, one bulk insert per level.
        for level in (("province",), ("department", "district"), ("commune",)):
            objs = []
            for plan in plans:
                if plan.kind not in level:
                    continue
                plan.obj = Agency(
                    code=plan.code, abbreviation=plan.abbreviation, name=plan.name,
                    parent=plan.parent.obj if plan.parent else None,
                    address=f"Số {self.rng.randint(1, 200)}, đường {self.rng.choice(GIVEN_M)}, tỉnh {PROVINCE}",
                    phone=f"0209 3{self.rng.randint(100000, 999999)}",
                    email=f"{plan.slug}@{MAIL_DOMAIN}",
                )
                objs.append(plan.obj)
            if objs:
                self.bulk(Agency, objs)
        for plan in plans:
            at = self.start + timedelta(minutes=plan.index)
            self.event(plan.created.pk, at, "org.agency_created", actor=self.admin, target=plan.obj,
                       data={"code": plan.created.code, "name": plan.created.name}, ip="10.16.0.2")
        self.counts["agencies"] = len(plans)

    def plan_units(self, plan: AgencyPlan) -> list[UnitPlan]:
        rng = self.rng
        units = [UnitPlan(plan.titles[2], Unit.Kind.LEADERSHIP, 0, weight=0)]
        office_name = {"province": f"Văn phòng UBND tỉnh {PROVINCE}", "district": "Văn phòng HĐND và UBND",
                       "commune": "Văn phòng HĐND và UBND xã"}.get(plan.kind, "Văn phòng")
        office = UnitPlan(office_name, Unit.Kind.OFFICE, 1, weight=2.0)
        units.append(office)
        inspectorate_name = {"province": "Ban Tiếp công dân tỉnh", "district": "Thanh tra huyện",
                             "commune": "Ban Thanh tra nhân dân"}.get(plan.kind, "Thanh tra")
        units.append(UnitPlan(inspectorate_name, Unit.Kind.INSPECTORATE, 2, weight=1.2))
        n_sections = {"commune": rng.randint(0, 1)}.get(plan.kind, rng.randint(1, 3))
        for i, name in enumerate(rng.sample(OFFICE_SECTIONS, n_sections)):
            units.append(UnitPlan(name, Unit.Kind.SECTION, i, parent=office, weight=1.0))
        count = min(len(plan.departments), rng.randint(3, 6))
        departments = plan.departments[:count] if plan.kind == "province" else rng.sample(plan.departments, count)
        for i, name in enumerate(departments):
            kind = Unit.Kind.CENTRE if name.startswith("Trung tâm") else Unit.Kind.DEPARTMENT
            # The province's phòng belong to its Văn phòng (as in a real UBND tỉnh).
            parent = office if plan.kind == "province" else None
            unit = UnitPlan(name, kind, 10 + i, parent=parent, weight=3.0)
            units.append(unit)
            if plan.kind != "commune" and rng.random() < 0.3:
                for j, section in enumerate(rng.sample(DEPARTMENT_SECTIONS, rng.randint(1, 2))):
                    units.append(UnitPlan(section, Unit.Kind.SECTION, j, parent=unit, weight=1.5))
        if plan.kind in ("department", "province") and rng.random() < 0.4:
            centre = UnitPlan("Trung tâm Thông tin và Dữ liệu" if plan.kind == "department"
                              else "Trung tâm Phục vụ hành chính công", Unit.Kind.CENTRE, 30, weight=2.0)
            units.append(centre)
            for j, section in enumerate(["Bộ phận Kỹ thuật", "Bộ phận Dữ liệu"][: rng.randint(1, 2)]):
                units.append(UnitPlan(section, Unit.Kind.SECTION, j, parent=centre, weight=1.0))
        return units

    def create_units(self, plans: list[AgencyPlan]) -> None:
        for plan in plans:
            plan.units = self.plan_units(plan)
        depth = 0
        total = 0
        while True:
            level = []
            for plan in plans:
                for unit in plan.units:
                    d, p = 0, unit.parent
                    while p is not None:
                        d, p = d + 1, p.parent
                    if d == depth:
                        unit.obj = Unit(agency=plan.obj, parent=unit.parent.obj if unit.parent else None,
                                        name=unit.name, abbreviation=initials(unit.name), kind=unit.kind,
                                        order=unit.order)
                        level.append(unit.obj)
            if not level:
                break
            self.bulk(Unit, level)
            total += len(level)
            depth += 1
        for plan in plans:
            for i, unit in enumerate(plan.units):
                self.event(plan.created.pk, self.start + timedelta(minutes=plan.index, seconds=10 + i),
                           "org.unit_created", actor=self.admin, target=unit.obj, ip="10.16.0.2",
                           data={"name": unit.created.name, "parent": unit.created.parent_id})
        self.counts["units"] = total

    def create_positions(self, plans: list[AgencyPlan]) -> None:
        objs = []
        for plan in plans:
            head, deputy, _ = plan.titles
            inspect_head, inspect_deputy = (("Trưởng ban", "Phó Trưởng ban") if plan.kind in ("province", "commune")
                                            else ("Chánh Thanh tra", "Phó Chánh Thanh tra"))
            specs = [
                ("head", head, Position.Kind.AGENCY_HEAD), ("deputy", deputy, Position.Kind.AGENCY_DEPUTY),
                ("office_head", "Chánh Văn phòng", Position.Kind.UNIT_HEAD),
                ("office_deputy", "Phó Chánh Văn phòng", Position.Kind.UNIT_DEPUTY),
                ("inspectorate_head", inspect_head, Position.Kind.UNIT_HEAD),
                ("inspectorate_deputy", inspect_deputy, Position.Kind.UNIT_DEPUTY),
                ("department_head", "Trưởng phòng", Position.Kind.UNIT_HEAD),
                ("department_deputy", "Phó Trưởng phòng", Position.Kind.UNIT_DEPUTY),
                ("centre_head", "Giám đốc Trung tâm", Position.Kind.UNIT_HEAD),
                ("centre_deputy", "Phó Giám đốc Trung tâm", Position.Kind.UNIT_DEPUTY),
                ("section_head", "Tổ trưởng", Position.Kind.UNIT_HEAD),
                ("senior", "Chuyên viên chính", Position.Kind.SPECIALIST),
                ("specialist", "Chuyên viên", Position.Kind.SPECIALIST),
                ("accountant", "Kế toán", Position.Kind.ACCOUNTANT),
                ("clerk", "Văn thư", Position.Kind.CLERK),
                ("staff", "Nhân viên", Position.Kind.STAFF),
            ]
            for order, (key, name, kind) in enumerate(specs):
                plan.positions[key] = Position(agency=plan.obj, name=name, kind=kind, order=order)
                objs.append(plan.positions[key])
        self.bulk(Position, objs)
        for plan in plans:
            for i, position in enumerate(plan.positions.values()):
                self.event(plan.created.pk, self.start + timedelta(minutes=plan.index, seconds=40 + i),
                           "org.position_created", actor=self.admin, target=position, ip="10.16.0.2",
                           data={"name": position.name, "kind": position.kind})
        self.counts["positions"] = len(objs)

    # -- people -----------------------------------------------------------------------------------

    def name(self) -> str:
        rng = self.rng
        family = weighted(rng, FAMILY)
        male = rng.random() < 0.5
        if family in HMONG:
            return f"{family} {'A' if male else 'Thị'} {rng.choice(GIVEN_HMONG_M if male else GIVEN_HMONG_F)}"
        given_list = GIVEN_M if male else GIVEN_F
        middle = weighted(rng, MIDDLE_M if male else MIDDLE_F)
        while middle == family:
            middle = weighted(rng, MIDDLE_M if male else MIDDLE_F)
        if not male and middle == "Thị" and rng.random() < 0.15:
            middle += " " + weighted(rng, MIDDLE_F[1:])
        given = rng.choice(given_list)
        while given == middle.split()[-1]:
            given = rng.choice(given_list)
        return f"{family} {middle} {given}"

    def username(self, full_name: str, slug: str) -> str:
        parts = fold(full_name).split()
        base = parts[-1] + "".join(p[0] for p in parts[:-1])
        candidate, n = f"{base}.{slug}", 1
        while candidate in self.usernames:
            n += 1
            candidate = f"{base}{n}.{slug}"
        self.usernames.add(candidate)
        return candidate

    def slots(self, plan: AgencyPlan) -> list[tuple[UnitPlan, str]]:
        """(unit, position key) for each person of the agency, most important first."""
        rng = self.rng
        units = plan.units
        leadership, office = units[0], units[1]
        head_key: dict[str, str] = {
            Unit.Kind.OFFICE: "office", Unit.Kind.INSPECTORATE: "inspectorate", Unit.Kind.DEPARTMENT: "department",
            Unit.Kind.CENTRE: "centre", Unit.Kind.SECTION: "section",
        }
        archive = next((u for u in units if u.name == "Bộ phận Văn thư – Lưu trữ"), office)
        accounts = next((u for u in units if u.name == "Bộ phận Kế toán"), office)
        slots: list[tuple[UnitPlan, str]] = [(leadership, "head")]
        slots += [(leadership, "deputy")] * (rng.randint(1, 2) if plan.kind == "commune" else rng.randint(2, 3))
        slots.append((archive, "clerk"))
        slots += [(u, f"{head_key[u.kind]}_head") for u in units[1:]]
        slots += [(u, f"{head_key[u.kind]}_deputy") for u in units[1:] if u.kind != Unit.Kind.SECTION]
        slots.append((accounts, "accountant"))
        if plan.size > 120:
            slots.append((archive, "clerk"))
        workers = [u for u in units if u.weight > 0]
        weights = [u.weight for u in workers]
        while len(slots) < plan.size:
            unit = rng.choices(workers, weights=weights)[0]
            roll = rng.random()
            slots.append((unit, "senior" if roll < 0.25 else "staff" if roll > 0.92 else "specialist"))
        return slots[: plan.size]

    def create_people(self, plans: list[AgencyPlan]) -> None:
        rng = self.rng
        people: list[Person] = []
        main_posts: list[tuple[Person, AgencyPlan, UnitPlan, str]] = []
        for plan in plans:
            plan.slots = slots = self.slots(plan)
            admin_slot = next((i for i, (u, k) in enumerate(slots) if u is plan.units[1] and k == "specialist"),
                              next((i for i, (_u, k) in enumerate(slots) if k == "clerk"), 0))
            for i, (unit, key) in enumerate(slots):
                full_name = self.name()
                username = self.username(full_name, plan.slug)
                # Most accounts date from the switch-over; some staff joined later in the year, and a few
                # accounts are brand new (never signed in, first-sign-in password change pending).
                roll = rng.random()
                new = roll < 0.03 and i != admin_slot and key not in LEADERS
                created = (self.now - timedelta(days=rng.uniform(1, 10)) if new
                           else self.start + timedelta(days=1, minutes=rng.uniform(0, 60 * 24 * 14)) if roll < 0.9
                           else self.start + timedelta(days=rng.uniform(20, HISTORY_DAYS - 10)))
                person = Person(  # bulk_create skips save(): the folded name is given here
                    username=username, full_name=full_name, name_folded=fold(full_name), agency=plan.obj,
                    password=self.password_hash,
                    email=f"{username.replace('.', '_')}@{MAIL_DOMAIN}",
                    phone=f"0{rng.choice('398')}{rng.randint(10_000_000, 99_999_999)}",
                    is_agency_admin=i == admin_slot, must_change_password=new, created_at=created,
                )
                people.append(person)
                plan.people.append(person)
                main_posts.append((person, plan, unit, key))
        self.bulk(Person, people)
        posts: list[Post] = []
        post_events: list[tuple[Post, Person]] = []
        for person, plan, unit, key in main_posts:
            post = Post(person=person, agency=plan.obj, unit=unit.obj, position=plan.positions[key],
                        start_date=timezone.localdate(person.created_at))
            posts.append(post)
            post_events.append((post, person))
        # About 5 % hold a concurrent post (kiêm nhiệm): mostly in their own agency, some in the parent agency.
        holders = rng.sample(main_posts, max(1, len(main_posts) // 20))
        for person, plan, unit, _key in holders:
            if person.must_change_password:
                continue
            target = plan.parent if plan.parent is not None and rng.random() < 0.2 else plan
            choices = [u for u in target.units[1:] if u is not unit]
            if not choices:
                continue
            other = rng.choice(choices)
            position_key = "clerk" if rng.random() < 0.3 else "specialist"
            post = Post(person=person, agency=target.obj, unit=other.obj, position=target.positions[position_key],
                        is_concurrent=True, start_date=timezone.localdate(person.created_at) + timedelta(days=30))
            posts.append(post)
            post_events.append((post, person))
        self.bulk(Post, posts)
        self.counts["people"] = len(people)
        self.counts["posts"] = len(posts)
        admins = {plan.created.pk: next(p for p in plan.people if p.is_agency_admin) for plan in plans}
        self.person_history(plans, admins)
        for post, person in post_events:
            at = person.created_at + timedelta(seconds=5) if not post.is_concurrent else self.work_time(
                person.created_at + timedelta(days=30), self.now - timedelta(days=1))
            by = admins[post.agency_id] if admins[post.agency_id] is not person else self.admin
            self.event(post.agency_id, at, "org.post_assigned", actor=by, target=person, ip=self.ip(),
                       data={"unit": post.unit.name, "position": post.position.name, "concurrent": post.is_concurrent})

    def person_history(self, plans: list[AgencyPlan], admins: dict[int, Person]) -> None:
        """Account creation, first password change, a year of sign-ins and the odd lock-out.

        About events_per_person rows each (the post assignment is written by the caller)."""
        rng = self.rng
        logins_mean = max(1.0, (self.events_per_person - 4) / 1.9)
        changed: list[Person] = []
        for plan in plans:
            agency_id = plan.created.pk
            for person, (_unit, key) in zip(plan.people, plan.slots, strict=True):
                by = admins[agency_id] if admins[agency_id] is not person else self.admin
                self.event(agency_id, person.created_at, "account.created", actor=by, target=person, ip=self.ip(),
                           data={"username": person.username, "agency_admin": person.is_agency_admin})
                if person.must_change_password:
                    continue  # Created lately and not signed in yet.
                ip = self.ip()
                agent = rng.choice(USER_AGENTS)
                first = self.work_time(person.created_at + timedelta(hours=1), person.created_at + timedelta(days=3))
                self.event(agency_id, first, "auth.login", actor=person, target=person, ip=ip,
                           data={"user_agent": agent[:200]})
                changed_at = first + timedelta(seconds=rng.randint(20, 120))
                self.event(agency_id, changed_at, "account.password_changed", actor=person, target=person, ip=ip)
                person.password_changed_at = changed_at
                last = first
                for _ in range(max(1, round(rng.gauss(logins_mean, 2)))):
                    at = self.work_time(first, self.now - timedelta(hours=2))
                    if rng.random() < 0.05:
                        self.event(agency_id, at - timedelta(seconds=30), "auth.login_failed", actor=None,
                                   target=person, ip=ip,
                                   data={"username": person.username, "reason": "password", "failures": 1})
                    self.event(agency_id, at, "auth.login", actor=person, target=person, ip=ip,
                               data={"user_agent": agent[:200]})
                    if rng.random() < 0.85:
                        out = min(at + timedelta(minutes=rng.uniform(20, 480)), self.now - timedelta(minutes=1))
                        self.event(agency_id, out, "auth.logout", actor=person, target=person, ip=ip)
                    last = max(last, at)
                person.last_login = last
                roll = rng.random() if person is not admins[agency_id] and key not in LEADERS else 1.0
                if roll < 0.005:
                    at = self.work_time(last, self.now - timedelta(hours=1))
                    for failures in range(1, 6):
                        self.event(agency_id, at + timedelta(seconds=20 * failures), "auth.login_failed", actor=None,
                                   target=person, ip=self.ip(),
                                   data={"username": person.username, "reason": "password", "failures": failures})
                    self.event(agency_id, at + timedelta(seconds=101), "account.locked", actor=None, target=person,
                               data={"reason": "failed_logins"}, ip=self.ip())
                    person.failed_logins, person.locked_at = 5, at + timedelta(seconds=101)
                    person.locked_reason = "Đăng nhập sai quá số lần cho phép"
                elif roll < 0.015:
                    at = self.work_time(last, self.now - timedelta(hours=1))
                    self.event(agency_id, at, "account.deactivated", actor=admins[agency_id], target=person,
                               ip=self.ip())
                    person.is_active = False
                changed.append(person)
        Person.objects.bulk_update(
            changed, ["password_changed_at", "last_login", "failed_logins", "locked_at", "locked_reason", "is_active"],
            batch_size=500)

    # -- fields, signing authority, delegations ------------------------------------------------------

    def create_fields_and_signing(self, plans: list[AgencyPlan]) -> None:
        rng = self.rng
        fields: list[tuple[Field, list[Unit]]] = []
        authorities: list[tuple[SigningAuthority, list[Field]]] = []
        for plan in plans:
            posts_by_key = defaultdict(list)
            for person, (_unit, key) in zip(plan.people, plan.slots, strict=True):
                posts_by_key[key].append(person)
            head = posts_by_key["head"][0]
            leaders = [head] + posts_by_key["deputy"]
            departments = [u for u in plan.units if u.kind in (Unit.Kind.DEPARTMENT, Unit.Kind.CENTRE)
                           and (u.parent is None or plan.kind == "province")]
            office, inspectorate = plan.units[1], plan.units[2]
            chosen: list[tuple[str, list[UnitPlan]]] = []
            for dept in departments:
                label = dept.name.removeprefix("Phòng ").removeprefix("Bộ phận ").removeprefix("Trung tâm ")
                chosen.append((label[0].upper() + label[1:], [dept]))
            general = rng.sample(GENERAL_FIELDS, rng.randint(2, 3))
            for name in general:
                chosen.append((name, [inspectorate] if name.startswith("Thanh tra") else [office]))
            plan_fields: list[tuple[Field, Person]] = []  # (field, its leader)
            names = set()
            for i, (name, units) in enumerate(chosen[:8]):
                if name in names:
                    continue
                names.add(name)
                leader = head if name in ("Tổ chức cán bộ", "Thanh tra, khiếu nại, tố cáo") else leaders[
                    i % len(leaders)]
                obj = Field(agency=plan.obj, name=name, abbreviation=initials(name), leader=leader)
                fields.append((obj, [u.created for u in units]))
                plan_fields.append((obj, leader))
            capacity = "TM" if plan.kind in ("province", "district", "commune") else ""
            authorities.append((SigningAuthority(agency=plan.obj, person=head, capacity=capacity), []))
            for deputy in posts_by_key["deputy"]:
                authorities.append((SigningAuthority(agency=plan.obj, person=deputy, capacity="KT"),
                                    [f for f, leader in plan_fields if leader is deputy]))
            for chief in posts_by_key["office_head"]:
                authorities.append((SigningAuthority(agency=plan.obj, person=chief, capacity="TL",
                                                     document_types=["CV", "GM", "TB"]), []))
        self.bulk(Field, [f for f, _ in fields])
        self.bulk(Field.units.through, [Field.units.through(field_id=f.pk, unit_id=u.pk)
                                        for f, units in fields for u in units])
        self.bulk(SigningAuthority, [a for a, _ in authorities])
        self.bulk(SigningAuthority.fields.through, [
            SigningAuthority.fields.through(signingauthority_id=a.pk, field_id=f.pk)
            for a, fs in authorities for f in fs])
        setup = self.start + timedelta(days=16)
        for f, supervised in fields:
            self.event(f.agency_id, setup + timedelta(minutes=rng.uniform(0, 60)), "org.field_created",
                       actor=self.admin, target=f, ip="10.16.0.2",
                       data={"name": f.name, "leader": f.leader_id, "units": sorted(u.pk for u in supervised)})
        for a, fs in authorities:
            self.event(a.agency_id, setup + timedelta(minutes=rng.uniform(60, 120)), "org.signing_authority_saved",
                       actor=self.admin, target=a.person, ip="10.16.0.2",
                       data={"id": a.pk, "created": True, "capacity": a.capacity, "scope": a.scope,
                             "types": a.document_types, "fields": sorted(f.pk for f in fs)})
        self.counts["fields"] = len(fields)
        self.counts["signing_authorities"] = len(authorities)

    def create_delegations(self, plans: list[AgencyPlan]) -> None:
        rng = self.rng
        largest = max(plans, key=lambda p: p.size)
        rows: list[tuple[Delegation, list[tuple[str, datetime, Person | None]]]] = []
        for plan in plans:
            keyed = defaultdict(list)
            for person, (_unit, key) in zip(plan.people, plan.slots, strict=True):
                if person.is_active and person.locked_at is None and not person.must_change_password:
                    keyed[key].append(person)
            head = keyed["head"][0] if keyed["head"] else None
            deputies = keyed["deputy"]
            unit_heads = keyed["department_head"] + keyed["office_head"]
            if head is None or not deputies:
                continue

            def add(delegator: Person, delegate: Person, starts: datetime, ends: datetime, status: str,
                    plan: AgencyPlan = plan, head: Person = head) -> None:
                d = Delegation(agency=plan.obj, delegator=delegator, delegate=delegate, starts_at=starts,
                               ends_at=ends, reason=rng.choice(DELEGATION_REASONS), status=status,
                               scopes=rng.choice([["all"], ["incoming", "outgoing"], ["unit"]]),
                               created_at=starts - timedelta(days=rng.uniform(1, 5)))
                story: list[tuple[str, datetime, Person | None]] = [("delegation.requested", d.created_at, delegator)]
                if status != Delegation.Status.PENDING:
                    d.approver = head if delegator is not head else delegator
                    d.decided_at = d.created_at + timedelta(hours=rng.uniform(1, 20))
                    story.append(("delegation.approved", d.decided_at, d.approver))
                if status == Delegation.Status.REVOKED:
                    assert d.decided_at is not None  # a revoked delegation was approved first (above)
                    story.append(("delegation.revoked", d.decided_at + timedelta(hours=2), delegator))
                elif status == Delegation.Status.APPROVED and ends <= self.now:
                    d.ended_notified = True
                    story.append(("delegation.ended", ends + timedelta(minutes=5), None))
                rows.append((d, story))

            # Past delegations (business trips, leave).
            for _ in range(rng.randint(0, 3)):
                delegator = rng.choice([head] + deputies)
                delegate = rng.choice([p for p in deputies + unit_heads if p is not delegator] or [head])
                if delegate is delegator:
                    continue
                starts = self.work_time(self.start + timedelta(days=30), self.now - timedelta(days=20))
                status = Delegation.Status.REVOKED if rng.random() < 0.1 else Delegation.Status.APPROVED
                add(delegator, delegate, starts, starts + timedelta(days=rng.randint(2, 10)), status)
            # One in force in about a third of the agencies (always in the largest, where the benchmark looks):
            # a long course, so kept benchmark data shows it for two years.
            if plan is largest or rng.random() < 0.33:
                delegator = deputies[0]
                delegate = next((p for p in deputies[1:] + unit_heads), head)
                add(delegator, delegate, self.now - timedelta(days=3), self.now + timedelta(days=730),
                    Delegation.Status.APPROVED)
            # A request waiting for the head's approval.
            if rng.random() < 0.15 and unit_heads:
                delegator = rng.choice(unit_heads)
                deputies_of_units = keyed["department_deputy"] + keyed["office_deputy"]
                delegate = rng.choice(deputies_of_units) if deputies_of_units else head
                starts = self.now + timedelta(days=rng.randint(5, 20))
                add(delegator, delegate, starts, starts + timedelta(days=5), Delegation.Status.PENDING)
        self.bulk(Delegation, [d for d, _ in rows])
        for d, story in rows:
            for verb, at, actor in story:
                data: dict[str, Any] = {}
                if verb == "delegation.requested":
                    data = {"delegate": d.delegate_id, "scopes": d.scopes, "from": d.starts_at, "until": d.ends_at}
                elif verb == "delegation.approved":
                    data = {"delegator": d.delegator_id, "delegate": d.delegate_id, "from": d.starts_at,
                            "until": d.ends_at}
                elif verb == "delegation.ended":
                    data = {"until": d.ends_at}
                self.event(d.agency_id, at, verb, actor=actor, target=d, data=json_native(data),
                           ip=self.ip() if actor else None)
        self.counts["delegations"] = len(rows)

    # -- the event log --------------------------------------------------------------------------------

    def write_events(self) -> None:
        """Each agency's events in time order, chained exactly as core.events.record() chains them."""
        heads = []
        total = 0
        for agency_id, rows in self.events.items():
            rows.sort(key=lambda r: r["at"])
            chain = chain_for(agency_id)
            prev_hash = ""
            batch: list[Event] = []
            for seq, row in enumerate(rows, start=1):
                event = Event(chain=chain, seq=seq, agency_id=agency_id, prev_hash=prev_hash,
                              at=row["at"].astimezone(UTC), **{k: v for k, v in row.items() if k != "at"})
                event.hash = compute_hash(event)
                prev_hash = event.hash
                batch.append(event)
                if len(batch) >= EVENT_BATCH:
                    Event.objects.bulk_create(batch, batch_size=self.batch)
                    batch = []
            if batch:
                Event.objects.bulk_create(batch, batch_size=self.batch)
            heads.append(ChainHead(chain=chain, last_seq=len(rows), last_hash=prev_hash))
            total += len(rows)
        ChainHead.objects.bulk_create(heads, batch_size=self.batch)
        self.events.clear()
        self.counts["events"] = total

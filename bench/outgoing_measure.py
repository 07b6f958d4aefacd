"""Outgoing benchmark, run by bench/outgoing_bench.py in a process with DATABASE_URL set.

    python bench/outgoing_measure.py --documents N [--requests 100] [--clerks 8] [--parts pages,issue,parallel]

Generates once (kept between runs) one agency with N outgoing documents in bulk, then prints
`bench outgoing.<what>.<db>.<statistic> <value> <unit>` lines: the draft list and the document
page (p50/p95, queries), seconds to sign and issue a 10-page document, and on PostgreSQL the
numbers issued per second by parallel clerks (checked for gaps and duplicates).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from conftest import build_org, make_person  # noqa: E402
from qlvb.core.actor import Actor  # noqa: E402
from qlvb.files.services import store_bytes  # noqa: E402
from qlvb.org import services as org_services  # noqa: E402
from qlvb.org.models import Agency, Person, SigningAuthority  # noqa: E402
from qlvb.outgoing import services  # noqa: E402
from qlvb.outgoing.models import (  # noqa: E402
    DraftVersion,
    OutgoingAccess,
    OutgoingDocument,
    OutgoingSettings,
    ReviewStep,
)
from qlvb.registers.models import Register, RegisterCounter  # noqa: E402
from qlvb.registers.services import ensure_default_registers  # noqa: E402

CODE = "000.00.77.H97"
PASSWORD = "Mật-khẩu-Tốt-2026!"
DB = connection.vendor
SUMMARIES = ["V/v báo cáo tình hình ứng dụng công nghệ thông tin quý {q} năm {y}",
             "V/v triển khai kế hoạch chuyển đổi số năm {y} của đơn vị",
             "V/v đôn đốc thực hiện nhiệm vụ bảo đảm an toàn thông tin mạng đợt {q}",
             "V/v tham gia ý kiến dự thảo Quy chế quản lý, vận hành hệ thống năm {y}"]


def figure(what: str, stat: str, value: float, unit: str) -> None:
    print(f"bench outgoing.{what}.{DB}.{stat} {value:.1f} {unit}", flush=True)


def pdf_pages(pages: int, title: str) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<h2>Phần {i + 1}</h2><p>{'Nội dung báo cáo chi tiết về ứng dụng công nghệ thông tin. ' * 60}</p>"
                   f"<div style='page-break-after: always'></div>" for i in range(pages))
    return HTML(string=f"<html><meta charset='utf-8'><body style='font-family: Noto Serif'><h1>{title}</h1>"
                       f"{body}</body></html>").write_pdf()


def setup_agency() -> dict:
    agency = Agency.objects.filter(code=CODE).first()
    if agency is None:
        root = Person.objects.filter(username="bench.root").first() or Person.objects.create_superuser(
            "bench.root", PASSWORD, full_name="Quản trị benchmark", must_change_password=False)
        org = build_org(root, CODE, "SOBENCH", "Sở Benchmark tỉnh Sơn Hà")
        by = Actor(org.admin)
        field = org_services.save_field(by=by, agency=org.agency, name="Công nghệ thông tin", leader=org.deputy,
                                        units=[org.unit])
        org_services.save_signing_authority(by=by, agency=org.agency, person=org.head)
        org_services.save_signing_authority(by=by, agency=org.agency, person=org.deputy,
                                            capacity=SigningAuthority.Capacity.KT, fields=[field])
        OutgoingSettings.objects.update_or_create(agency=org.agency, defaults={"office_check": True,
                                                                               "office_checker": org.clerk})
        for index in range(40):
            person = make_person(org.agency, f"sobench.cv{index}", f"Chuyên Viên {index}")
            org_services.assign_post(by=by, person=person, unit=org.unit, position=org.positions["cv"])
        from qlvb.signatures.demo import create_demo_pki_for

        create_demo_pki_for(org.agency)
        agency = org.agency
    people = {p.username: p for p in Person.objects.filter(agency=agency)}
    return {"agency": agency, "people": people}


def generate(documents: int, ctx: dict) -> None:
    agency = ctx["agency"]
    have = OutgoingDocument.objects.filter(agency=agency).count()
    if have >= documents:
        print(f"# outgoing data kept: {have} documents", flush=True)
        return
    started = time.monotonic()
    ensure_default_registers(agency)
    register = Register.objects.get(agency=agency, direction="out", category="ordinary")
    people = ctx["people"]
    drafters = [p for name, p in sorted(people.items()) if name.startswith("sobench.cv")]
    unit_head, signer = people["sobench.tp"], people["sobench.pgd"]
    unit = unit_head.posts.first().unit
    stored = store_bytes(pdf_pages(1, "Dự thảo"), name="du-thao.pdf")
    now = timezone.now()
    years = [now.year - 2, now.year - 1, now.year]
    numbers = dict.fromkeys(years, 0)
    batch = 20_000
    made = have
    while made < documents:
        rows = []
        for i in range(made, min(made + batch, documents)):
            issued = i % 20 != 0  # 5% still drafts or in review
            year = years[i * len(years) // documents]
            when = now - timedelta(days=(documents - i) * 900 / documents)
            doc = OutgoingDocument(agency=agency, drafting_unit=unit, drafter=drafters[i % len(drafters)],
                                   doc_type="CV", summary=SUMMARIES[i % 4].format(q=1 + i % 4, y=year),
                                   signer=signer, signing_capacity="KT", created_at=when)
            if issued:
                numbers[year] += 1
                doc.status = OutgoingDocument.Status.ISSUED
                doc.register, doc.year, doc.number = register, year, numbers[year]
                doc.notation, doc.issued_at, doc.issued_file = "SOBENCH-CNTT", when, stored
            else:
                doc.status = OutgoingDocument.Status.IN_REVIEW if i % 40 == 0 else OutgoingDocument.Status.DRAFT
            rows.append(doc)
        with transaction.atomic():
            created = OutgoingDocument.objects.bulk_create(rows, batch_size=5000)
            if not all(d.pk for d in created):  # SQLite before 3.35 returns no ids
                created = list(OutgoingDocument.objects.filter(agency=agency).order_by("-pk")[:len(rows)])
            OutgoingAccess.objects.bulk_create(
                [OutgoingAccess(document=d, person_id=d.drafter_id, reason="drafter", issued_at=d.issued_at)
                 for d in created],
                batch_size=5000)
            DraftVersion.objects.bulk_create(
                [DraftVersion(document=d, number=1, stored=stored, name="du-thao.pdf", author_id=d.drafter_id,
                              role="drafter") for d in created], batch_size=5000)
            ReviewStep.objects.bulk_create(
                [ReviewStep(document=d, order=1, kind="unit_head", reviewer=unit_head, state="pending",
                            due_date=now.date()) for d in created if d.status == OutgoingDocument.Status.IN_REVIEW],
                batch_size=5000)
        made += len(rows)
        print(f"# generated {made} outgoing documents ({time.monotonic() - started:.0f} s)", flush=True)
    for year, last in numbers.items():
        RegisterCounter.objects.update_or_create(register=register, year=year, defaults={"last_number": last})
    with connection.cursor() as cursor:  # fresh statistics, as the daily job keeps them in production
        cursor.execute("ANALYZE")
    print(f"bench outgoing.generate.{DB}.seconds {time.monotonic() - started:.1f} s", flush=True)


def client_for(person: Person) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": person.username, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def time_page(client: Client, url: str, requests: int) -> tuple[list[float], int]:
    for _ in range(5):
        client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return times, queries


def report(what: str, times: list[float], queries: int) -> None:
    ordered = sorted(times)
    figure(what, "p50", statistics.median(ordered), "ms")
    figure(what, "p95", ordered[int(len(ordered) * 0.95) - 1], "ms")
    print(f"bench outgoing.{what}.{DB}.queries {queries} count", flush=True)


def pages(ctx: dict, requests: int) -> None:
    people = ctx["people"]
    drafter = people["sobench.cv1"]
    client = client_for(drafter)
    report("draft_list", *time_page(client, "/outgoing/list/mine/", requests))
    report("issued_list", *time_page(client, "/outgoing/list/issued/", requests))
    # The same list through a leader's grant (every non-secret issued document of the agency) and
    # the clerk's (secret ones too), and the drafter's last page: the query count stays flat.
    report("issued_list_leader", *time_page(client_for(people["sobench.gd"]), "/outgoing/list/issued/", requests))
    report("issued_list_clerk", *time_page(client_for(people["sobench.vt"]), "/outgoing/list/issued/", requests))
    _times, last_queries = time_page(client, "/outgoing/list/issued/?page=40", 3)
    _times, first_queries = time_page(client, "/outgoing/list/issued/", 3)
    print(f"bench outgoing.issued_list.{DB}.query_growth {last_queries - first_queries} count", flush=True)
    doc = OutgoingDocument.objects.filter(drafter=drafter, status="issued").order_by("-pk").first()
    report("document", *time_page(client, f"/outgoing/{doc.pk}/", requests))
    light = people["sobench.cv39"]
    _times, light_queries = time_page(client_for(light), "/outgoing/list/mine/", 3)
    _times, heavy_queries = time_page(client, "/outgoing/list/mine/", 3)
    print(f"bench outgoing.draft_list.{DB}.query_growth {heavy_queries - light_queries} count", flush=True)


def signed_draft(ctx: dict, pdf: bytes, index: int) -> OutgoingDocument:
    from django.core.files.base import ContentFile

    from qlvb.signatures.models import Certificate

    people, agency = ctx["people"], ctx["agency"]
    specialist = people["sobench.cv"]
    field = agency.fields.first()
    doc = services.create_draft(by=Actor(specialist), agency=agency, uploads=[ContentFile(pdf, name="bao-cao.pdf")],
                                fields={"doc_type": "CV", "field": field,
                                        "summary": f"V/v báo cáo đo hiệu năng phát hành lần {index}"})
    services.submit(by=Actor(specialist), document=doc, signer=people["sobench.pgd"])
    for name in ("sobench.tp", "sobench.vt", "sobench.pgd"):
        services.approve(by=Actor(people[name]), document=doc)
    certificate = Certificate.objects.filter(person=people["sobench.pgd"], is_active=True).first()
    services.authorise_signing(by=Actor(people["sobench.pgd"]), document=doc, certificate=certificate, secret="")
    return doc


def sign_and_issue(ctx: dict) -> None:
    pdf = pdf_pages(10, "Báo cáo 10 trang")
    clerk = ctx["people"]["sobench.vt"]
    times = []
    for index in range(3):
        doc = signed_draft(ctx, pdf, index)
        started = time.perf_counter()
        services.issue(by=Actor(clerk), document=doc)
        times.append(time.perf_counter() - started)
    figure("sign_and_issue_10_pages", "median", statistics.median(times), "s")


def parallel_issue(ctx: dict, clerks: int) -> None:
    pdf = pdf_pages(1, "Văn bản")
    clerk = ctx["people"]["sobench.vt"]
    docs = [signed_draft(ctx, pdf, 100 + i) for i in range(clerks * 3)]
    before = set(OutgoingDocument.objects.filter(agency=ctx["agency"], year=timezone.localdate().year)
                 .values_list("number", flat=True))
    queue = list(docs)
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    doc = queue.pop()
                services.issue(by=Actor(clerk), document=doc)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    started = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(clerks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    after = set(OutgoingDocument.objects.filter(agency=ctx["agency"], year=timezone.localdate().year)
                .values_list("number", flat=True))
    new = sorted(after - before)
    gaps = 0 if new == list(range(new[0], new[0] + len(new))) else 1
    print(f"bench outgoing.issue.{DB}.{clerks}_clerks {len(docs) / elapsed:.1f} per_s", flush=True)
    print(f"bench outgoing.issue.{DB}.gaps {gaps + len(errors)} count", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--clerks", type=int, default=8)
    parser.add_argument("--parts", default="pages,issue,parallel",
                        help="what to measure after generating: pages, issue (one clerk), parallel (PostgreSQL)")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    ctx = setup_agency()
    generate(args.documents, ctx)
    if "pages" in parts:
        pages(ctx, args.requests)
    if "issue" in parts:
        sign_and_issue(ctx)
    if DB == "postgresql" and "parallel" in parts:
        parallel_issue(ctx, args.clerks)


if __name__ == "__main__":
    main()

"""Exchange benchmark, reception-queue part, run by bench/exchange_bench.py with DATABASE_URL set.

    python bench/exchange_measure.py --waiting N [--requests 60]

Generates once (kept between runs) one agency with N packages waiting in its reception queue
(bulk rows, a few files, 1 in 20 urgent), then prints `bench exchange.queue_page.<db>.<stat>` lines:
the queue page as its clerk sees it (default view, page 5, a search, a source filter).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from conftest import build_org  # noqa: E402
from qlvb.exchange.models import ReceptionItem  # noqa: E402
from qlvb.org.models import Agency, Person  # noqa: E402

CODE = "000.00.76.H96"
PASSWORD = "Mật-khẩu-Tốt-2026!"
DB = connection.vendor
SENDERS = [("000.00.00.G22", "Văn phòng Chính phủ"), ("000.00.00.H41", "UBND tỉnh Nghệ An"),
           ("000.00.15.H51", "Sở Thông tin và Truyền thông tỉnh Sơn La"), ("000.00.03.H51", "Sở Nội vụ tỉnh Sơn La")]


def figure(what: str, stat: str, value: float, unit: str) -> None:
    print(f"bench exchange.{what}.{DB}.{stat} {value:.1f} {unit}", flush=True)


def generate(waiting: int) -> Agency:
    agency = Agency.objects.filter(code=CODE).first()
    if agency is None:
        root = Person.objects.filter(username="bench-exchange-root").first() or Person.objects.create_superuser(
            "bench-exchange-root", PASSWORD, full_name="Quản trị", must_change_password=False)
        agency = build_org(root, CODE, "BENCHX", "Cơ quan thử tiếp nhận").agency
    have = ReceptionItem.objects.filter(receiver=agency).count()
    now = timezone.now()
    started = time.monotonic()
    batch = []
    for n in range(have, waiting):
        code, name = SENDERS[n % len(SENDERS)]
        batch.append(ReceptionItem(
            receiver=agency, source=ReceptionItem.Source.PEER if n % 3 else ReceptionItem.Source.INSTALLATION,
            sender_code=code, sender_name=name, document_id=f"{code},2026/01/01,{n}/BENCH",
            reference=f"{n}/BENCH", summary=f"V/v triển khai nhiệm vụ số {n} về chuyển đổi số năm 2026",
            doc_type="CV", urgent=n % 20 == 0, fields={"number": str(n), "notation": "BENCH"},
            received_at=now - timedelta(minutes=n)))
        if len(batch) == 2000:
            with transaction.atomic():
                ReceptionItem.objects.bulk_create(batch)
            batch = []
    if batch:
        with transaction.atomic():
            ReceptionItem.objects.bulk_create(batch)
    if waiting > have:
        print(f"# generated {waiting - have} waiting packages in {time.monotonic() - started:.1f} s", flush=True)
    if DB == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE exchange_receptionitem")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return agency


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--waiting", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    agency = generate(args.waiting)
    clerk = Person.objects.get(username="benchx.vt")
    client = Client()
    response = client.post("/accounts/login/", {"username": clerk.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    urls = ["/exchange/", "/exchange/?page=5", "/exchange/?q=chuy%E1%BB%83n", "/exchange/?source=peer"]
    for url in urls:
        assert client.get(url).status_code == 200, url
    times = []
    for n in range(args.requests):
        url = urls[n % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/exchange/")
    times.sort()
    figure("queue_page", "p50", statistics.median(times), "ms")
    figure("queue_page", "p95", times[int(len(times) * 0.95) - 1], "ms")
    figure("queue_page", "queries", len(queries), "queries")
    print(f"# {ReceptionItem.objects.filter(receiver=agency, state='waiting').count()} waiting", flush=True)


if __name__ == "__main__":
    main()

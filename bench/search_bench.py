"""`make bench`, search part (R28): 1,000,000 documents of one agency (20,000 with --scale small), of
which one in ten carries about two pages of OCR text, on SQLite and PostgreSQL, kept between runs
(bench/data/search-<scale>.sqlite3, database qlvb_bench_search_<scale>).

    python bench/search_bench.py [--scale small|full] [--queries 40]

Prints `bench search.<query>.<db>.<stat> <value> ms` for one-word, three-word and filtered queries
(as the agency head, who may open every non-secret document, and as a specialist, who may open the
documents of their access rows), and `bench search.index.<db>.docs_per_s` for the index upkeep of
the services (one document at a time, into the full index) and for the bulk load.
The text is sampled from the regulations in /work/shared/seeds (or the copy named by QLVB_SEEDS).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import run  # noqa: E402  (bench/run.py: the shared PostgreSQL set-up)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "bench" / "data"
DOCUMENTS = {"small": 20_000, "full": 1_000_000}
SEEDS = Path(os.environ.get("QLVB_SEEDS", "/work/shared/seeds"))
CODE = "000.00.88.H98"
ACCESS_DOCS = 3_000  # documents the specialist has access rows for
OFFSET = 10_000_000  # document ids of the entries with no real document behind them


def postgres_url(scale: str) -> str | None:
    return run.postgres_url(scale, "qlvb_bench_search")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(DOCUMENTS), default="full")
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--cases", default="", help="comma-separated subset, e.g. filtered,one_word")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(DOCUMENTS[args.scale], args.queries, [c for c in args.cases.split(",") if c])
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    urls = {"sqlite": f"sqlite:///{DATA_DIR / f'search-{args.scale}.sqlite3'}",
            "postgresql": postgres_url(args.scale) if args.only != "sqlite" else None}
    status = 0
    for vendor, url in urls.items():
        if not url or (args.only and args.only != vendor):
            continue
        env = {**os.environ, "DATABASE_URL": url, "QLVB_VAR_DIR": str(DATA_DIR / "var"), "TESTING": "0",
               "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost", "MEDIA_ROOT": str(DATA_DIR / "var" / "files")}
        subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), "migrate", "-v0"], env=env, check=True)
        result = subprocess.run([sys.executable, __file__, "--measure", "--scale", args.scale,
                                 "--queries", str(args.queries), "--cases", args.cases], env=env)
        status = status or result.returncode
    return status


# --- Inside the measuring process ------------------------------------------------------------

def sentences() -> list[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    text = re.sub(r"[*#|_]+", " ", text)
    parts = [s.strip() for s in re.split(r"(?<=[.;:])\s+|\n+", text)]
    return [re.sub(r"\s+", " ", s) for s in parts if len(s.split()) >= 5]


TEMPLATES = ["Quyết định ban hành {x}", "Công văn về việc {x}", "Kế hoạch triển khai {x}", "Báo cáo kết quả {x}",
             "Thông báo kết luận về {x}", "Tờ trình đề nghị {x}", "Giấy mời họp bàn về {x}",
             "Đôn đốc thực hiện {x}", "Hướng dẫn {x}", "Chỉ thị về tăng cường {x}"]
ISSUERS = ["Ủy ban nhân dân tỉnh Sơn La", "Bộ Thông tin và Truyền thông", "Sở Nội vụ tỉnh Sơn La",
           "Sở Tài chính tỉnh Sơn La", "Văn phòng Chính phủ", "Sở Kế hoạch và Đầu tư", "Công an tỉnh Sơn La",
           "Ủy ban nhân dân huyện Mộc Châu", "Sở Giáo dục và Đào tạo", "Bảo hiểm xã hội tỉnh"]
TYPES = ["CV", "QĐ", "KH", "BC", "TB", "TTr", "GM", "CT", "HD"]


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    import django

    django.setup()


def generate(n: int) -> dict:
    """The agency, its head and a specialist with access rows, and n search entries (once)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from conftest import build_org
    from qlvb.core.text import fold
    from qlvb.incoming.models import DocumentAccess, IncomingDocument
    from qlvb.org.models import Agency, Person
    from qlvb.search.models import SearchEntry
    from qlvb.search.services import fold_for_index

    agency = Agency.objects.filter(code=CODE).first()
    if agency is None:
        root = Person.objects.filter(username="bench.search.root").first() or Person.objects.create_superuser(
            "bench.search.root", "Mật-khẩu-Tốt-2026!", full_name="Quản trị", must_change_password=False)
        build_org(root, CODE, "SBENCH", "Sở Thử nghiệm tra cứu")
        agency = Agency.objects.get(code=CODE)
    head = Person.objects.get(username="sbench.gd")
    specialist = Person.objects.get(username="sbench.cv")
    have = SearchEntry.objects.filter(agency=agency).count()
    if have >= n:
        return {"agency": agency, "head": head, "specialist": specialist, "generated": None}

    rng = random.Random(42)
    pool = sentences()
    folded_pool = [fold_for_index(s) for s in pool]
    units = list(agency.units.values_list("pk", flat=True))
    today = date.today()
    # Real documents for the specialist's access rows (visibility is data: the rows need documents).
    if not DocumentAccess.objects.filter(person=specialist).exists():
        docs = [IncomingDocument(agency=agency, issuer_name=ISSUERS[i % 10], document_date=today, doc_type="CV",
                                 summary=f"Văn bản thử nghiệm số {i}", status="routed", created_by=head)
                for i in range(ACCESS_DOCS)]
        IncomingDocument.objects.bulk_create(docs, batch_size=1000)
        DocumentAccess.objects.bulk_create([DocumentAccess(document=d, person=specialist, reason="assigned")
                                            for d in docs], batch_size=1000)
    access_ids = list(DocumentAccess.objects.filter(person=specialist).values_list("document_id", flat=True))
    started = time.perf_counter()
    batch = 5_000
    vendor = connection.vendor
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS search_entry_vector")
            cursor.execute("DROP INDEX IF EXISTS search_entry_title_trgm")
            cursor.execute("CREATE UNLOGGED TABLE IF NOT EXISTS bench_stage (id bigint, ft text, fb text)")
    next_id = (SearchEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    now = timezone.now()
    for start in range(have, n, batch):
        entries, fts = [], []
        for i in range(start, min(n, start + batch)):
            topic_idx = rng.randrange(len(pool))
            topic = " ".join(pool[topic_idx].split()[:rng.randint(6, 14)]).rstrip(".,;:")
            template = TEMPLATES[i % len(TEMPLATES)]
            title = template.format(x=topic[0].lower() + topic[1:])
            issuer = ISSUERS[rng.randrange(10)]
            field_idx = [rng.randrange(len(pool)) for _ in range(2)]
            body_parts = [issuer, pool[field_idx[0]], pool[field_idx[1]]]
            folded_parts = [fold_for_index(issuer), folded_pool[field_idx[0]], folded_pool[field_idx[1]]]
            if i % 10 == 0:  # one in ten has about two pages of OCR text (~5,000 characters)
                picks = [rng.randrange(len(pool)) for _ in range(40)]
                body_parts += [pool[k] for k in picks]
                folded_parts += [folded_pool[k] for k in picks]
            secret = "mat" if i % 200 == 0 else ""
            document_id = access_ids[i] if i < len(access_ids) else OFFSET + i
            entry_id = next_id + (i - have)
            doc_type = TYPES[rng.randrange(len(TYPES))]
            reference = f"{i % 9000 + 1}/{doc_type}-UBND"
            entries.append(SearchEntry(
                id=entry_id, kind="incoming", document_id=document_id, agency=agency, doc_type=doc_type,
                issuer=issuer, issuer_folded=fold(issuer), register_id=None,
                date=today - timedelta(days=rng.randrange(3650)), urgency="khan" if i % 17 == 0 else "",
                secrecy=secret, status=("completed", "in_progress", "routed")[rng.randrange(3)],
                unit_id=units[i % len(units)],
                reference=reference, title=title[:600], title_folded=fold(title)[:600], body="\n".join(body_parts),
                indexed_at=now))
            fts.append((entry_id, fold_for_index(reference + " " + title), " ".join(folded_parts)))
        with transaction.atomic():
            SearchEntry.objects.bulk_create(entries, batch_size=1000)
            with connection.cursor() as cursor:
                if vendor == "sqlite":
                    cursor.executemany("INSERT INTO search_fts(rowid, title, body) VALUES (%s, %s, %s)", fts)
                else:
                    with cursor.cursor.copy("COPY bench_stage (id, ft, fb) FROM STDIN") as copy:
                        for row in fts:
                            copy.write_row(row)
                    cursor.execute("UPDATE search_searchentry e SET vector = setweight(to_tsvector('simple', s.ft), "
                                   "'A') || setweight(to_tsvector('simple', s.fb), 'D') FROM bench_stage s "
                                   "WHERE e.id = s.id")
                    cursor.execute("TRUNCATE bench_stage")
        done = min(n, start + batch)
        if done % 100_000 == 0 or done == n:
            rate = (done - have) / (time.perf_counter() - started)
            print(f"# generated {done:,} entries ({rate:,.0f}/s)", flush=True)
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            print("# building the GIN and trigram indexes…", flush=True)
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute("CREATE INDEX IF NOT EXISTS search_entry_vector ON search_searchentry USING gin (vector)")
            cursor.execute("CREATE INDEX IF NOT EXISTS search_entry_title_trgm ON search_searchentry "
                           "USING gin (title_folded gin_trgm_ops)")
            cursor.execute("DROP TABLE IF EXISTS bench_stage")
            cursor.execute("VACUUM ANALYZE search_searchentry")
        else:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    return {"agency": agency, "head": head, "specialist": specialist, "generated": (n - have) / elapsed}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure(n: int, queries: int, only: list[str]) -> int:
    setup_django()
    from django.db import connection, transaction

    from qlvb.core.text import fold
    from qlvb.search import selectors, services
    from qlvb.search.models import SearchEntry

    vendor = connection.vendor
    made = generate(n)
    if made["generated"]:
        print(f"bench search.bulk_load.{vendor}.docs_per_s {made['generated']:.0f} docs/s", flush=True)
    with connection.cursor() as cursor:  # planner statistics, as the nightly job keeps them
        if vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")
        cursor.execute("ANALYZE")
    rng = random.Random(7)
    words = sorted({w for s in sentences() for w in s.split() if len(fold(w)) >= 4 and w.isalpha()})
    pool = sentences()
    one_word = [rng.choice(words) for _ in range(queries)]
    three_words = []
    for _ in range(queries):
        sentence = rng.choice(pool).split()
        k = rng.randrange(max(1, len(sentence) - 3))
        three_words.append(" ".join(fold(w) for w in sentence[k:k + 3]))  # typed without accents
    today = date.today()
    filtered = [(w, {"doc_type": rng.choice(TYPES), "date_from": today - timedelta(days=365 * 3),
                     "date_to": today, "status": "completed"}) for w in one_word]
    cases = {
        "one_word": [(q, {}) for q in one_word],
        "three_word": [(q, {}) for q in three_words],
        "filtered": filtered,
        "one_word_specialist": [(q, {}) for q in one_word],
        "three_word_specialist": [(q, {}) for q in three_words],
    }
    for name, items in cases.items():
        if only and name not in only:
            continue
        viewer = made["specialist"] if name.endswith("specialist") else made["head"]
        selectors.search(viewer, items[0][0], filters=items[0][1])  # warm up
        times, totals = [], []
        for text, filters in items:
            started = time.perf_counter()
            result = selectors.search(viewer, text, filters=filters)
            times.append((time.perf_counter() - started) * 1000)
            totals.append(result.total)
        print(f"bench search.{name}.{vendor}.p50 {statistics.median(times):.1f} ms", flush=True)
        print(f"bench search.{name}.{vendor}.p95 {percentile(times, 95):.1f} ms", flush=True)
        print(f"# {name}: median hits counted {statistics.median(totals):.0f} (capped at {selectors.COUNT_CAP})",
              flush=True)
    if only and "index" not in only:
        return 0
    # Index upkeep as the services do it: one document at a time, into the full index.
    sample = list(SearchEntry.objects.filter(agency=made["agency"]).order_by("-id")
                  .values_list("id", "kind", "document_id")[:300])
    started = time.perf_counter()
    for entry_id, kind, document_id in sample:
        entry = SearchEntry.objects.get(pk=entry_id)
        values = {f: getattr(entry, f) for f in ("agency_id", "doc_type", "issuer", "register_id", "date", "urgency",
                                                   "secrecy", "status", "unit_id", "reference", "title", "body")}
        with transaction.atomic():
            services._store(kind, document_id, values)
    rate = len(sample) / (time.perf_counter() - started)
    print(f"bench search.index.{vendor}.docs_per_s {rate:.0f} docs/s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

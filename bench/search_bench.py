"""`make bench`, search part (R28): the search entries of one agency, of which one in ten carries
about two pages of OCR text, kept between runs (a run only tops up what is missing):

- `--scale full`: 5,000,000 entries on PostgreSQL (database qlvb_bench_search_full, about 15 GB
  with its indexes) and 1,000,000 on SQLite (bench/data/search-full.sqlite3);
- `--scale small`: 20,000 on both (bench/data/search-small.sqlite3, qlvb_bench_search_small).

    python bench/search_bench.py [--scale small|full] [--only sqlite|postgresql] [--queries 40]

Prints `bench search.<query>.<db>.<stat> <value> ms` for one-word, three-word and filtered queries
(as the agency head, who may open every non-secret document, and as the specialist, who may open
the documents of their access rows), `bench search.entries.<db> <n> rows`, and
`bench search.index.<db>.docs_per_s` for the index upkeep of the services (one document at a time,
into the full index) and `bench search.bulk_load.<db>.docs_per_s` when entries were generated.
Other lines start with `#`.

The text is sampled from the regulations in /work/shared/seeds (or the copy named by QLVB_SEEDS):
each sentence is folded once (qlvb.core.text.fold, as services.fold_for_index) and an entry takes
the original and the folded words of the sentences it picks, so the bulk load folds nothing per row
yet stores exactly what services._store and services._fts_write would (checked on a sample after
every run). On PostgreSQL the rows are COPied into an unlogged staging table and moved into
search_searchentry by one INSERT … SELECT per 250,000 that computes the vector
(setweight(to_tsvector('simple', …), 'A') || …); on SQLite they are inserted with executemany
beside the FTS5 rows. A large load drops the full-text and covering indexes and builds
them once at the end (maintenance_work_mem 2 GB, one parallel worker), the indexes only PostgreSQL has
(PG_INDEXES) with them.
"""

from __future__ import annotations

import argparse
import gc
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
DOCUMENTS = {"small": {"sqlite": 20_000, "postgresql": 20_000},
             "full": {"sqlite": 1_000_000, "postgresql": 5_000_000}}
SEEDS = Path(os.environ.get("QLVB_SEEDS", "/work/shared/seeds"))
CODE = "000.00.88.H98"
ACCESS_DOCS = 3_000  # documents the specialist has access rows for
OFFSET = 10_000_000  # document ids of the entries with no real document behind them
LONG_EVERY = 10  # one entry in ten carries about two pages of OCR text


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
        return measure(args.scale, args.queries, [c for c in args.cases.split(",") if c])
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


class Corpus:
    """The seed sentences, each folded once (fold_for_index): an entry picks a sentence by index and
    takes its original and its folded words from the same place, so no row is folded on its own."""

    def __init__(self) -> None:
        from qlvb.core.text import fold
        from qlvb.search.services import fold_for_index

        self.fold, self.fold_for_index = fold, fold_for_index
        self.pool = sentences()
        self.folded = [fold_for_index(s) for s in self.pool]
        self.words = [s.split() for s in self.pool]
        # issuer, issuer_folded (as services._store), its folded words (as in the body)
        self.issuers = [(x, fold(x)[:200], fold_for_index(x)) for x in ISSUERS]
        # "123/QĐ-UBND" is indexed as "123 qd ubnd": the number, then these words
        self.references = [(t, fold_for_index(f"{t}-UBND")) for t in TYPES]
        self.dates = [date.today() - timedelta(days=d) for d in range(3650)]  # ten years
        self._titles: dict[tuple[int, int, int], tuple[str, str, str]] = {}

    def title(self, template: int, topic: int, length: int) -> tuple[str, str, str]:
        """(title, title_folded, its folded words): ~830 sentences × 9 lengths × 10 templates."""
        key = (template, topic, length)
        made = self._titles.get(key)
        if made is None:
            clause = " ".join(self.words[topic][:length]).rstrip(".,;:")
            title = TEMPLATES[template].format(x=clause[0].lower() + clause[1:])[:600]
            made = self._titles[key] = (title, self.fold(title)[:600], self.fold_for_index(title))
        return made


BLOCK = 10_000  # entries drawn from one seeded generator: a top-up draws what a full run would


def entries(corpus: Corpus, start: int, stop: int, *, access_ids: list[int], units: list[int],
            long_every: int):
    """Entries start..stop-1 as tuples in the order of COLUMNS, followed by the two texts the
    full-text index is built from, already folded: fold_for_index(reference + " " + title) and
    fold_for_index(body)."""
    pool, folded, issuers, references, dates = (corpus.pool, corpus.folded, corpus.issuers, corpus.references,
                                                corpus.dates)
    size = len(pool)
    statuses = ("completed", "in_progress", "routed")
    rng = random.Random()
    for i in range(start, stop):
        if i == start or i % BLOCK == 0:
            rng.seed(f"qlvb-search-bench-{i}")
        randrange = rng.randrange
        title, title_folded, title_words = corpus.title(i % len(TEMPLATES), randrange(size), rng.randint(6, 14))
        issuer, issuer_folded, issuer_words = issuers[randrange(10)]
        a, b = randrange(size), randrange(size)
        body_parts = [issuer, pool[a], pool[b]]
        folded_parts = [issuer_words, folded[a], folded[b]]
        if i % long_every == 0:  # about two pages of OCR text (~4,400 characters)
            picks = [randrange(size) for _ in range(40)]
            body_parts += [pool[k] for k in picks]
            folded_parts += [folded[k] for k in picks]
        doc_type, type_words = references[randrange(len(references))]
        number = i % 9000 + 1
        yield (
            access_ids[i] if i < len(access_ids) else OFFSET + i,  # document_id
            doc_type, issuer, issuer_folded,
            dates[randrange(3650)],
            "khan" if i % 17 == 0 else "",  # urgency
            "mat" if i % 200 == 0 else "",  # secrecy: one in 200
            statuses[randrange(3)],
            units[i % len(units)],
            f"{number}/{doc_type}-UBND", title, title_folded,
            "\n".join(body_parts),
            f"{number} {type_words} {title_words}",
            " ".join(folded_parts),
        )


# search_searchentry's columns the generator fills (kind, agency, register, indexed_at are the same
# for every entry), then the folded title and body of the full-text index.
COLUMNS = ("document_id", "doc_type", "issuer", "issuer_folded", "date", "urgency", "secrecy", "status", "unit_id",
           "reference", "title", "title_folded", "body")
FTS_SQL = {  # what services._fts_write writes, from the folded texts
    "postgresql": "setweight(to_tsvector('simple', {ft}), 'A') || setweight(to_tsvector('simple', {fb}), 'D')",
}
PG_INDEXES = {  # created by migrations search/0006 and 0008 on PostgreSQL only
    "search_entry_vector_filters": "CREATE INDEX IF NOT EXISTS search_entry_vector_filters ON search_searchentry "
                                   "USING gin (doc_type, status, vector)",
    "search_agency_type_id": "CREATE INDEX IF NOT EXISTS search_agency_type_id ON search_searchentry "
                             "(agency_id, doc_type, id, status, date)",
}


def note(text: str) -> None:
    print(f"# {text}", flush=True)


def drop_indexes(vendor: str) -> None:
    """The full-text and covering indexes, rebuilt once after a bulk load (ensure_indexes)."""
    from django.db import connection

    from qlvb.search.models import SearchEntry

    with connection.cursor() as cursor:
        existing = connection.introspection.get_constraints(cursor, SearchEntry._meta.db_table)
        if vendor == "postgresql":
            for name in PG_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
    with connection.schema_editor() as editor:
        for index in SearchEntry._meta.indexes:
            if index.name in existing:
                editor.remove_index(SearchEntry, index)


def ensure_indexes(vendor: str) -> bool:
    """Every index of the migrations there (after a load, or a load that was interrupted); True if
    some had to be built."""
    from django.db import connection

    from qlvb.search.models import SearchEntry

    with connection.cursor() as cursor:
        existing = connection.introspection.get_constraints(cursor, SearchEntry._meta.db_table)
        missing = [index for index in SearchEntry._meta.indexes if index.name not in existing]
        raw = [sql for name, sql in PG_INDEXES.items() if vendor == "postgresql" and name not in existing]
        if not missing and not raw:
            return False
        if vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '2GB'")
            cursor.execute("SET max_parallel_maintenance_workers = 1")  # the machine is shared
        for sql in raw:
            started = time.perf_counter()
            cursor.execute(sql)
            note(f"built {sql.split()[5]} in {time.perf_counter() - started:.0f} s")
    for index in missing:
        started = time.perf_counter()
        with connection.schema_editor() as editor:
            editor.add_index(SearchEntry, index)
        note(f"built {index.name} in {time.perf_counter() - started:.0f} s")
    return True


def load_postgresql(rows, count: int, agency_id: int, first_id: int, now) -> None:
    """COPY into an unlogged staging table, then one INSERT … SELECT per chunk that computes the
    vector set-based (to_tsvector of the folded texts, as services._fts_write)."""
    from django.db import connection, transaction

    columns = ", ".join(COLUMNS)
    vector = FTS_SQL["postgresql"].format(ft="ft", fb="fb")
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET synchronize_seqscans = off")  # the staging table read from its start: ids in order
        cursor.execute("DROP TABLE IF EXISTS bench_stage")
        cursor.execute("CREATE UNLOGGED TABLE bench_stage (id bigint, document_id integer, doc_type text, "
                       "issuer text, issuer_folded text, date date, urgency text, secrecy text, status text, "
                       "unit_id integer, reference text, title text, title_folded text, body text, ft text, "
                       "fb text)")
        # staged once and read once: not worth compressing
        cursor.execute("ALTER TABLE bench_stage ALTER body SET STORAGE EXTERNAL, ALTER fb SET STORAGE EXTERNAL")
        with transaction.atomic():
            with cursor.cursor.copy(f"COPY bench_stage (id, {columns}, ft, fb) FROM STDIN") as copy:
                for k, row in enumerate(rows):
                    copy.write_row((first_id + k, *row))
            cursor.execute(f"INSERT INTO search_searchentry (id, kind, agency_id, register_id, indexed_at, "  # noqa: S608
                           f"{columns}, vector) SELECT id, 'incoming', %s, NULL, %s, {columns}, {vector} "
                           f"FROM bench_stage", [agency_id, now])
            cursor.execute("DROP TABLE bench_stage")


def load_sqlite(rows, count: int, agency_id: int, first_id: int, now) -> None:
    from django.db import connection, transaction

    columns = ", ".join(COLUMNS)
    stamp = connection.ops.adapt_datetimefield_value(now)
    entries_sql = (f"INSERT INTO search_searchentry (id, kind, agency_id, register_id, indexed_at, {columns}) "  # noqa: S608
                   f"VALUES (%s, 'incoming', {agency_id}, NULL, %s, {', '.join(['%s'] * len(COLUMNS))})")
    with transaction.atomic(), connection.cursor() as cursor:
        batch = []
        for k, row in enumerate(rows):
            batch.append((first_id + k, row))
            if len(batch) == 2_000 or k == count - 1:
                cursor.executemany(entries_sql, [(i, stamp, *r[:4], r[4].isoformat(), *r[5:13]) for i, r in batch])
                cursor.executemany("INSERT INTO search_fts(rowid, title, body) VALUES (%s, %s, %s)",
                                   [(i, r[13], r[14]) for i, r in batch])
                batch = []


def check_index(vendor: str, agency, sample: int = 200) -> None:
    """Entries spread over the whole table hold exactly what the services would write for them."""
    from django.db import connection

    from qlvb.core.text import fold
    from qlvb.search.models import SearchEntry
    from qlvb.search.services import fold_for_index

    ids = list(SearchEntry.objects.filter(agency=agency).order_by("id").values_list("id", flat=True)[:1])
    last = SearchEntry.objects.filter(agency=agency).order_by("-id").values_list("id", flat=True).first()
    if not ids or last is None:
        return
    step = max(1, (last - ids[0]) // sample)
    wanted = list(range(ids[0], last + 1, step))[:sample] + [last]
    bad = []
    with connection.cursor() as cursor:
        for entry in SearchEntry.objects.filter(pk__in=wanted).defer("indexed_at"):
            if entry.title_folded != fold(entry.title)[:600] or entry.issuer_folded != fold(entry.issuer)[:200]:
                bad.append(entry.pk)
                continue
            ft, fb = fold_for_index(f"{entry.reference} {entry.title}"), fold_for_index(entry.body)
            if vendor == "postgresql":
                cursor.execute("SELECT vector = " + FTS_SQL["postgresql"].format(ft="%s", fb="%s")  # noqa: S608
                               + " FROM search_searchentry WHERE id = %s", [ft, fb, entry.pk])
                same = cursor.fetchone()[0]
            else:
                cursor.execute("SELECT title = %s AND body = %s FROM search_fts WHERE rowid = %s", [ft, fb, entry.pk])
                found = cursor.fetchone()
                same = bool(found and found[0])
            if not same:
                bad.append(entry.pk)
    if bad:
        raise SystemExit(f"search entries not indexed as services._fts_write would: {bad[:10]}")
    note(f"checked {len(wanted)} entries spread over the table: folded columns and full-text index as the "
         "services write them")


def generate(n: int) -> dict:
    """The agency, its head and a specialist with access rows, and n search entries (topped up:
    only the missing entries are generated)."""
    from django.db import connection
    from django.utils import timezone

    from conftest import build_org
    from qlvb.incoming.models import DocumentAccess, IncomingDocument
    from qlvb.org.models import Agency, Person
    from qlvb.search.models import SearchEntry

    vendor = connection.vendor
    agency = Agency.objects.filter(code=CODE).first()
    if agency is None:
        root = Person.objects.filter(username="bench.search.root").first() or Person.objects.create_superuser(
            "bench.search.root", "Mật-khẩu-Tốt-2026!", full_name="Quản trị", must_change_password=False)
        build_org(root, CODE, "SBENCH", "Sở Thử nghiệm tra cứu")
        agency = Agency.objects.get(code=CODE)
    head = Person.objects.get(username="sbench.gd")
    specialist = Person.objects.get(username="sbench.cv")
    made = {"agency": agency, "head": head, "specialist": specialist, "generated": None}
    have = SearchEntry.objects.filter(agency=agency).count()
    if have >= n:
        if ensure_indexes(vendor):  # a load interrupted while the indexes were being rebuilt
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE search_searchentry" if vendor == "postgresql" else "ANALYZE")
        return made

    started = time.perf_counter()
    corpus = Corpus()
    units = list(agency.units.order_by("pk").values_list("pk", flat=True))
    # Real documents for the specialist's access rows (visibility is data: the rows need documents).
    if not DocumentAccess.objects.filter(person=specialist).exists():
        docs = [IncomingDocument(agency=agency, issuer_name=ISSUERS[i % 10], document_date=date.today(),
                                 doc_type="CV", summary=f"Văn bản thử nghiệm số {i}", status="routed",
                                 created_by=head)
                for i in range(ACCESS_DOCS)]
        IncomingDocument.objects.bulk_create(docs, batch_size=1000)
        DocumentAccess.objects.bulk_create([DocumentAccess(document=d, person=specialist, reason="assigned")
                                            for d in docs], batch_size=1000)
    access_ids = list(DocumentAccess.objects.filter(person=specialist).order_by("document_id")
                      .values_list("document_id", flat=True))
    every = LONG_EVERY
    bulk = n - have >= n // 5  # a large load: indexes dropped and rebuilt once at the end
    note(f"generating {n - have:,} entries on {vendor} ({have:,} there; one in {every} with two pages of text"
         f"{'; indexes dropped until the end' if bulk else ''})")
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("ALTER TABLE search_searchentry SET (autovacuum_enabled = false)")
        else:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB: FTS5 merges and the b-trees
    if bulk:
        drop_indexes(vendor)
    load = load_postgresql if vendor == "postgresql" else load_sqlite
    chunk = 250_000 if vendor == "postgresql" else 20_000
    last_id = SearchEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    now = timezone.now()
    done = have
    while done < n:
        stop = min(n, (done // chunk + 1) * chunk)
        rows = entries(corpus, done, stop, access_ids=access_ids, units=units, long_every=every)
        load(rows, stop - done, agency.pk, last_id + 1, now)
        last_id += stop - done
        done = stop
        if done % 100_000 == 0 or done == n or vendor == "postgresql":
            elapsed = time.perf_counter() - started
            note(f"loaded {done:,} entries ({(done - have) / elapsed:,.0f}/s, {elapsed:.0f} s)")
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence('search_searchentry', 'id'), "
                           "(SELECT max(id) FROM search_searchentry))")
            mark = time.perf_counter()
            cursor.execute("VACUUM search_searchentry")  # visibility map: index-only scans of the covering indexes
            note(f"vacuumed in {time.perf_counter() - mark:.0f} s")
        else:
            mark = time.perf_counter()
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            note(f"optimised the FTS5 index in {time.perf_counter() - mark:.0f} s")
    ensure_indexes(vendor)
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("ALTER TABLE search_searchentry RESET (autovacuum_enabled)")
        cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    note(f"generated {n - have:,} entries in {elapsed:.0f} s")
    made["generated"] = (n - have) / elapsed
    return made


def database_size(vendor: str) -> str:
    from django.db import connection

    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database()), pg_total_relation_size('search_searchentry')")
            total, table = cursor.fetchone()
        return f"{total / 1e9:.1f} GB (search_searchentry with its indexes and TOAST {table / 1e9:.1f} GB)"
    path = Path(connection.settings_dict["NAME"])
    return f"{path.stat().st_size / 1e9:.1f} GB ({path.name})"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure(scale: str, queries: int, only: list[str]) -> int:
    setup_django()
    from django.db import connection, transaction

    from qlvb.core.text import fold
    from qlvb.search import selectors, services
    from qlvb.search.models import SearchEntry

    vendor = connection.vendor
    made = generate(DOCUMENTS[scale][vendor])
    if made["generated"]:
        print(f"bench search.bulk_load.{vendor}.docs_per_s {made['generated']:.0f} docs/s", flush=True)
    entries_count = SearchEntry.objects.filter(agency=made["agency"]).count()
    print(f"bench search.entries.{vendor} {entries_count} rows", flush=True)
    note(f"database size {database_size(vendor)}")
    check_index(vendor, made["agency"])
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
        # What lives as long as the process (the corpus, Django) out of the collector's sight, as a
        # production worker has it (gunicorn.conf.py, bench/pages.py): otherwise a full pass over it
        # (~100 ms here) lands on one search in twenty, a pause no served request pays.
        gc.collect()
        gc.freeze()
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

"""Internal messages benchmark, run by bench/messages_bench.py in a process with DATABASE_URL set
on a generated province (generate_province, kept between runs).

    python bench/messages_measure.py --messages 50000 [--repeat 20]

Generates once (COPY on PostgreSQL, batched inserts on SQLite; no events: the figures are about
reading) a specialist of the largest agency with `--messages` messages over two years — four in
five received (from the agency's people, often with one or two other recipients: 80 % in the
inbox, 15 % archived, 5 % in the trash, most read), one in five sent by him to one to three
people — and as many messages again among the other people of the agency. Then prints
`bench messages.<page>.<db>.<statistic> <value> <unit>`: p50/p95 in ms and the query count (which
must not grow with the data) of his inbox, his sent folder, the inbox sorted by sender, its second
page (keyset cursor) and the REST list.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from pages import signed_in, time_page  # noqa: E402  (bench/pages.py)

from qlvb.core.text import fold  # noqa: E402
from qlvb.messages import selectors  # noqa: E402
from qlvb.messages.models import Copy, Message  # noqa: E402
from qlvb.org.models import Person, Position, Post  # noqa: E402

DB = connection.vendor
MARK = "bench-messages"  # the generated messages' to_label starts with it
SUBJECTS = ["Đề nghị cho ý kiến dự thảo kế hoạch", "Báo cáo tình hình thực hiện nhiệm vụ",
            "Đăng ký lịch công tác tuần", "Góp ý dự thảo quy chế", "Đề xuất mua sắm thiết bị",
            "Xin ý kiến chỉ đạo về hồ sơ", "Phối hợp triển khai phần mềm", "Báo cáo sự cố đường truyền",
            "Tổng hợp số liệu chuyển đổi số", "Chuẩn bị nội dung giao ban"]
BODY = ("Kính gửi đồng chí, đề nghị đồng chí xem xét nội dung đính kèm và cho ý kiến trước thời hạn. "
        "Nội dung liên quan đến kế hoạch công tác của phòng trong tháng tới.")
MESSAGE_COLUMNS = ["id", "agency_id", "kind", "sender_id", "subject", "body", "sent_at", "to_label"]
COPY_COLUMNS = ["id", "message_id", "person_id", "is_sender", "folder", "sent_at", "sender_key", "subject_key",
                "has_files", "read_at"]


def figure(what: str, stat: str, value: float, unit: str) -> None:
    print(f"bench messages.{what}.{DB}.{stat} {value:.1f} {unit}".rstrip(), flush=True)


def note(text: str) -> None:
    print(f"# {text}", flush=True)


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        if DB == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _next_id(model) -> int:  # noqa: ANN001
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def _reset_sequence(model) -> None:  # noqa: ANN001
    if DB == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")


def the_person() -> Person:
    """A specialist of the largest agency (the same one each run)."""
    agency_id = (Post.objects.filter(end_date__isnull=True).values("agency_id").annotate(n=Count("id"))
                 .order_by("-n", "agency_id").values_list("agency_id", flat=True).first())
    person = (Person.objects.filter(posts__agency_id=agency_id, posts__end_date__isnull=True,
                                    posts__position__kind=Position.Kind.SPECIALIST, is_active=True,
                                    locked_at__isnull=True).order_by("pk").first())
    assert person is not None, "no specialist in the largest agency"
    return person


def generate(person: Person, total: int) -> None:
    have = Copy.objects.filter(person=person, message__to_label__startswith=MARK).count()
    if have >= total:
        note(f"{have} messages of the person already generated")
        analyse()
        return
    rng = random.Random(have + 1)
    agency_id = person.agency_id or Post.objects.filter(person=person).values_list("agency_id", flat=True).first()
    names = dict(Person.objects.filter(posts__agency_id=agency_id, posts__end_date__isnull=True, is_active=True)
                 .values_list("pk", "full_name").distinct())
    others = [pk for pk in names if pk != person.pk]
    now = timezone.now()
    message_id, copy_id = _next_id(Message), _next_id(Copy)
    started = time.perf_counter()
    messages, copies = [], []

    def add(sender: int, recipients: list[int], folder_of: dict[int, str]) -> None:
        nonlocal message_id, copy_id
        sent_at = now - timedelta(minutes=rng.randint(1, 2 * 365 * 24 * 60))
        subject = f"{rng.choice(SUBJECTS)} số {message_id}"
        messages.append((message_id, agency_id, "message", sender, subject, BODY, sent_at,
                         f"{MARK}: " + ", ".join(names[r] for r in recipients)[:900]))
        keys = (sent_at, fold(names[sender])[:100], fold(subject)[:100], rng.random() < 0.3)
        copies.append((copy_id, message_id, sender, True, "sent", *keys, sent_at))
        copy_id += 1
        for r in recipients:
            read = rng.random() < 0.9
            copies.append((copy_id, message_id, r, False, folder_of.get(r, "inbox"), *keys,
                           sent_at + timedelta(hours=1) if read else None))
            copy_id += 1
        message_id += 1

    def flush() -> None:
        nonlocal messages, copies
        _insert(Message._meta.db_table, MESSAGE_COLUMNS, messages)
        _insert(Copy._meta.db_table, COPY_COLUMNS, copies)
        messages, copies = [], []

    for _n in range(have, total):
        if rng.random() < 0.8:  # received
            roll = rng.random()
            folder = "inbox" if roll < 0.8 else "archived" if roll < 0.95 else "trash"
            sender = rng.choice(others)
            add(sender, [person.pk, *[r for r in rng.sample(others, rng.randint(0, 2)) if r != sender]],
                {person.pk: folder})
        else:
            add(person.pk, rng.sample(others, rng.randint(1, 3)), {})
        # as many messages among the others
        sender = rng.choice(others)
        add(sender, [r for r in rng.sample(others, rng.randint(1, 3)) if r != sender] or [person.pk], {})
        if len(copies) >= 20_000:
            flush()
    flush()
    _reset_sequence(Message)
    _reset_sequence(Copy)
    note(f"generated {total - have} messages of the person (and as many around) in "
         f"{time.perf_counter() - started:.0f} s")
    analyse()


def analyse() -> None:
    with connection.cursor() as cursor:
        for table in (Message._meta.db_table, Copy._meta.db_table):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}" if DB == "postgresql"
                           else f"ANALYZE {connection.ops.quote_name(table)}")


def measure(client: Client, what: str, url: str, repeat: int) -> None:
    cpu = time.process_time()
    timing = time_page(client, url, repeat)
    # The Python side's own CPU per request: on a busy shared machine the wall time waits for the
    # cores; this says what the page itself costs (the database's time is in its own process).
    figure(what, "cpu", (time.process_time() - cpu) * 1000 / (repeat + 1), "ms")
    figure(what, "p50", timing.p50, "ms")
    figure(what, "p95", timing.p95, "ms")
    figure(what, "queries", timing.queries, "")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    person = the_person()
    generate(person, args.messages)
    counts = {f: Copy.objects.filter(person=person, folder=f).count() for f in selectors.FOLDERS}
    note(f"{person.username}: {sum(counts.values())} messages {counts}; {Copy.objects.count()} copies in all")
    Person.objects.filter(pk=person.pk).update(must_change_password=False)
    person.refresh_from_db()
    client = signed_in(person)
    measure(client, "inbox", "/messages/folder/inbox/", args.repeat)
    measure(client, "sent", "/messages/folder/sent/", args.repeat)
    measure(client, "inbox_by_sender", "/messages/folder/inbox/?sort=sender", args.repeat)
    cursor = selectors.folder_page(person, "inbox", count=False).next_cursor
    measure(client, "inbox_page2", f"/messages/folder/inbox/?cursor={cursor}", args.repeat)
    measure(client, "inbox_unread", "/messages/folder/inbox/?unread=1", args.repeat)
    measure(client, "api_inbox", "/api/v1/messages/?folder=inbox", args.repeat)


if __name__ == "__main__":
    main()

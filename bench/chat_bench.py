"""`make bench`, chat part (qlvb.chat, 003 Đ11): a room of 50 connected WebSocket clients on one
node, the ASGI server the production runs for the chat's sockets (daphne, one process, the
in-memory channel layer as on one node), on PostgreSQL when it answers on 127.0.0.1:5432
(SQLite otherwise); the agency, its 50 people and their room are kept between runs in the bench's
own database (bench/data/).

    .venv/bin/python bench/chat_bench.py [--clients 50] [--senders 10] [--seconds 20] [--rate 5]
                                         [--db postgresql|sqlite]

Every client signs in with its own session cookie and joins the room. Throughput: `--senders` of
them post, each sending its next message as soon as its previous one came back (a closed loop: the
server is kept busy without a queue growing in front of it). Latency: then `--rate` messages a
second (default 5, a very busy room) from the clients in turn, sent on time whatever came back.
Every message goes through the whole path: the socket, the service (its transaction, its event,
the search index, mentions), the commit, the channel layer, the 50 sockets. Printed:
  bench chat.delivery.msgs_per_s <v> msg/s   messages received by the clients, all together, per second
  bench chat.posted.msgs_per_s <v> msg/s     messages posted per second
  bench chat.latency.p95 <v> ms              from a message's sending to its receipt, over every receipt, at --rate
  bench chat.latency.p50 <v> ms
  bench chat.latency.saturated.p95 <v> ms    the same while saturated (mostly the queue of the senders)
Target: p95 under 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import run  # bench/run.py: PostgreSQL set-up

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "bench" / "data"
AGENCY_CODE = "000.00.99.B01"


def note(text: str) -> None:
    print(f"# {text}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(database: str) -> dict[str, str]:
    url = run.postgres_url("chat", prefix="qlvb_bench") if database == "postgresql" else None
    if url is None:
        database = "sqlite"
        (DATA_DIR / "chat-var").mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'chat-var' / 'chat.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "QLVB_VAR_DIR": str(DATA_DIR / "chat-var"),
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "DEBUG": "0", "TESTING": "0", "PYTHONUNBUFFERED": "1",
           "DJANGO_SETTINGS_MODULE": "qlvb.settings", "BENCH_CHAT_DB": database}
    env.pop("REDIS_URL", None)  # one node: the in-memory channel layer
    return env


def prepare(clients: int) -> None:
    """In the bench's database: migrate, then the agency, its unit, `clients` people posted in it
    (made once, kept) and their room; prints the room and one fresh session per person as JSON."""
    import django

    sys.path.insert(0, str(BASE_DIR))
    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from qlvb.chat import services as chat
    from qlvb.core.actor import Actor
    from qlvb.org import services
    from qlvb.org.models import Agency, Person, Position, Unit

    call_command("migrate", verbosity=0)
    root = Person.objects.filter(username="bench.chat.root").first()
    if root is None:
        root = Person.objects.create_superuser("bench.chat.root", None, full_name="Quản trị bench")
    by = Actor(root)
    agency = Agency.objects.filter(code=AGENCY_CODE).first() or services.create_agency(
        by=by, code=AGENCY_CODE, abbreviation="STNMT", name="Sở Tài nguyên và Môi trường (bench)")
    unit = Unit.objects.filter(agency=agency, abbreviation="KHTC").first() or services.create_unit(
        by=by, agency=agency, name="Phòng Kế hoạch - Tài chính", abbreviation="KHTC")
    position = Position.objects.filter(agency=agency, name="Chuyên viên").first() or services.create_position(
        by=by, agency=agency, name="Chuyên viên", kind=Position.Kind.SPECIALIST)
    people = list(Person.objects.filter(username__startswith="bench.chat.p").order_by("username"))
    for n in range(len(people), clients):
        person = Person(username=f"bench.chat.p{n:03d}", full_name=f"Nguyễn Văn Thử {n:03d}", agency=agency,
                        must_change_password=False)
        person.set_unusable_password()
        person.save()
        services.assign_post(by=by, person=person, unit=unit, position=position)
        people.append(person)
    room = chat.unit_room(by=Actor(people[0]), unit=unit)
    sessions = []
    for person in people[:clients]:
        store = SessionStore()
        store[SESSION_KEY] = str(person.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = person.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    print(json.dumps({"room": room.pk, "cookie": settings.SESSION_COOKIE_NAME, "sessions": sessions}))


async def measure(port: int, setup: dict, senders: int, seconds: float, rate: float) -> dict[str, float]:
    import aiohttp

    url = f"http://127.0.0.1:{port}/ws/chat/{setup['room']}/"
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    received = 0
    stop_at = 0.0
    back: dict[int, asyncio.Event] = {}

    async def listen(ws: aiohttp.ClientWebSocketResponse, index: int) -> None:
        nonlocal received
        async for frame in ws:
            if frame.type != aiohttp.WSMsgType.TEXT:
                break
            data = json.loads(frame.data)
            message = data.get("message")
            if not message:
                continue
            token = message["body"].rsplit(" ", 1)[-1]
            started = sent_at.get(token)
            if started is not None:
                latencies.append((time.perf_counter() - started) * 1000)
                received += 1
            if token.startswith(f"s{index}-") and index in back:
                back[index].set()

    async def send(ws: aiohttp.ClientWebSocketResponse, index: int) -> int:
        count = 0
        while time.perf_counter() < stop_at:
            token = f"s{index}-{count}"
            back[index] = asyncio.Event()
            sent_at[token] = time.perf_counter()
            await ws.send_json({"body": f"Báo cáo tiến độ dự án chuyển đổi số, lượt {token}"})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(back[index].wait(), timeout=10)
            count += 1
        return count

    async with aiohttp.ClientSession() as http:
        sockets = []
        for key in setup["sessions"]:
            ws = await http.ws_connect(url, headers={"Cookie": f"{setup['cookie']}={key}",
                                                     "Origin": f"http://127.0.0.1:{port}"}, heartbeat=None)
            sockets.append(ws)
        listeners = [asyncio.create_task(listen(ws, i)) for i, ws in enumerate(sockets)]
        await asyncio.sleep(0.5)
        # Warm up (first queries, caches), then measure from zero.
        stop_at = time.perf_counter() + 2
        await asyncio.gather(*(send(sockets[i], i) for i in range(senders)))
        await asyncio.sleep(0.5)
        sent_at.clear()
        latencies.clear()
        received = 0
        started = time.perf_counter()
        stop_at = started + seconds
        posted = sum(await asyncio.gather(*(send(sockets[i], i) for i in range(senders))))
        await asyncio.sleep(1.0)  # the last messages' other receipts
        elapsed = time.perf_counter() - started
        saturated = sorted(latencies)
        delivered = received
        # Latency at a steady rate: `rate` messages a second from the clients in turn, each sent on
        # time whatever came back (an open loop: the latency a reader sees in a busy room).
        await asyncio.sleep(1.0)
        sent_at.clear()
        latencies.clear()
        received = 0
        steady_start = time.perf_counter()
        count = 0
        while time.perf_counter() < steady_start + seconds:
            due = steady_start + count / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            token = f"r{count}"
            sent_at[token] = time.perf_counter()
            await sockets[count % len(sockets)].send_json({"body": f"Ý kiến về dự thảo quy chế, lượt {token}"})
            count += 1
        await asyncio.sleep(2.0)
        steady_expected = count * len(sockets)
        steady_received = received
        for ws in sockets:
            await ws.close()
        for task in listeners:
            task.cancel()
    latencies.sort()

    def pick(values: list[float], share: float) -> float:
        return values[int(share * (len(values) - 1))] if values else float("nan")

    return {"posted": posted / seconds, "delivered": delivered / elapsed, "saturated_p95": pick(saturated, 0.95),
            "p95": pick(latencies, 0.95), "p50": pick(latencies, 0.5),
            "lost": float(steady_expected - steady_received)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=5.0, help="messages a second for the latency figure")
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scale", default="", help="ignored (make bench passes it to every script)")
    args = parser.parse_args()
    if args.prepare:
        prepare(args.clients)
        return 0
    env = environment(args.db)
    note(f"chat: {args.clients} clients, {args.senders} senders, {args.seconds:.0f} s, "
         f"database {env['BENCH_CHAT_DB']}, daphne (one process), {os.cpu_count()} cores")
    prepared = subprocess.run([sys.executable, __file__, "--prepare", "--clients", str(args.clients)], env=env,
                              cwd=BASE_DIR, capture_output=True, text=True)
    if prepared.returncode != 0:
        print(prepared.stderr[-3000:], file=sys.stderr)
        return 1
    setup = json.loads(prepared.stdout.strip().splitlines()[-1])
    port = free_port()
    server = subprocess.Popen([str(BASE_DIR / ".venv" / "bin" / "daphne"), "-b", "127.0.0.1", "-p", str(port),
                               "qlvb.asgi:application"], env=env, cwd=BASE_DIR, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    print("daphne did not start", file=sys.stderr)
                    return 1
                time.sleep(0.2)
        result = asyncio.run(measure(port, setup, args.senders, args.seconds, args.rate))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    note(f"saturated: {args.senders} senders in a closed loop; latency: {args.rate:g} messages a second, "
         f"receipts missing: {result['lost']:.0f}")
    print(f"bench chat.delivery.msgs_per_s {result['delivered']:.0f} msg/s")
    print(f"bench chat.posted.msgs_per_s {result['posted']:.1f} msg/s")
    print(f"bench chat.latency.saturated.p95 {result['saturated_p95']:.1f} ms")
    print(f"bench chat.latency.p95 {result['p95']:.1f} ms")
    print(f"bench chat.latency.p50 {result['p50']:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

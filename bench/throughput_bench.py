"""`make bench`, pages under load: each page's requests per second beside a bare Django view's, in
the same run, on the same gunicorn with the same workers; then the 8 a.m. burst.

    .venv/bin/python bench/throughput_bench.py [--db sqlite,postgresql] [--seconds 10] [--workers 2]

On the demo province (manage.py load_demo) in a database of the bench's own (bench/data/, and
PostgreSQL on 127.0.0.1:5432 when it answers), with the production settings (DEBUG off) plus one
address, /bench/bare/ (bench/bench_settings.py): a view answering two bytes through QLVB's whole
middleware stack, without a session — the ceiling the pages are held against.

Throughput: wrk (Debian's) with one thread and --connections connections, one signed-in session
per page, --seconds per run, --rounds rounds of bare view then every page, the bare view once more
at the end; the best run of each counts (on a shared machine others' load only slows a run).
Printed: `bench throughput.<page>.<db>.rps` and `.ratio` (to `throughput.bare.<db>.rps`), and
from the workers' own CPU time (/proc) per request, `.cpu` and `.cpu_ratio`: the same ratio with
the machine's other load taken out. The notes say how much CPU wrk itself used. The pages are
those a person loads again and again, kept for them between events (core.keptpages); then
`throughput.<page>_fresh.<db>.*` gives the same pages made afresh for every request (a second
gunicorn with QLVB_KEEP_PAGES=0), as they are right after an event.

Burst (bench/burst.py): 2,000 loads of the inbox by the demo's people and 100 sign-ins of distinct
accounts, at random moments within 60 s, against gunicorn with --burst-workers workers.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import run  # bench/run.py: PostgreSQL set-up, load average

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "bench" / "data"
PAGES = ("inbox", "home", "document", "outgoing")


def note(text: str) -> None:
    print(f"# {text}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_env(label: str, database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "QLVB_VAR_DIR": str(DATA_DIR / f"throughput-var-{label}"),
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost", "DEBUG": "0", "TESTING": "0",
            "PYTHONUNBUFFERED": "1", "DJANGO_SETTINGS_MODULE": "bench_settings",
            "PYTHONPATH": str(BASE_DIR / "bench")}


class Server:
    """gunicorn with QLVB's configuration (gunicorn.conf.py) on a free loopback port."""

    def __init__(self, env: dict[str, str], workers: int, code: Path = BASE_DIR) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        config = code / "gunicorn.conf.py"
        command = [str(BASE_DIR / ".venv" / "bin" / "gunicorn"), "qlvb.wsgi:application",
                   "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "--log-level", "warning"]
        if config.exists():
            command += ["--config", str(config)]
        self.process = subprocess.Popen(command, env=env, cwd=code, start_new_session=True)
        # Ready when every worker has loaded the application: a few answers in a row, each
        # connection is handed to whichever worker is free.
        deadline, answered = time.monotonic() + 120, 0
        while time.monotonic() < deadline and answered < 2 * workers:
            try:
                with urllib.request.urlopen(f"{self.base}/bench/bare/", timeout=30) as response:
                    answered += response.status == 200
            except OSError:
                time.sleep(0.3)
        if answered >= 2 * workers:
            return
        self.stop()
        raise SystemExit("gunicorn did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def worker_cpu(server: Server) -> float:
    """CPU seconds the server's workers have used so far (from /proc)."""
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()
    total = 0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def wrk(url: str, seconds: float, connections: int, session: str | None) -> tuple[float, int, float, int]:
    """(requests/s, non-2xx answers, CPU seconds wrk used, requests)."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{round(seconds)}s", "--timeout", "10s", url]
    if session:
        command[1:1] = ["-H", f"Cookie: sessionid={session}"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = (int(bad.group(1)) if bad else 0) + (sum(int(g) for g in errors.groups()) if errors else 0)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    if not requests:
        note(f"wrk answered nothing: {out}")
    return rps, failed, cpu, requests


def throughput(label: str, env: dict[str, str], setup: dict, args: argparse.Namespace) -> None:
    def measure(server: Server, name: str) -> tuple[float, float]:
        """(requests/s, server CPU ms a request) of one run."""
        url = server.base + ("/bench/bare/" if name == "bare" else setup["pages"][name]["url"])
        session = None if name == "bare" else setup["pages"][name]["session"]
        cpu = worker_cpu(server)
        rps, failed, client_cpu, requests = wrk(url, args.seconds, args.connections, session)
        cpu_ms = (worker_cpu(server) - cpu) * 1000 / max(requests, 1)
        who = "" if name == "bare" else f" as {setup['pages'][name]['who']}"
        note(f"{label}: {name} {url.removeprefix(server.base)}{who}: {rps:.1f}/s, {cpu_ms:.1f} ms of server CPU "
             f"a request, {failed} failed; wrk used {client_cpu / args.seconds * 100:.0f} % of a core")
        if failed:
            raise SystemExit(f"{label}: {name}: {failed} requests failed")
        return rps, cpu_ms

    def warm(server: Server, names: tuple[str, ...]) -> None:
        for name in names:  # every worker's caches and templates
            wrk(server.base + ("/bench/bare/" if name == "bare" else setup["pages"][name]["url"]), 3,
                args.connections, None if name == "bare" else setup["pages"][name]["session"])

    runs = {name: [] for name in ("bare", *PAGES)}  # type: dict[str, list[tuple[float, float]]]
    server = Server(env, args.workers, args.code)
    try:
        warm(server, ("bare", *PAGES))
        for _round in range(args.rounds):  # bare first and last: the ceiling brackets the pages
            runs["bare"].append(measure(server, "bare"))
            for name in PAGES:
                runs[name].append(measure(server, name))
        runs["bare"].append(measure(server, "bare"))
    finally:
        server.stop()
    # The same pages made afresh for every request (core.keptpages off): what each costs right after
    # an event, when nothing kept is valid any more.
    fresh = {name: [] for name in PAGES}  # type: dict[str, list[tuple[float, float]]]
    server = Server({**env, "QLVB_KEEP_PAGES": "0"}, args.workers, args.code)
    try:
        warm(server, PAGES)
        for _round in range(args.rounds):
            for name in PAGES:
                fresh[name].append(measure(server, name))
    finally:
        server.stop()
    note(f"{label}: load average {run.load()}")

    def best(results: list[tuple[float, float]]) -> tuple[float, float]:
        # The best run of each: on a shared machine the others' load only ever slows a run down.
        return max(r for r, _ in results), min(c for _, c in results)

    bare_rps, bare_cpu = best(runs["bare"])
    print(f"bench throughput.bare.{label}.rps {bare_rps:.0f} req/s", flush=True)
    print(f"bench throughput.bare.{label}.cpu {bare_cpu:.2f} ms", flush=True)
    for name in PAGES:
        for suffix, results in (("", runs[name]), ("_fresh", fresh[name])):
            rps, cpu = best(results)
            print(f"bench throughput.{name}{suffix}.{label}.rps {rps:.1f} req/s", flush=True)
            print(f"bench throughput.{name}{suffix}.{label}.ratio {rps / bare_rps * 100:.1f} %", flush=True)
            print(f"bench throughput.{name}{suffix}.{label}.cpu {cpu:.1f} ms", flush=True)
            print(f"bench throughput.{name}{suffix}.{label}.cpu_ratio {bare_cpu / cpu * 100:.1f} %", flush=True)


def burst(label: str, env: dict[str, str], setup: dict, args: argparse.Namespace) -> None:
    server = Server(env, args.burst_workers, args.code)
    try:
        plan = {"base": server.base, "inbox_url": setup["pages"]["inbox"]["url"],
                "inbox_sessions": setup["inbox_sessions"], "logins": setup["logins"],
                "password": setup["password"], "inbox_loads": args.burst_loads, "seconds": args.burst_seconds}
        cpu = worker_cpu(server)
        out = subprocess.run([sys.executable, str(BASE_DIR / "bench" / "burst.py")], input=json.dumps(plan),
                             capture_output=True, text=True, check=True).stdout
        cpu = worker_cpu(server) - cpu
        result = json.loads(out)
        note(f"{label}: burst with {args.burst_workers} workers: {result['note']}; load average {run.load()}")
        # What the burst asks of the node whatever else the machine runs: its workers' CPU time.
        print(f"bench burst.server_cpu.{label} {cpu:.1f} s", flush=True)
        note(f"{label}: the burst took {cpu:.1f} s of the workers' CPU: {cpu / args.burst_seconds:.2f} of the "
             f"node's 2 cores over {args.burst_seconds:.0f} s")
        print(f"bench burst.inbox.{label}.p95 {result['inbox_p95']:.0f} ms", flush=True)
        print(f"bench burst.login.{label}.p95 {result['login_p95']:.0f} ms", flush=True)
        print(f"bench burst.errors.{label} {result['errors']} count", flush=True)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2, help="runs of each page (the best counts)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--burst-workers", type=int, default=3)
    parser.add_argument("--burst-loads", type=int, default=2000)
    parser.add_argument("--burst-seconds", type=float, default=60)
    parser.add_argument("--skip", default="", help="comma-separated: throughput, burst")
    parser.add_argument("--code", type=Path, default=BASE_DIR,
                        help="serve another checkout's code (same database): before/after figures")
    args = parser.parse_args()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    note(f"pages under load, demo province; {os.cpu_count()} CPUs, load average {run.load()}")
    for label in [d.strip() for d in args.db.split(",") if d.strip()]:
        url = (f"sqlite:///{DATA_DIR / 'throughput.sqlite3'}" if label == "sqlite"
               else run.postgres_url("demo", "qlvb_bench_throughput"))
        if url is None:
            continue
        env = bench_env(label, url)
        prepared = subprocess.run([sys.executable, str(BASE_DIR / "bench" / "throughput_prepare.py")], env=env,
                                  cwd=BASE_DIR, capture_output=True, text=True)
        if prepared.returncode != 0:
            raise SystemExit(f"{label}: preparing failed:\n{prepared.stderr}")
        setup = json.loads(prepared.stdout)
        if "throughput" not in args.skip:
            throughput(label, env, setup, args)
        if "burst" not in args.skip:
            burst(label, env, setup, args)


if __name__ == "__main__":
    main()

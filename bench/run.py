"""`make bench`: server time and query counts of the main pages on a generated province.

    .venv/bin/python bench/run.py --scale {small,full} [--db sqlite,postgresql] [--requests 200]

For each database (SQLite in bench/data/, PostgreSQL on 127.0.0.1:5432 when it answers):
migrate, generate the province and the incoming documents of its largest agency once (kept
between runs), then measure in a subprocess with that DATABASE_URL (bench/measure.py), which on
PostgreSQL also times several clerks registering at once. Every figure is printed as
`bench <name> <value> <unit>`; other lines start with `#`. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "bench" / "data"
SCALES = {"small": (5, 500), "full": (100, 20_000)}
DOCUMENTS = {"small": 20_000, "full": 1_000_000}  # incoming documents of the largest agency
SMALLEST_DOCUMENTS = 500  # and of the smallest: the light side of the query-growth figures
SEED = 1


def note(text: str) -> None:
    print(f"# {text}", flush=True)


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def sqlite_url(scale: str) -> str:
    return f"sqlite:///{DATA_DIR / f'bench-{scale}.sqlite3'}"


def postgres_url(scale: str, prefix: str = "qlvb_bench") -> str | None:
    """The database `<prefix>_<scale>` on the local PostgreSQL, created if missing; None if no
    server answers. The other bench scripts use it too, each with its own prefix."""
    host = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
    port = os.environ.get("BENCH_PG_PORT", "5432")
    user = os.environ.get("BENCH_PG_USER", "postgres")
    password = os.environ.get("BENCH_PG_PASSWORD", "")
    if not shutil.which("pg_isready") or not shutil.which("psql"):
        note("PostgreSQL skipped: pg_isready/psql not installed")
        return None
    if subprocess.run(["pg_isready", "-q", "-h", host, "-p", port, "-t", "5"]).returncode != 0:
        note(f"PostgreSQL skipped: nothing answers on {host}:{port}")
        return None
    name = f"{prefix}_{scale}"
    env = {**os.environ, **({"PGPASSWORD": password} if password else {})}
    psql = ["psql", "-h", host, "-p", port, "-U", user, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-Atq", "-c"]
    found = subprocess.run([*psql, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"], env=env,
                           capture_output=True, text=True)
    if found.returncode != 0:
        note(f"PostgreSQL skipped: psql as {user} failed: {found.stderr.strip()}")
        return None
    if found.stdout.strip() != "1":
        subprocess.run([*psql, f'CREATE DATABASE "{name}"'], env=env, check=True)
        note(f"created PostgreSQL database {name}")
    auth = f"{quote(user)}:{quote(password)}" if password else quote(user)
    return f"postgres://{auth}@{host}:{port}/{name}"


def run_steps(steps: list[list[str]], env: dict[str, str]) -> bool:
    """Run set-up commands (migrate, generate…) in turn, their last lines as notes; False at the
    first that fails."""
    for step in steps:
        done = subprocess.run(step, env=env, cwd=BASE_DIR, capture_output=True, text=True)
        for line in (done.stdout + done.stderr).splitlines()[-3:]:
            note(line.strip())
        if done.returncode != 0:
            return False
    return True


def bench_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url,
        # Own secret key, static dir and job queue: the bench never touches the developer's var/.
        "QLVB_VAR_DIR": str(DATA_DIR / "var"),
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "DEBUG": "0",
        "TESTING": "0",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def province_steps(scale: str) -> list[list[str]]:
    """Migrate, then generate the province of this scale (once: kept between runs)."""
    python, manage = sys.executable, str(BASE_DIR / "manage.py")
    agencies, people = SCALES[scale]
    return [[python, manage, "migrate", "-v0"],
            [python, manage, "generate_province", "--agencies", str(agencies), "--people", str(people),
             "--seed", str(SEED)]]


def measure_each_database(databases: str, scale: str, *, name: str, script: str, script_args: list[str],
                          sqlite_name: str = "") -> int:
    """For each database asked (PostgreSQL `qlvb_bench_<name>_<scale>`, SQLite
    `bench/data/<sqlite_name or name>-<scale>.sqlite3`): the province, then `bench/<script>`
    measuring there. Returns the exit status (1 if a set-up step or a measure failed)."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    urls = []
    if "postgresql" in databases:
        urls.append(postgres_url(scale, f"qlvb_bench_{name}"))
    if "sqlite" in databases:
        urls.append(f"sqlite:///{DATA_DIR / f'{sqlite_name or name}-{scale}.sqlite3'}")
    status = 0
    for url in filter(None, urls):
        env = {**bench_env(url), "MEDIA_ROOT": str(DATA_DIR / "var" / "files"), "HUEY_IMMEDIATE": "0"}
        if not run_steps(province_steps(scale), env):
            status = 1
            continue
        result = subprocess.run([sys.executable, str(BASE_DIR / "bench" / script), *script_args], env=env)
        status = status or result.returncode
    return status


def run_database(label: str, database_url: str, scale: str, args: argparse.Namespace) -> bool:
    """Migrate, generate (once) and measure one database; False if a step failed."""
    env = bench_env(database_url)
    python, manage = sys.executable, str(BASE_DIR / "manage.py")
    if subprocess.run([python, manage, "migrate", "-v0"], env=env, cwd=BASE_DIR).returncode != 0:
        note(f"{label}: migrate failed")
        return False
    agencies, people = SCALES[scale]
    started = time.monotonic()
    generated = subprocess.run(
        [python, manage, "generate_province", "--agencies", str(agencies), "--people", str(people),
         "--seed", str(SEED)], env=env, cwd=BASE_DIR, capture_output=True, text=True)
    for line in (generated.stdout + generated.stderr).splitlines():
        note(f"{label}: {line.strip()}")
    if generated.returncode != 0:
        note(f"{label}: generate_province failed")
        return False
    if "already generated" not in generated.stdout:
        print(f"bench generate_province.{label}.seconds {time.monotonic() - started:.1f} s", flush=True)
    documents = DOCUMENTS[scale] if args.documents is None else args.documents
    for pick, n in (("largest", documents), ("smallest", min(documents, SMALLEST_DOCUMENTS))):
        if n <= 0:
            continue
        started = time.monotonic()
        generated = subprocess.run(
            [python, manage, "generate_incoming", "--pick", pick, "--documents", str(n), "--seed", str(SEED)],
            env=env, cwd=BASE_DIR, capture_output=True, text=True)
        for line in (generated.stdout + generated.stderr).splitlines():
            note(f"{label}: {line.strip()}")
        if generated.returncode != 0:
            note(f"{label}: generate_incoming failed")
            return False
        if "nothing changed" not in generated.stdout and pick == "largest":
            print(f"bench generate_incoming.{label}.seconds {time.monotonic() - started:.1f} s", flush=True)
    if args.verify_events:
        started = time.monotonic()
        verified = subprocess.run([python, manage, "verify_events"], env=env, cwd=BASE_DIR, capture_output=True,
                                  text=True)
        note(f"{label}: verify_events: {(verified.stdout + verified.stderr).strip().splitlines()[-1:]}")
        print(f"bench verify_events.{label}.seconds {time.monotonic() - started:.1f} s", flush=True)
        print(f"bench verify_events.{label}.ok {int(verified.returncode == 0)} count", flush=True)
    measure = [python, str(BASE_DIR / "bench" / "measure.py"), "--db-label", label,
               "--requests", str(args.requests), "--warmup", str(args.warmup),
               "--incoming-requests", str(args.incoming_requests), "--page-budget", str(args.page_budget),
               "--slow-ms", str(args.slow_ms),
               "--register-seconds", str(args.register_seconds), "--clerks", str(args.clerks)]
    if args.show_queries:
        measure.append("--show-queries")
    redis_url = production_redis() if label == "postgresql" and args.register_seconds > 0 else ""
    if redis_url:  # the pages as before; the registrations apart, with Redis (below)
        measure += ["--register-seconds", "0"]
    if subprocess.run(measure, env=env, cwd=BASE_DIR).returncode != 0:
        note(f"{label}: measuring failed")
        return False
    if redis_url:
        # Registration on PostgreSQL is measured as production runs it: with Redis for the cache and
        # the job queue (the OCR and e-mail jobs each registration queues), not the one-machine
        # SQLite queue, whose file lock eight clerks' processes would queue on.
        note(f"{label}: registrations with Redis at {redis_url} (cache, job queue), as in production")
        registration = [python, str(BASE_DIR / "bench" / "measure.py"), "--db-label", label, "--registration-only",
                        "--register-seconds", str(args.register_seconds), "--clerks", str(args.clerks)]
        if subprocess.run(registration, env={**env, "REDIS_URL": redis_url}, cwd=BASE_DIR).returncode != 0:
            note(f"{label}: measuring the registrations failed")
            return False
    return True


def production_redis() -> str:
    """The Redis the PostgreSQL registration benchmark uses (BENCH_REDIS_URL, default a database of
    its own on the local server), if one answers; else "" (the SQLite job queue, noted)."""
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 - no Redis here: measured with the SQLite queue
        note(f"no Redis at {url} ({type(error).__name__}): registrations measured with the SQLite job queue")
        return ""
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--db", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per page first (default 20)")
    parser.add_argument("--show-queries", action="store_true", help="print the SQL of each page once")
    parser.add_argument("--documents", type=int, default=None,
                        help="incoming documents of the largest agency (default: 20000 small, 1000000 full; 0: none)")
    parser.add_argument("--incoming-requests", type=int, default=100,
                        help="timed requests per incoming-document page (default 100)")
    parser.add_argument("--page-budget", type=float, default=60.0,
                        help="at most this many seconds of timed requests per incoming page (default 60)")
    parser.add_argument("--slow-ms", type=float, default=5000.0,
                        help="an incoming page whose first request takes longer is timed by that request only")
    parser.add_argument("--register-seconds", type=float, default=10.0,
                        help="length of each registration run on PostgreSQL (default 10; 0 skips it)")
    parser.add_argument("--clerks", type=int, default=8, help="clerks registering at once (default 8)")
    parser.add_argument("--verify-events", action="store_true",
                        help="also time manage.py verify_events on each database (minutes at full scale)")
    args = parser.parse_args()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    agencies, people = SCALES[args.scale]
    documents = DOCUMENTS[args.scale] if args.documents is None else args.documents
    note(f"scale {args.scale}: {agencies} agencies, {people} people, {documents} incoming documents; "
         f"{args.requests} requests per page after {args.warmup} warm-up ({args.incoming_requests} per incoming "
         f"page); {os.cpu_count()} CPUs, load average {load()}")
    started = time.monotonic()
    failed = []
    for label in [d.strip() for d in args.db.split(",") if d.strip()]:
        if label == "sqlite":
            url = sqlite_url(args.scale)
        elif label == "postgresql":
            url = postgres_url(args.scale)
            if url is None:
                continue
        else:
            raise SystemExit(f"unknown database {label!r}: use sqlite or postgresql")
        if not run_database(label, url, args.scale, args):
            failed.append(label)
    note(f"done in {time.monotonic() - started:.0f} s; load average now {load()}")
    if failed:
        raise SystemExit(f"bench failed on {', '.join(failed)}")


if __name__ == "__main__":
    main()

"""Backup, restore (and with --verify, verification) of a benchmark database, timed.

    .venv/bin/python bench/backup_bench.py [--source incoming|outgoing] [--scale full|small] [--db sqlite|postgresql]

Backs up the database `make bench` generated (read only: nothing is written into it) with its
files, restores it into a scratch target (a new SQLite file / a new PostgreSQL database, dropped
afterwards) and prints `bench backup.<db>.seconds`, `bench backup.<db>.size_mb`,
`bench restore.<db>.seconds` (and `bench verify.<db>.seconds`). The backups are deleted at the end.
Not part of `make bench`: at 1,000,000 incoming documents on PostgreSQL backup and restore take
about 11 minutes (with --verify about 7 more); the outgoing ones, about 1.5 minutes on PostgreSQL
and 40 seconds on SQLite (README, "Backups").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "bench" / "data"
PASSPHRASE = "bench-backup-passphrase"
PG = {"host": os.environ.get("BENCH_PG_HOST", "127.0.0.1"), "port": os.environ.get("BENCH_PG_PORT", "5432"),
      "user": os.environ.get("BENCH_PG_USER", "postgres")}

STEP = """
import json, sys, time
import django
django.setup()
from pathlib import Path
from qlvb.backups import services
action, folder, passphrase = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
started = time.monotonic()
if action == "backup":
    taken = services.take(folder, passphrase=passphrase)
    out = {"folder": str(taken.folder), "size": taken.size, "timings": taken.manifest["timings"],
           "rows": sum(taken.manifest["database"]["tables"].values()), "files": taken.manifest["storage"]["files"],
           "problems": taken.problems}
elif action == "restore":
    restored = services.restore(folder, passphrase=passphrase)
    out = {"rows": restored.rows, "problems": restored.problems}
else:
    result = services.verify(folder, passphrase=passphrase)
    out = {"ok": result.ok, "problems": result.problems[:5]}
out["seconds"] = time.monotonic() - started
print(json.dumps(out))
"""


def step(action: str, folder: Path, env: dict[str, str]) -> dict:
    process = subprocess.run([sys.executable, "-c", STEP, action, str(folder), PASSPHRASE], env=env, cwd=BASE_DIR,
                             capture_output=True, text=True)
    if process.returncode:
        raise SystemExit(f"{action} failed:\n{process.stderr[-3000:]}")
    return json.loads(process.stdout.strip().splitlines()[-1])


def psql(sql: str, database: str = "postgres") -> str:
    return subprocess.run(["psql", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], "-d", database, "-Atq",
                           "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True, check=True).stdout


def pg_url(name: str) -> str:
    return f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}"


def environment(url: str, var_dir: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("S3_", "QLVB_", "SECRET_KEY")) and name not in ("DATABASE_URL", "MEDIA_ROOT")}
    return {**env, "DATABASE_URL": url, "QLVB_VAR_DIR": str(var_dir), "MEDIA_ROOT": str(var_dir / "files"),
            "DJANGO_SETTINGS_MODULE": "qlvb.settings", "TESTING": "0"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", choices=["incoming", "outgoing"], default="incoming")
    parser.add_argument("--scale", choices=["small", "full"], default="full")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--verify", action="store_true", help="also time verify_backup")
    parser.add_argument("--data", default=str(DATA_DIR), help="where `make bench` keeps its databases")
    parser.add_argument("--dir", default=str(DATA_DIR / "backups-bench"), help="where the backups go (deleted after)")
    args = parser.parse_args()
    data = Path(args.data)
    sqlite_file = data / (f"bench-{args.scale}.sqlite3" if args.source == "incoming"
                              else f"outgoing-{args.scale}.sqlite3")
    pg_name = f"qlvb_bench_{args.scale}" if args.source == "incoming" else f"qlvb_bench_outgoing_{args.scale}"
    where = Path(args.dir)
    status = 0
    for vendor in args.db or ["sqlite", "postgresql"]:
        if vendor == "sqlite" and not sqlite_file.exists():
            print(f"# {sqlite_file} missing: run make bench first", file=sys.stderr)
            continue
        if vendor == "postgresql" and psql(f"SELECT 1 FROM pg_database WHERE datname = '{pg_name}'").strip() != "1":
            print(f"# PostgreSQL database {pg_name} missing: run make bench first", file=sys.stderr)
            continue
        url = f"sqlite:///{sqlite_file}" if vendor == "sqlite" else pg_url(pg_name)
        where.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix="restore-", dir=where))
        target = f"qlvb_bench_restore_{uuid.uuid4().hex[:8]}"
        try:
            taken = step("backup", where, environment(url, data / "var"))
            folder = Path(taken["folder"])
            name = f"{args.source}.{vendor}"
            print(f"bench backup.{name}.seconds {taken['seconds']:.1f} s")
            print(f"bench backup.{name}.database_seconds {taken['timings']['database_seconds']:.1f} s")
            print(f"bench backup.{name}.size_mb {taken['size'] / 1e6:.0f} MB")
            print(f"bench backup.{name}.rows {taken['rows']} count")
            print(f"bench backup.{name}.files {taken['files']} count", flush=True)
            if vendor == "postgresql":
                psql(f'CREATE DATABASE "{target}"')
                restore_url = pg_url(target)
            else:
                restore_url = f"sqlite:///{scratch / 'restored.sqlite3'}"
            restored = step("restore", folder, environment(restore_url, scratch / "var"))
            print(f"bench restore.{name}.seconds {restored['seconds']:.1f} s", flush=True)
            if args.verify:
                verified = step("verify", folder, environment(url, data / "var"))
                print(f"bench verify.{name}.seconds {verified['seconds']:.1f} s", flush=True)
                if not verified["ok"]:
                    print(f"# verification problems: {verified['problems']}", file=sys.stderr)
                    status = 1
        finally:
            shutil.rmtree(where, ignore_errors=True)
            if vendor == "postgresql":
                psql(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
    return status


if __name__ == "__main__":
    sys.exit(main())

"""`make bench`, outgoing part: 1,000,000 outgoing documents of one agency (20,000 with
--scale small), on SQLite and PostgreSQL, kept between runs. See bench/outgoing_measure.py."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "bench" / "data"
DOCUMENTS = {"small": 20_000, "full": 1_000_000}


def postgres_url(scale: str) -> str | None:
    if not shutil.which("pg_isready") or subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode:
        print("# PostgreSQL skipped: nothing answers on 127.0.0.1:5432", flush=True)
        return None
    name = f"qlvb_bench_outgoing_{scale}"
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-Atq", "-c"]
    found = subprocess.run([*psql, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"], capture_output=True,
                           text=True)
    if found.stdout.strip() != "1":
        subprocess.run([*psql, f'CREATE DATABASE "{name}"'], check=True)
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(DOCUMENTS), default="full")
    args = parser.parse_args()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    urls = [f"sqlite:///{DATA_DIR / f'outgoing-{args.scale}.sqlite3'}", postgres_url(args.scale)]
    status = 0
    for url in filter(None, urls):
        env = {**os.environ, "DATABASE_URL": url, "QLVB_VAR_DIR": str(DATA_DIR / "var"), "TESTING": "0",
               "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost", "MEDIA_ROOT": str(DATA_DIR / "var" / "files")}
        subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), "migrate", "-v0"], env=env, check=True)
        result = subprocess.run([sys.executable, str(BASE_DIR / "bench" / "outgoing_measure.py"),
                                 "--documents", str(DOCUMENTS[args.scale])], env=env)
        status = status or result.returncode
    return status


if __name__ == "__main__":
    sys.exit(main())

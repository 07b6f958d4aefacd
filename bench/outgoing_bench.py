"""`make bench`, outgoing part: 1,000,000 outgoing documents of one agency (20,000 with
--scale small), on SQLite and PostgreSQL, kept between runs. See bench/outgoing_measure.py."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import run  # noqa: E402  (bench/run.py: the shared PostgreSQL set-up)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "bench" / "data"
DOCUMENTS = {"small": 20_000, "full": 1_000_000}


def postgres_url(scale: str) -> str | None:
    return run.postgres_url(scale, "qlvb_bench_outgoing")


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

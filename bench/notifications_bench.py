"""`make bench`, notifications part: fan-out, commit to row, and the daily reminder run over a generated
province (100 agencies, 20,000 people, 1,000,000 incoming documents in the largest agency; 5 / 500 /
20,000 with --scale small), on PostgreSQL and SQLite, kept between runs. See bench/notifications_measure.py."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import run  # noqa: E402  (bench/run.py: the shared set-up and scales)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "bench" / "data"


def prepare(env: dict[str, str], scale: str) -> bool:
    python, manage = sys.executable, str(BASE_DIR / "manage.py")
    agencies, people = run.SCALES[scale]
    steps = [[python, manage, "migrate", "-v0"],
             [python, manage, "generate_province", "--agencies", str(agencies), "--people", str(people),
              "--seed", str(run.SEED)],
             [python, manage, "generate_incoming", "--pick", "largest", "--documents", str(run.DOCUMENTS[scale]),
              "--seed", str(run.SEED)]]
    return run.run_steps(steps, env)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(run.SCALES), default="full")
    parser.add_argument("--db", default="postgresql,sqlite")
    args = parser.parse_args()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    urls = []
    if "postgresql" in args.db:
        urls.append(run.postgres_url(args.scale, "qlvb_bench_notify"))
    if "sqlite" in args.db:
        urls.append(f"sqlite:///{DATA_DIR / f'notify-{args.scale}.sqlite3'}")
    status = 0
    for url in filter(None, urls):
        env = {**os.environ, "DATABASE_URL": url, "QLVB_VAR_DIR": str(DATA_DIR / "var"), "TESTING": "0",
               "MEDIA_ROOT": str(DATA_DIR / "var" / "files"), "HUEY_IMMEDIATE": "0",
               "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
        if not prepare(env, args.scale):
            status = 1
            continue
        result = subprocess.run([sys.executable, str(BASE_DIR / "bench" / "notifications_measure.py")], env=env)
        status = status or result.returncode
    return status


if __name__ == "__main__":
    sys.exit(main())

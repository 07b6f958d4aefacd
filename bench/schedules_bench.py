"""`make bench`, schedules part: the week views and the iCalendar feeds over a generated province
(100 agencies, 20,000 people, a year of schedules: 50 entries a person, 1,000,000 entries; 5 / 500
/ 25,000 with --scale small), on PostgreSQL and SQLite, kept between runs. See
bench/schedules_measure.py."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import run  # noqa: E402  (bench/run.py: the shared set-up and scales)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "bench" / "data"
PER_PERSON = 50  # entries a person a year (the figure)


def prepare(env: dict[str, str], scale: str) -> bool:
    python, manage = sys.executable, str(BASE_DIR / "manage.py")
    agencies, people = run.SCALES[scale]
    steps = [[python, manage, "migrate", "-v0"],
             [python, manage, "generate_province", "--agencies", str(agencies), "--people", str(people),
              "--seed", str(run.SEED)]]
    return run.run_steps(steps, env)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(run.SCALES), default="full")
    parser.add_argument("--db", default="postgresql,sqlite")
    parser.add_argument("--per-person", type=int, default=PER_PERSON, help="Entries a person a year.")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    urls = []
    if "postgresql" in args.db:
        urls.append(run.postgres_url(args.scale, "qlvb_bench_sched"))
    if "sqlite" in args.db:
        urls.append(f"sqlite:///{DATA_DIR / f'schedules-{args.scale}.sqlite3'}")
    status = 0
    for url in filter(None, urls):
        env = {**run.bench_env(url), "MEDIA_ROOT": str(DATA_DIR / "var" / "files"), "HUEY_IMMEDIATE": "0"}
        if not prepare(env, args.scale):
            status = 1
            continue
        result = subprocess.run([sys.executable, str(BASE_DIR / "bench" / "schedules_measure.py"),
                                 "--per-person", str(args.per_person), "--repeat", str(args.repeat)], env=env)
        status = status or result.returncode
    return status


if __name__ == "__main__":
    sys.exit(main())

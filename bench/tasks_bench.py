"""`make bench`, tasks part: a person's task list, its counts and the unit head's overview over a
generated province (100 agencies, 20,000 people, 2,000,000 tasks; 5 / 500 / 20,000 with --scale
small), on PostgreSQL and SQLite, kept between runs. See bench/tasks_measure.py."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import run  # noqa: E402  (bench/run.py: the shared set-up and scales)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "bench" / "data"
TASKS = {"small": 20_000, "full": 2_000_000}


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
    parser.add_argument("--tasks", type=int, default=0, help="Tasks to generate (default: 2,000,000 full).")
    args = parser.parse_args()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    urls = []
    if "postgresql" in args.db:
        urls.append(run.postgres_url(args.scale, "qlvb_bench_tasks"))
    if "sqlite" in args.db:
        urls.append(f"sqlite:///{DATA_DIR / f'tasks-{args.scale}.sqlite3'}")
    status = 0
    for url in filter(None, urls):
        env = {**run.bench_env(url), "MEDIA_ROOT": str(DATA_DIR / "var" / "files"), "HUEY_IMMEDIATE": "0"}
        if not prepare(env, args.scale):
            status = 1
            continue
        result = subprocess.run([sys.executable, str(BASE_DIR / "bench" / "tasks_measure.py"),
                                 "--tasks", str(args.tasks or TASKS[args.scale])], env=env)
        status = status or result.returncode
    return status


if __name__ == "__main__":
    sys.exit(main())

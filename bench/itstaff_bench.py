"""`make bench`, IT staff part: the Department's view of 100 agencies (every agency's IT staff
with the standard of 004 Đ4 checked), the compiled table of a report round and the incident
statistics, on PostgreSQL and SQLite, on a database of its own (kept between runs; no province
is generated: 100 agencies are made in bulk). See bench/itstaff_measure.py."""

from __future__ import annotations

import argparse
import subprocess
import sys

import run  # noqa: E402  (bench/run.py: the shared set-up and scales)

INCIDENTS = {"small": 2_000, "full": 20_000}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(run.SCALES), default="full")
    parser.add_argument("--db", default="postgresql,sqlite")
    args = parser.parse_args()
    run.DATA_DIR.mkdir(parents=True, exist_ok=True)
    urls = []
    if "postgresql" in args.db:
        urls.append(run.postgres_url(args.scale, "qlvb_bench_itstaff"))
    if "sqlite" in args.db:
        urls.append(f"sqlite:///{run.DATA_DIR / f'itstaff-{args.scale}.sqlite3'}")
    status = 0
    for url in filter(None, urls):
        env = {**run.bench_env(url), "HUEY_IMMEDIATE": "0"}
        if not run.run_steps([[sys.executable, str(run.BASE_DIR / "manage.py"), "migrate", "-v0"]], env):
            status = 1
            continue
        result = subprocess.run([sys.executable, str(run.BASE_DIR / "bench" / "itstaff_measure.py"),
                                 "--agencies", "100", "--incidents", str(INCIDENTS[args.scale])], env=env)
        status = status or result.returncode
    return status


if __name__ == "__main__":
    sys.exit(main())

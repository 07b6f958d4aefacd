"""`make bench`, statistics part (issue 19's Figures): the dashboards and the quarterly Excel
exports over a generated province (100 agencies, 20,000 people) and 5,000,000 statistics rows on
PostgreSQL (1,000,000 on SQLite); `--scale small`: 5 agencies, 500 people, 50,000 rows. Kept between
runs (a run tops up only what is missing). See bench/statistics_measure.py and docs/benchmarks.md.

    python bench/statistics_bench.py [--scale small|full] [--db postgresql,sqlite] [--repeat 20]
"""

from __future__ import annotations

import argparse
import sys

import run  # noqa: E402  (bench/run.py: the shared set-up and scales)

ROWS = {"small": {"postgresql": 50_000, "sqlite": 50_000},
        "full": {"postgresql": 5_000_000, "sqlite": 1_000_000}}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(run.SCALES), default="full")
    parser.add_argument("--db", default="postgresql,sqlite")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--rows", type=int, default=None, help="statistics rows (default by scale and database)")
    parser.add_argument("--only", choices=["selectors", "pages"], default=None)
    args = parser.parse_args()
    status = 0
    for database in [d.strip() for d in args.db.split(",") if d.strip()]:
        rows = args.rows or ROWS[args.scale][database]
        extra = ["--only", args.only] if args.only else []
        status = run.measure_each_database(database, args.scale, name="stat", sqlite_name="statistics",
                                           script="statistics_measure.py",
                                           script_args=["--rows", str(rows), "--repeat", str(args.repeat), *extra]
                                           ) or status
    return status


if __name__ == "__main__":
    sys.exit(main())

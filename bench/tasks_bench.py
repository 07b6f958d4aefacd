"""`make bench`, tasks part: a person's task list, its counts and the unit head's overview over a
generated province (100 agencies, 20,000 people, 2,000,000 tasks; 5 / 500 / 20,000 with --scale
small), on PostgreSQL and SQLite, kept between runs. See bench/tasks_measure.py."""

from __future__ import annotations

import argparse
import sys

import run  # noqa: E402  (bench/run.py: the shared set-up and scales)

TASKS = {"small": 20_000, "full": 2_000_000}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(run.SCALES), default="full")
    parser.add_argument("--db", default="postgresql,sqlite")
    parser.add_argument("--tasks", type=int, default=0, help="Tasks to generate (default: 2,000,000 full).")
    args = parser.parse_args()
    return run.measure_each_database(args.db, args.scale, name="tasks", script="tasks_measure.py",
                                     script_args=["--tasks", str(args.tasks or TASKS[args.scale])])


if __name__ == "__main__":
    sys.exit(main())

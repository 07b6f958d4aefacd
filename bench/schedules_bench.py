"""`make bench`, schedules part: the week views and the iCalendar feeds over a generated province
(100 agencies, 20,000 people, a year of schedules: 50 entries a person, 1,000,000 entries; 5 / 500
/ 25,000 with --scale small), on PostgreSQL and SQLite, kept between runs. See
bench/schedules_measure.py."""

from __future__ import annotations

import argparse
import sys

import run  # noqa: E402  (bench/run.py: the shared set-up and scales)

PER_PERSON = 50  # entries a person a year (the figure)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(run.SCALES), default="full")
    parser.add_argument("--db", default="postgresql,sqlite")
    parser.add_argument("--per-person", type=int, default=PER_PERSON, help="Entries a person a year.")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    return run.measure_each_database(args.db, args.scale, name="sched", sqlite_name="schedules",
                                     script="schedules_measure.py",
                                     script_args=["--per-person", str(args.per_person), "--repeat", str(args.repeat)])


if __name__ == "__main__":
    sys.exit(main())

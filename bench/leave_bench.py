"""`make bench`, leave part: at 20,000 people (full scale) with five years of leave history, the
office's leave register for a year and a person's balance, on PostgreSQL and SQLite, kept between
runs. See bench/leave_measure.py."""

from __future__ import annotations

import argparse
import sys

import run  # noqa: E402  (bench/run.py: the shared set-up and scales)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(run.SCALES), default="full")
    parser.add_argument("--db", default="postgresql,sqlite")
    parser.add_argument("--years", type=int, default=5, help="Years of leave history to generate.")
    args = parser.parse_args()
    return run.measure_each_database(args.db, args.scale, name="leave", script="leave_measure.py",
                                     script_args=["--years", str(args.years)])


if __name__ == "__main__":
    sys.exit(main())

"""`make bench`, notices part: a notice to an agency of 700 people (published, its audience
resolved and 700 notifications written) and the notices list of a person over 20,000 notices
(50,000 full), on PostgreSQL and SQLite, kept between runs. See bench/notices_measure.py."""

from __future__ import annotations

import argparse
import sys

import run  # noqa: E402  (bench/run.py: the shared set-up and scales)

NOTICES = {"small": 20_000, "full": 50_000}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(run.SCALES), default="full")
    parser.add_argument("--db", default="postgresql,sqlite")
    parser.add_argument("--notices", type=int, default=0, help="Notices to generate (default: 50,000 full).")
    args = parser.parse_args()
    return run.measure_each_database(args.db, args.scale, name="notices", script="notices_measure.py",
                                     script_args=["--notices", str(args.notices or NOTICES[args.scale])])


if __name__ == "__main__":
    sys.exit(main())

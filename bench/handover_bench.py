"""`make bench`, hand-over part (issue 20, 000 Đ4.1.d): a person holding 5,000 open items
(incoming tasks, drafts, tasks, dossiers) handed over to a colleague in one transaction, on
PostgreSQL and SQLite, the items kept between runs. See bench/handover_measure.py."""

from __future__ import annotations

import argparse
import sys

import run  # noqa: E402  (bench/run.py: the shared set-up and scales)

ITEMS = {"small": 5_000, "full": 5_000}  # the figure at both scales: it is fast enough


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(run.SCALES), default="full")
    parser.add_argument("--db", default="postgresql,sqlite")
    parser.add_argument("--items", type=int, default=0, help="Open items the person holds (default: 5,000).")
    args = parser.parse_args()
    return run.measure_each_database(args.db, args.scale, name="handover", script="handover_measure.py",
                                     script_args=["--items", str(args.items or ITEMS[args.scale])])


if __name__ == "__main__":
    sys.exit(main())

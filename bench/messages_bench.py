"""`make bench`, internal messages part: the inbox and sent lists of a person with 50,000 messages
(and the messages of the people around him) on a generated province, on PostgreSQL and SQLite,
kept between runs. See bench/messages_measure.py."""

from __future__ import annotations

import argparse
import sys

import run  # noqa: E402  (bench/run.py: the shared set-up and scales)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(run.SCALES), default="full")
    parser.add_argument("--db", default="postgresql,sqlite")
    parser.add_argument("--messages", type=int, default=50_000, help="The person's messages (default 50,000).")
    args = parser.parse_args()
    return run.measure_each_database(args.db, args.scale, name="messages", script="messages_measure.py",
                                     script_args=["--messages", str(args.messages)])


if __name__ == "__main__":
    sys.exit(main())

"""The production settings plus one address for the throughput bench (bench/throughput_bench.py):
/bench/bare/, a view that returns a few bytes through the same middleware stack. Served by the
same gunicorn as the pages it is compared with; never part of an installation."""

from qlvb.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"

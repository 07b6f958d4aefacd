"""Where one incoming page spends its time, on a benchmark database: each query's SQL and
duration, and the Python functions that took longest. For finding what to change, not a figure.

    DATABASE_URL=sqlite:///bench/data/bench-full.sqlite3 QLVB_VAR_DIR=bench/data/var \
        .venv/bin/python bench/profile_page.py to_handle [--repeat 20] [--profile]

Pages: to_handle, to_handle_unit_head, in_progress_unit_head, done_unit_head, overview,
overview_unit_head, document,
document_unit_head, home.
The people are the ones bench/measure.py picks.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DEBUG", "0")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="also print the slowest Python functions")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import close_old_connections, connection
    from django.db.models import Count
    from django.test import Client
    from measure import PROVINCE_SUFFIX, IncomingPages

    from qlvb.accounts.services import record_login
    from qlvb.org.models import Agency

    largest = (Agency.objects.filter(code__endswith=PROVINCE_SUFFIX).annotate(n=Count("people"))
               .order_by("-n", "code").first())
    pages = IncomingPages("x", args, largest, largest, None, None, None)
    busy = pages.specialists_by_tasks(largest)[0][0]
    head = pages.busiest_unit_head(largest)[0]
    leader = pages.agency_head(largest)
    document = pages.typical_document(busy)
    who, url = {
        "to_handle": (busy, "/incoming/list/to_handle/"),
        "to_handle_unit_head": (head, "/incoming/list/to_handle/"),
        "in_progress_unit_head": (head, "/incoming/list/in_progress/"),
        "done_unit_head": (head, "/incoming/list/done/"),
        "overview": (leader, "/incoming/overview/"),
        "overview_unit_head": (head, "/incoming/overview/"),
        "document": (busy, f"/incoming/{document}/"),
        "document_unit_head": (head, f"/incoming/{document}/"),
        "home": (leader, "/"),
    }[args.page]
    client = Client()
    client.force_login(who)
    record_login(person=who, session_key=client.session.session_key, ip="127.0.0.1", user_agent="profile")

    timings: dict[str, list[float]] = {}

    def timer(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.setdefault(sql, []).append((time.perf_counter() - started) * 1000)

    totals = []
    profiler = cProfile.Profile()
    for i in range(args.repeat):
        started = time.perf_counter()
        with connection.execute_wrapper(timer):
            if args.profile and i >= args.repeat // 2:
                profiler.enable()
            response = client.get(url)
            profiler.disable()
        close_old_connections()
        totals.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    totals = totals[:1] + sorted(totals[1:])
    timed = totals[1:]  # the first request fills the caches
    print(f"{args.page}: {who.username} {url}: median {timed[len(timed) // 2]:.1f} ms, "
          f"p95 {timed[int(len(timed) * 0.95)]:.1f} ms, max {timed[-1]:.1f} ms")
    spent = sorted(timings.items(), key=lambda item: -sum(item[1]))
    query_ms = sum(sum(v) for v in timings.values()) / args.repeat
    print(f"queries: {query_ms:.1f} ms a request")
    for sql, values in spent:
        values.sort()
        print(f"{sum(values) / args.repeat:7.1f} ms  x{len(values) / args.repeat:.0f}  max {values[-1]:.1f}  "
              f"{sql[:400]}")
    if args.profile:
        profiler.dump_stats("/tmp/profile.out")
        pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(40)


if __name__ == "__main__":
    main()

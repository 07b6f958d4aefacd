"""`make bench`, the national axis (exchange/axis): figures against the contract double of the axis
on loopback (qlvb/exchange/axis/double.py, a thread of this process), not the real axis.

1. Packages per minute sent and received through the axis: two QLVB installations (separate
   processes, SQLite databases and file stores under bench/data/axis) registered as two systems;
   A issues documents with a 1 MB PDF (built and signed into its outbound queue), then A's queue
   is sent over the axis (sendEdoc) and timed, then B polls (list, getEdoc, verify, parse, store,
   commit, updateStatus) and is timed.
2. The directory synchronisation: getAgenciesList answering 111,000 generated agencies (a third
   of them under a parent, one in fifty with an old code), streamed into installation A's
   directory; time and the growth of the process's peak resident memory while it runs.

Prints `bench exchange.axis.<name> <value> <unit>` lines.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
DATA_DIR = BASE_DIR / "bench" / "data"
SCALES = {"small": {"packages": 5, "agencies": 20_000}, "full": {"packages": 30, "agencies": 111_000}}

CONNECT = """
from qlvb.core.actor import Actor
from qlvb.exchange.axis.sync import save_connection
from qlvb.org.models import Person
save_connection(by=Actor(Person.objects.get(username="root")), name="Trục liên thông", endpoint="{url}",
                system_id="{system}", secret="{secret}", agency_codes="{codes}")
"""
SEND = """
import time
from qlvb.exchange.transport import send_due
_t = time.monotonic()
r = send_due(limit=100000)
print("SECONDS", time.monotonic() - _t, r["sent"], r["failed"])
"""
POLL = """
import time
from qlvb.exchange.axis.sync import poll_all
_t = time.monotonic()
r = poll_all()
print("SECONDS", time.monotonic() - _t, r.get("stored", 0), r.get("errors", 0))
"""
SYNC = """
import resource, time
from qlvb.exchange.axis.sync import sync_directory
from qlvb.exchange.models import AxisConnection
from qlvb.org.models import DirectoryAgency
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
_t = time.monotonic()
loaded = sync_directory(AxisConnection.objects.get())
seconds = time.monotonic() - _t
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("SYNC", seconds, (after - before) / 1024, after / 1024, loaded.added, loaded.updated,
      DirectoryAgency.objects.filter(is_current=True).count())
"""


def agencies(count: int):
    """getAgenciesList entries: ministries and provinces at the top, their units below."""
    tops = max(1, count // 3)
    for n in range(1, count + 1):
        parent = 0 if n <= tops else 1 + (n % tops)
        letter = "GH"[n % 2]
        code = f"{n % 1000:03d}.{n // 1000 % 100:02d}.{n // 100000:02d}.{letter}{n % 97:02d}"
        old = f"{n % 1000:03d}.{n // 1000 % 100:02d}.{90 + n // 100000}.X{n % 97:02d}" if n % 50 == 0 else ""
        yield {"id": str(n), "pid": str(parent) if parent else "", "code": code,
               "name": f"Cơ quan số {n} tỉnh thử nghiệm", "mail": f"vanthu{n}@example.gov.vn", "oldCode": old}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    args = parser.parse_args()
    scale = SCALES[args.scale]
    from qlvb.exchange.axis.double import AxisDouble
    from qlvb.exchange.tests.instances import ISSUE, RECEIVER_CODE, SENDER_CODE, make_two

    base = DATA_DIR / "axis"
    for name in ("a", "b"):
        shutil.rmtree(base / name, ignore_errors=True)
    axis = AxisDouble()
    url = axis.start()
    try:
        axis.add_system("bench.a", "secret-a-0123456789", [SENDER_CODE])
        axis.add_system("bench.b", "secret-b-0123456789", [RECEIVER_CODE])
        a, b = make_two(base)
        a.shell(CONNECT.format(url=url, system="bench.a", secret="secret-a-0123456789", codes=RECEIVER_CODE))
        b.shell(CONNECT.format(url=url, system="bench.b", secret="secret-b-0123456789", codes=SENDER_CODE))
        packages = scale["packages"]
        a.manage("shell", "-c", ISSUE, env={"ISSUE_COUNT": str(packages), "ISSUE_BYTES": str(1024 * 1024)},
                 timeout=3600)
        seconds, sent, failed = a.shell(SEND, timeout=3600).rsplit("SECONDS", 1)[1].split()[:3]
        assert int(sent) == packages and int(failed) == 0, (sent, failed)
        print(f"bench exchange.axis.send_1mb.per_minute {packages / float(seconds) * 60:.1f} packages", flush=True)
        seconds, stored, errors = b.shell(POLL, timeout=3600).rsplit("SECONDS", 1)[1].split()[:3]
        assert int(stored) == packages and int(errors) == 0, (stored, errors)
        print(f"bench exchange.axis.receive_1mb.per_minute {packages / float(seconds) * 60:.1f} packages",
              flush=True)
        assert axis.pending("bench.b") == []

        count = scale["agencies"]
        axis.agency_source = lambda: agencies(count)
        out = a.shell(SYNC, timeout=3600).rsplit("SYNC", 1)[1].split()
        seconds, grown, peak, added = float(out[0]), float(out[1]), float(out[2]), int(out[3])
        assert added >= count, out
        print(f"bench exchange.axis.directory_{count}.seconds {seconds:.1f} s", flush=True)
        print(f"bench exchange.axis.directory_{count}.peak_rss_growth {grown:.0f} MB", flush=True)
        print(f"bench exchange.axis.directory_{count}.peak_rss {peak:.0f} MB", flush=True)
        out = a.shell(SYNC, timeout=3600).rsplit("SYNC", 1)[1].split()  # again: nothing to change
        print(f"bench exchange.axis.directory_{count}.unchanged_seconds {float(out[0]):.1f} s", flush=True)
    finally:
        axis.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

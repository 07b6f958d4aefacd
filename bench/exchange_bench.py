"""`make bench`, exchange part.

1. Packages per minute between two QLVB installations on loopback (separate gunicorn servers,
   SQLite databases and file stores, kept under bench/data/exchange): documents with a 1 MB PDF
   are built and signed on A (XML-DSig with the agency's key), then A's outbound queue is sent to
   B, which verifies, parses and stores each before answering. Printed: the transfer rate and the
   build-and-sign rate.
2. The reception-queue page with 10,000 waiting packages (1,000 with --scale small), on SQLite and
   PostgreSQL (bench/exchange_measure.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import run  # noqa: E402  (bench/run.py: the shared PostgreSQL set-up)

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
DATA_DIR = BASE_DIR / "bench" / "data"
SCALES = {"small": {"waiting": 1_000, "packages": 5}, "full": {"waiting": 10_000, "packages": 30}}


def postgres_url(scale: str) -> str | None:
    return run.postgres_url(scale, "qlvb_bench_exchange")


def transfer(packages: int) -> None:
    from qlvb.exchange.tests.instances import ISSUE, make_pair

    base = DATA_DIR / "exchange"
    for name in ("a", "b"):
        shutil.rmtree(base / name, ignore_errors=True)
    a, b = make_pair(base)
    try:
        env_issue = {"ISSUE_COUNT": str(packages), "ISSUE_BYTES": str(1024 * 1024)}
        out = a.manage("shell", "-c", "import time\n_t = time.monotonic()\n" + ISSUE
                       + "\nprint('SECONDS', time.monotonic() - _t)", env=env_issue, timeout=3600)
        seconds = float(out.rsplit("SECONDS", 1)[1].split()[0])
        print(f"bench exchange.build_and_sign_1mb.sqlite.per_minute {packages / seconds * 60:.1f} packages", flush=True)
        b.start()
        out = a.shell("import time\nfrom qlvb.exchange.transport import send_due\n_t = time.monotonic()\n"
                      "r = send_due(limit=100000)\nprint('SECONDS', time.monotonic() - _t, r['sent'], r['failed'])",
                      timeout=3600)
        seconds, sent, failed = out.rsplit("SECONDS", 1)[1].split()[:3]
        assert int(sent) == packages and int(failed) == 0, out[-500:]
        print(f"bench exchange.transfer_1mb.sqlite.per_minute {packages / float(seconds) * 60:.1f} packages",
              flush=True)
        print(f"bench exchange.transfer_1mb.sqlite.seconds_each {float(seconds) / packages:.2f} s", flush=True)
    finally:
        a.kill()
        b.kill()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--skip-transfer", action="store_true")
    args = parser.parse_args()
    scale = SCALES[args.scale]
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if not args.skip_transfer:
        transfer(scale["packages"])
    status = 0
    for url in filter(None, [f"sqlite:///{DATA_DIR / f'exchange-queue-{args.scale}.sqlite3'}",
                             postgres_url(args.scale)]):
        env = {**os.environ, "DATABASE_URL": url, "QLVB_VAR_DIR": str(DATA_DIR / "var"), "TESTING": "0",
               "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost", "MEDIA_ROOT": str(DATA_DIR / "var" / "files")}
        subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), "migrate", "-v0"], env=env, check=True)
        result = subprocess.run([sys.executable, str(BASE_DIR / "bench" / "exchange_measure.py"),
                                 "--waiting", str(scale["waiting"])], env=env)
        status = status or result.returncode
    return status


if __name__ == "__main__":
    sys.exit(main())

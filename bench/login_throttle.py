"""Measure sign-in throttling (issue 13, R4) on a fresh demo database, through the real sign-in page.

    QLVB_VAR_DIR=/tmp/var-login-bench .venv/bin/python bench/login_throttle.py

A stranger posts wrong passwords for one account from one address as fast as he can for a few
seconds; we count the passwords actually tried (200 answers) against those refused (429). Then the
owner signs in from her own address, and we time an unknown username against a wrong password
(each from an address of its own, so that the throttle does not answer first).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")


def main(seconds: float = 5.0) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from qlvb.org.demo import load_demo

    call_command("migrate", verbosity=0)
    rows = load_demo()
    if rows is None:
        sys.exit("use a fresh QLVB_VAR_DIR")
    _agency, username, _name, password = rows[1]
    stranger = Client(REMOTE_ADDR="203.0.113.7", HTTP_HOST="localhost")
    stranger.get("/accounts/login/")  # warm up (templates, translations)
    codes: list[int] = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        codes.append(stranger.post("/accounts/login/", {"username": username, "password": "doan-mo"}).status_code)
    elapsed = time.perf_counter() - start
    tried = codes.count(200)
    print(f"stranger, one account, one address, {elapsed:.1f} s: {len(codes)} requests, "
          f"{tried} passwords tried ({tried / elapsed:.2f}/s), {codes.count(429)} answered 429")
    owner = Client(REMOTE_ADDR="10.1.1.5", HTTP_HOST="localhost")
    t = time.perf_counter()
    answer = owner.post("/accounts/login/", {"username": username, "password": password})
    print(f"owner from her address meanwhile: {answer.status_code} -> {answer.get('Location')} "
          f"in {(time.perf_counter() - t) * 1000:.0f} ms")
    timings: dict[str, list[float]] = {"unknown username": [], "wrong password": []}
    for i in range(20):
        for label, name in (("unknown username", f"khong.co.{i}"), ("wrong password", username)):
            client = Client(REMOTE_ADDR=f"198.51.{len(timings[label])}.{1 if label[0] == 'u' else 2}",
                            HTTP_HOST="localhost")
            t = time.perf_counter()
            response = client.post("/accounts/login/", {"username": name, "password": "sai-mat-khau"})
            timings[label].append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.status_code
    for label, values in timings.items():
        print(f"{label}: median {statistics.median(values):.0f} ms (min {min(values):.0f}, max {max(values):.0f})")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 5.0)

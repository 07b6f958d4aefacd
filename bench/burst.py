"""The 8 a.m. burst (issue 14): inbox loads by many people and sign-ins of distinct accounts, each
at a random moment within the window, against a running server. Open loop: a request starts at
its moment whatever the server's backlog, and its time counts from that moment (a slow server is
not hidden by the client waiting for it).

Reads a plan (JSON) on stdin from bench/throughput_bench.py; prints the figures as JSON.
A sign-in is what a person waits for: posting the form (the password's hashing, the session) and
loading the page it leads to.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import resource
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else 0.0


class Client:
    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80

    def request(self, method: str, path: str, cookies: dict[str, str], body: str | None = None
                ) -> tuple[int, dict[str, str], bytes, list[str]]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "User-Agent": "qlvb-burst"}
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            set_cookies = response.msg.get_all("Set-Cookie") or []
            return response.status, dict(response.getheaders()), data, set_cookies
        finally:
            connection.close()


def cookie(set_cookies: list[str], name: str) -> str | None:
    for line in set_cookies:
        if line.startswith(f"{name}="):
            return line.split(";", 1)[0].split("=", 1)[1]
    return None


def main() -> None:
    plan = json.load(sys.stdin)
    client = Client(plan["base"])
    rng = random.Random(8)
    seconds = float(plan["seconds"])
    sessions = plan["inbox_sessions"]
    work = [(rng.uniform(0, seconds), "inbox", sessions[i % len(sessions)]) for i in range(plan["inbox_loads"])]
    work += [(rng.uniform(0, seconds), "login", username) for username in plan["logins"]]
    work.sort()
    times: dict[str, list[float]] = {"inbox": [], "login": []}
    errors: list[str] = []
    lock = threading.Lock()

    def inbox(session: str) -> None:
        status, _h, _b, _c = client.request("GET", plan["inbox_url"], {"sessionid": session})
        if status != 200:
            raise RuntimeError(f"inbox {status}")

    def login(username: str) -> float:
        # The form first (the person reads it: not timed), then what the person waits for.
        status, _h, body, set_cookies = client.request("GET", "/accounts/login/", {})
        token, csrf = TOKEN.search(body), cookie(set_cookies, "csrftoken")
        if status != 200 or not token or not csrf:
            raise RuntimeError(f"login form {status}")
        started = time.monotonic()
        form = urlencode({"username": username, "password": plan["password"],
                          "csrfmiddlewaretoken": token.group(1).decode()})
        status, headers, _b, set_cookies = client.request("POST", "/accounts/login/", {"csrftoken": csrf}, form)
        session = cookie(set_cookies, "sessionid")
        if status != 302 or not session or "login" in headers.get("Location", ""):
            raise RuntimeError(f"sign-in {status} {headers.get('Location')}")
        status, _h, _b, _c = client.request("GET", headers["Location"], {"sessionid": session, "csrftoken": csrf})
        if status != 200:
            raise RuntimeError(f"page after sign-in {status}")
        return started

    def run(at: float, kind: str, who: str) -> None:
        started = origin + at
        try:
            if kind == "inbox":
                inbox(who)
            else:
                started = login(who)
            elapsed = (time.monotonic() - started) * 1000
            with lock:
                times[kind].append(elapsed)
        except Exception as error:  # noqa: BLE001 - every failure is counted and shown
            with lock:
                errors.append(f"{kind}: {error}")

    cpu = resource.getrusage(resource.RUSAGE_SELF)
    origin = time.monotonic()
    with ThreadPoolExecutor(max_workers=96) as pool:
        for at, kind, who in work:
            delay = origin + at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(run, at, kind, who)
    took = time.monotonic() - origin
    used = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (used.ru_utime - cpu.ru_utime) + (used.ru_stime - cpu.ru_stime)
    print(json.dumps({
        "inbox_p95": percentile(times["inbox"], 0.95), "login_p95": percentile(times["login"], 0.95),
        "errors": len(errors),
        "note": (f"{len(times['inbox'])} inbox loads (median {percentile(times['inbox'], 0.5):.0f} ms, max "
                 f"{max(times['inbox'], default=0):.0f}), {len(times['login'])} sign-ins (median "
                 f"{percentile(times['login'], 0.5):.0f} ms, max {max(times['login'], default=0):.0f}) in "
                 f"{took:.0f} s, {len(errors)} errors{': ' + '; '.join(sorted(set(errors))[:5]) if errors else ''}; "
                 f"the client used {client_cpu:.1f} s of CPU"),
    }))


if __name__ == "__main__":
    main()

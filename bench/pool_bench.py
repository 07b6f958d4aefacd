"""`make bench`, connection pooling: what psycopg's pool (DB_POOL=1) changes against PostgreSQL.

    .venv/bin/python bench/pool_bench.py [--requests 400] [--clients 8] [--modes fresh,kept,pool]

A PostgreSQL cluster of its own (tests/servers/postgres.py) with a minimal province; one gunicorn
node (2 processes × 4 threads, as a node under load) serves a signed-in clerk's incoming list to
`--clients` clients at once, in three ways of holding connections:
  fresh    DB_CONN_MAX_AGE=0: a connection opened and closed for every request
  kept     DB_CONN_MAX_AGE=60 (the default): one connection per thread, kept between requests
  pool     DB_POOL=1, DB_POOL_MAX_SIZE=2: psycopg's pool per process, its 4 threads sharing 2 connections
Printed for each: requests/s, p95 in ms, and the most connections PostgreSQL saw from the node
(pg_stat_activity, sampled during the run): what many nodes multiply against max_connections.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from tests.nodes.cluster import CLERKS, PASSWORD, SETUP, Node, _clean_environ, manage  # noqa: E402
from tests.servers.postgres import postgres  # noqa: E402

MODES = {"fresh": {"DB_CONN_MAX_AGE": "0"}, "kept": {"DB_CONN_MAX_AGE": "60"},
         "pool": {"DB_POOL": "1", "DB_POOL_MIN_SIZE": "1", "DB_POOL_MAX_SIZE": "2"}}


def sign_in(base: str) -> requests.Session:
    http = requests.Session()
    http.trust_env = False
    page = http.get(base + "/accounts/login/")
    token = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = http.post(base + "/accounts/login/", data={"username": CLERKS[0], "password": PASSWORD,
                                                           "csrfmiddlewaretoken": token}, allow_redirects=False)
    assert response.status_code == 302, response.status_code
    return http


def measure(node: Node, pg_sql, requests_count: int, clients: int) -> tuple[float, float, int]:  # noqa: ANN001
    http = sign_in(node.url)
    cookies = http.cookies.get_dict()
    for _ in range(20):  # warm every process and thread
        http.get(node.url + "/incoming/")
    peak, running = 0, True

    def sample() -> None:
        nonlocal peak
        while running:
            peak = max(peak, pg_sql("select count(*) from pg_stat_activity where datname = 'qlvb'")[0][0])
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    local = threading.local()

    def one(_n: int) -> float:
        if not hasattr(local, "http"):
            local.http = requests.Session()
            local.http.trust_env = False
            local.http.cookies.update(cookies)
        started = time.perf_counter()
        response = local.http.get(node.url + "/incoming/")
        assert response.status_code == 200, response.status_code
        return time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        times = list(pool.map(one, range(requests_count)))
    elapsed = time.perf_counter() - started
    running = False
    sampler.join()
    return requests_count / elapsed, statistics.quantiles(times, n=20)[18] * 1000, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--modes", default=",".join(MODES), help="which ways, in this order (fresh,kept,pool)")
    options = parser.parse_args()
    print(f"# pool bench: load {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    with postgres() as pg, tempfile.TemporaryDirectory(prefix="qlvb-pool-") as folder:
        import psycopg

        url = pg.create_database("qlvb")

        def pg_sql(query: str) -> list[tuple]:
            with psycopg.connect(pg.url().replace("postgres://", "postgresql://"), autocommit=True) as db:
                return db.execute(query).fetchall()

        env = {**_clean_environ(), "DATABASE_URL": url, "QLVB_VAR_DIR": folder, "DEBUG": "0",
               "SECRET_KEY": "pool-bench-" + "k" * 50, "QLVB_LOGIN_ADDRESS_CAP": "1000"}
        manage(env, "shell", "-c", textwrap.dedent(SETUP))
        for mode in options.modes.split(","):
            extra = MODES[mode]
            node = Node(name=mode, folder=Path(folder), env={**env, **extra})
            node.web = node._spawn([sys.executable, "-m", "gunicorn", "qlvb.wsgi:application", "--bind", node.address,
                                    "--workers", "2", "--threads", "4", "--preload",
                                    "--control-socket", f"{folder}/gunicorn-{mode}.ctl"], f"web-{mode}.log")
            try:
                node.wait_web()
                rate, p95, peak = measure(node, pg_sql, options.requests, options.clients)
            finally:
                node.stop()
            print(f"bench pool.{mode}.rps {rate:.1f} req/s", flush=True)
            print(f"bench pool.{mode}.p95 {p95:.0f} ms", flush=True)
            print(f"bench pool.{mode}.pg_connections {peak} connections", flush=True)


if __name__ == "__main__":
    main()

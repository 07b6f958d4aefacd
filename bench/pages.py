"""Timing a page as the measuring scripts do (bench/tasks_measure.py, bench/schedules_measure.py):
imported after django.setup(), in the process that has the bench's DATABASE_URL."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qlvb.accounts.services import record_login
from qlvb.org.models import Person


@dataclass(frozen=True)
class Timing:
    p50: float  # ms
    p95: float  # ms
    queries: int  # the most any request asked


def time_page(client: Client, url: str, repeat: int) -> Timing:
    """One request to warm (the person's roles, the templates), then `repeat` timed ones, each a
    200 (else AssertionError naming the answer)."""
    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.get("Location"))

    return time_calls(get, repeat)


def time_calls(call: Callable[[], object], repeat: int) -> Timing:
    """One call to warm, then `repeat` timed ones with their queries counted. The long-lived
    objects are then frozen out of the cyclic collector's sight, as a production worker does once
    warm (gunicorn.conf.py): otherwise its full passes walk everything this process generated and
    imported, a pause no served request pays."""
    call()
    gc.collect()
    gc.freeze()
    times, queries = [], set()
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        queries.add(len(captured))
    times.sort()
    return Timing(statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], max(queries))


def signed_in(person: Person) -> Client:
    """A client signed in as the login view does it (the session and its LoginSession row)."""
    client = Client()
    client.force_login(person)
    record_login(person=person, session_key=client.session.session_key, ip="127.0.0.1", user_agent="qlvb-bench")
    return client

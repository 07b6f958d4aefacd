"""Run writes against each other from several threads, each with its own database connection,
round after round, and collect what went wrong (a deadlock above all)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections

from qlvb.core.errors import NotAllowed

# Losing a race is an expected answer: the other write came first and this one is refused.
REFUSALS = (NotAllowed, ValidationError)


def is_deadlock(error: BaseException) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if type(seen).__name__ == "DeadlockDetected" or "deadlock detected" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def race(rounds: int, setup: Callable[[int], Any], workers: Sequence[Callable[[Any], object]]) -> list[BaseException]:
    """For each round: `setup(round)` in this thread, then every worker on its result at the same
    moment, each in its own thread and connection. Stops at the first unexpected error."""
    start, done = threading.Barrier(len(workers) + 1), threading.Barrier(len(workers) + 1)
    state: dict[str, Any] = {"value": None, "stop": False}
    errors: list[BaseException] = []

    def loop(worker: Callable[[Any], object]) -> None:
        try:
            while True:
                start.wait()
                if state["stop"]:
                    return
                try:
                    worker(state["value"])
                except REFUSALS:
                    pass
                except BaseException as error:  # noqa: BLE001 - reported to the test
                    errors.append(error)
                done.wait()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=loop, args=(worker,), daemon=True) for worker in workers]
    for thread in threads:
        thread.start()
    try:
        for index in range(rounds):
            state["value"] = setup(index)
            start.wait()
            done.wait()
            if errors:
                break
    finally:
        state["stop"] = True
        start.wait()
        for thread in threads:
            thread.join(timeout=30)
    return errors

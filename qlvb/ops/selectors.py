"""What ops reads: the checks' results, kept a few seconds for the endpoint and the metrics."""

from __future__ import annotations

import threading
import time

from django.conf import settings

from qlvb.core import health

_lock = threading.Lock()
_kept: tuple[float, list[health.Result]] | None = None


def results(*, fresh: bool = False) -> list[health.Result]:
    """Every registered check's result. The load balancer and Prometheus ask every few seconds
    and anyone may call /health/: within QLVB_HEALTH_CACHE_SECONDS they get the last results of this
    process instead of another round of probes (a storage write each). The health page asks fresh."""
    global _kept
    keep = settings.QLVB_HEALTH_CACHE_SECONDS
    with _lock:
        now = time.monotonic()
        if not fresh and keep > 0 and _kept is not None and now - _kept[0] < keep:
            return _kept[1]
        found = health.run()
        _kept = (now, found)
        return found


def forget() -> None:
    global _kept
    with _lock:
        _kept = None


def serving(found: list[health.Result]) -> bool:
    """Whether this node can serve: every critical check passes."""
    return all(result.probe.ok or not result.probe.critical for result in found)


def status(found: list[health.Result]) -> str:
    if not serving(found):
        return "unavailable"
    return "ok" if all(result.probe.ok for result in found) else "warning"

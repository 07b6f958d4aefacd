"""The metrics in Prometheus' text format, computed when Prometheus asks.

Every figure comes from the health checks at scrape time, nothing is counted per request: no
middleware runs on the pages, and gunicorn's workers need no shared multiprocess folder since
the figures live in the database, the queue and the disks, not in a worker's memory. Cluster-wide
figures (the job queue, the worker's heartbeat, the exchange's outbox) are the same on every node:
aggregate them with max(), not sum(). Request rates and latencies are the reverse proxy's to give.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from qlvb.core import health
from qlvb.ops import selectors


class ChecksCollector(Collector):
    def __init__(self, found: list[health.Result]) -> None:
        self.found = found

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("qlvb_up", "1 when every critical check passes (what /health/ answers 200 for).")
        up.add_metric([], 1.0 if selectors.serving(self.found) else 0.0)
        yield up
        ok = GaugeMetricFamily("qlvb_check_ok", "1 when the check passes, 0 when it fails.",
                               labels=["check", "critical"])
        seconds = GaugeMetricFamily("qlvb_check_duration_seconds", "How long the check took.", labels=["check"])
        value = GaugeMetricFamily(
            "qlvb_check_value",
            "The check's figure: worker = seconds since the last heartbeat, disk = free bytes, "
            "jobs = jobs waiting, exchange_outbox = packages waiting, ocr_queue = files waiting, "
            "backup = seconds since the last good backup.",
            labels=["check"])
        for result in self.found:
            ok.add_metric([result.name, str(result.probe.critical).lower()], 1.0 if result.probe.ok else 0.0)
            seconds.add_metric([result.name], result.seconds)
            if result.probe.value is not None:
                value.add_metric([result.name], float(result.probe.value))
        yield ok
        yield seconds
        yield value


def exposition(found: list[health.Result]) -> bytes:
    # A registry of our own: the default one would add this one worker's process figures, which
    # say nothing about the node when gunicorn runs several.
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ChecksCollector(found))
    return generate_latest(registry)

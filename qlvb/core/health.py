"""What the health page, the health endpoint and the metrics ask: a registry of checks.

An app that has something to report (the job worker's heartbeat, the last backup, a queue's
length) registers a check in its AppConfig.ready(); core never imports the app. A check returns
a Probe; it must be quick (well under a second) and must not raise for a sick dependency:
it says so in the Probe instead.

    from qlvb.core import health

    @health.register("backup", label=_("Last backup"))
    def last_backup() -> health.Probe:
        ...
        return health.Probe(ok=True, detail=_("verified, 3 hours ago"), value=3 * 3600)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass
class Probe:
    ok: bool
    detail: str | Promise = ""
    # A number for the metrics (seconds since, a queue's length, free bytes…), or None.
    value: float | None = None
    # False: a warning, shown, but the endpoint still answers 200 (a backup a day late does not
    # take a node out of the load balancer; a dead database does).
    critical: bool = True


@dataclass
class Check:
    name: str
    label: str | Promise
    probe: Callable[[], Probe]


@dataclass
class Result:
    name: str
    label: str | Promise
    probe: Probe
    seconds: float = field(default=0.0)


_checks: dict[str, Check] = {}


def register(name: str, *, label: str | Promise) -> Callable[[Callable[[], Probe]], Callable[[], Probe]]:
    def decorate(probe: Callable[[], Probe]) -> Callable[[], Probe]:
        _checks[name] = Check(name=name, label=label, probe=probe)
        return probe
    return decorate


def checks() -> list[Check]:
    return list(_checks.values())


def run(names: list[str] | None = None) -> list[Result]:
    results = []
    for check in _checks.values():
        if names is not None and check.name not in names:
            continue
        started = time.monotonic()
        try:
            probe = check.probe()
        except Exception as error:  # a check that breaks is a failed check, never a 500
            probe = Probe(ok=False, detail=f"{type(error).__name__}: {error}")
        results.append(Result(name=check.name, label=check.label, probe=probe, seconds=time.monotonic() - started))
    return results

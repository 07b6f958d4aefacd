"""Background jobs of ops: the job worker's heartbeat."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    """Every minute: the worker says it is alive (read by the `worker` health check)."""
    from qlvb.ops.services import beat

    beat()

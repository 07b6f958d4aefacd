"""Background job of leave: the colleague named to cover a leave takes the person's open tasks on
its first day and gives back what he still holds the day after its last (services.run_covers).
It runs every hour, so a worker stopped at midnight catches up; a run finds nothing to do twice."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="5"), retries=2, retry_delay=300)
def run_covers() -> tuple[int, int]:
    from qlvb.leave.services import run_covers as run

    return run()

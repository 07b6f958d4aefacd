"""Background jobs of the organisation app."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qlvb.org.services import end_expired_delegations


@db_periodic_task(crontab(minute="*"))
def end_delegations() -> int:
    return end_expired_delegations()

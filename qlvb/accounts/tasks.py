"""Background jobs of accounts."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="3", minute="40"))
def forget_quiet_throttles() -> None:
    """Sign-in throttle rows quiet for a day are deleted (accounts.services.forget_quiet_throttles)."""
    from qlvb.accounts.services import forget_quiet_throttles as forget

    forget()

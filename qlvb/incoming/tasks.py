"""Background jobs of incoming documents."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="2", minute="45"))
def recount_tally() -> None:
    """The services keep IncomingTally exact; recounting each night also repairs anything a
    restored backup or a manual database edit may have left out of step."""
    from qlvb.incoming.tally import recount

    recount()

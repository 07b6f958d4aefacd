"""Background jobs of the kernel."""

from __future__ import annotations

from django.db import connection
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="2", minute="30"))
def refresh_planner_statistics() -> None:
    """SQLite has no autovacuum: without fresh statistics its planner picks the wrong index on
    big tables (the draft list went from 14 ms to 340 ms at a million documents). PostgreSQL's
    autovacuum does this by itself."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")
            cursor.execute("ANALYZE")


@db_periodic_task(crontab(minute="*/5"))
def checkpoint_event_chains() -> None:
    """The heads of the event chains, signed, into the append-only file outside the database
    (core.anchors): an end cut off a chain behind a checkpoint is seen by `verify_events`."""
    from qlvb.core.anchors import write_checkpoint

    write_checkpoint()


@db_periodic_task(crontab(hour="3", minute="10"))
def purge_bin() -> int:
    """What has waited QLVB_BIN_DAYS in the bin and is still unused is deleted for good, each
    with its event (core.bin)."""
    from qlvb.core.bin import purge_expired

    return purge_expired()

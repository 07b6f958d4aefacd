"""Background jobs of the files app."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="3", minute="10"))
def clear_kept_uploads() -> None:
    """Files kept for a form that came back with an error live a day (files.kept)."""
    from qlvb.files.kept import clear_expired

    clear_expired()


@db_periodic_task(crontab(hour="3", minute="20"))
def sweep_orphan_blobs() -> None:
    """Blobs left by a failed transaction or a crash, referenced by nothing, older than a day:
    removed, since they may hold a secret document's content (files.sweep)."""
    from qlvb.files.sweep import delete_orphan_blobs

    delete_orphan_blobs()

"""Background jobs of signing: a signing session handed to a remote service is advanced by the
worker (at once when it starts, then every minute until it completes, is refused or expires)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def advance_session(session_id: int) -> None:
    from qlvb.signatures import deferred
    from qlvb.signatures.models import SigningSession

    session = SigningSession.objects.filter(pk=session_id).first()
    if session is not None:
        deferred.advance(session)


@db_periodic_task(crontab(minute="*"))
def advance_waiting_sessions() -> None:
    from qlvb.signatures import deferred

    deferred.advance_waiting()

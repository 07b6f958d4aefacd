"""Background jobs: read a file's text; every ten minutes, run again the jobs that died."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def extract_file(extraction_id: int) -> None:
    from qlvb.digitisation.services import run_extraction

    run_extraction(extraction_id)


@db_periodic_task(crontab(minute="*/10"))
def requeue_stale_extractions() -> None:
    from qlvb.digitisation.services import requeue_stale

    requeue_stale()

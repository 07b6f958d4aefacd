"""Shared helpers for the edXML tests: the samples (copied from shared/interop/edxml)."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from qlvb.exchange.edxml.model import VIETNAM

SAMPLES = Path(__file__).parent / "samples"
DOCUMENT_SAMPLES = ["edoc_new.edxml", "edoc_update.edxml", "edoc_replacement.edxml", "edoc_revocation.edxml",
                    "dc0bdef0-c7a3-4aaf-b717-777303442973.edxml"]
STATUS_SAMPLES = ["status.edxml", "status_inbox_01.edxml", "status_rejection_02.edxml",
                  "status_acceptance_03.edxml", "status_assignment_04.edxml", "status_processing_05.edxml",
                  "status_finish_06.edxml", "status_cancellation_13.edxml", "status_change-acceptance_15.edxml",
                  "status_change-rejection_16.edxml"]
WELL_FORMED = DOCUMENT_SAMPLES + STATUS_SAMPLES


@functools.cache
def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def vn(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VIETNAM)

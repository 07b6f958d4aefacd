"""Shared helpers for the edXML tests: the samples (copied from shared/interop/edxml)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

from qlvb.exchange.edxml import DocumentPackage, StatusPackage, parse
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


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=VIETNAM)


def parse_document(data: bytes) -> DocumentPackage:
    pkg = parse(data)
    assert isinstance(pkg, DocumentPackage)
    return pkg


def parse_status(data: bytes) -> StatusPackage:
    pkg = parse(data)
    assert isinstance(pkg, StatusPackage)
    return pkg


def found(pattern: bytes, data: bytes, flags: int = 0) -> re.Match[bytes]:
    match = re.search(pattern, data, flags)
    assert match is not None, pattern
    return match

"""Files waiting to be read, on the health page and in the metrics."""

from __future__ import annotations

import pytest

from qlvb.core import health
from qlvb.digitisation.models import TextExtraction
from qlvb.files.services import store_bytes

pytestmark = pytest.mark.django_db


def ocr_queue() -> health.Probe:
    [result] = health.run(["ocr_queue"])
    return result.probe


def test_the_ocr_queue_counts_files_waiting_or_being_read(settings):
    assert ocr_queue().ok and ocr_queue().value == 0
    for index, status in enumerate(["pending", "running", "done", "failed"]):
        TextExtraction.objects.create(stored_file=store_bytes(b"%PDF-1.4 " + bytes([index]), name=f"{index}.pdf"),
                                      status=status)
    probe = ocr_queue()
    assert probe.ok and not probe.critical and probe.value == 2
    settings.QLVB_JOB_QUEUE_WARN = 1
    assert not ocr_queue().ok

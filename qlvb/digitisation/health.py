"""Digitisation's health check: files waiting to be read (registered in DigitisationConfig.ready)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from qlvb.core.health import Probe


def ocr_queue() -> Probe:
    from qlvb.digitisation.models import TextExtraction

    waiting = TextExtraction.objects.filter(
        status__in=[TextExtraction.Status.PENDING, TextExtraction.Status.RUNNING]).count()
    return Probe(ok=waiting <= settings.QLVB_JOB_QUEUE_WARN, critical=False, value=float(waiting),
                 detail=_("%(count)d files waiting to be read") % {"count": waiting})

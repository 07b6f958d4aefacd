from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.incoming.tests.conftest import _media, register_doc, registers  # noqa: F401 - fixtures
from qlvb.org import services as org_services
from qlvb.outgoing.models import OutgoingDocument
from qlvb.reports import services
from qlvb.reports.models import PeriodicReport


def week_day() -> date:
    """A day of the current week (the report's period)."""
    return timezone.localdate()


def monday() -> date:
    today = timezone.localdate()
    return today - timedelta(days=today.weekday())


@pytest.fixture
def field(org):
    """The deputy is in charge of the IT field, which supervises the IT unit."""
    return org_services.save_field(by=Actor(org.admin), agency=org.agency, name="Công nghệ thông tin",
                                   leader=org.deputy, units=[org.unit])


def unit_report(org, **extra: Any) -> PeriodicReport:
    values: dict[str, Any] = {"kind": "week", "day": week_day()}
    values.update(extra)
    return services.create_unit_report(by=Actor(org.unit_head), unit=org.unit, **values)


def issued(org, summary: str = "Báo cáo tình hình ứng dụng CNTT tuần", **extra: Any) -> OutgoingDocument:
    """An outgoing document the unit drafted, issued now (made directly: the issuing flow is the
    outgoing app's to test)."""
    values: dict[str, Any] = {
        "agency": org.agency, "drafting_unit": org.unit, "drafter": org.specialist, "doc_type": "BC",
        "summary": summary, "status": OutgoingDocument.Status.ISSUED, "number": 12, "notation": "BC-STTTT",
        "year": timezone.localdate().year, "issued_at": timezone.now()}
    values.update(extra)
    return OutgoingDocument.objects.create(**values)

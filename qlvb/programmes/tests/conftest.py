from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.org import services as org_services
from qlvb.org.models import Field
from qlvb.programmes import services
from qlvb.programmes.models import Item, Programme


def this_quarter() -> tuple[int, int]:
    today = timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


def soon(days: int = 10) -> date:
    """A day ahead, inside this quarter where possible."""
    today = timezone.localdate()
    start, end = quarter_bounds()
    day = today + timedelta(days=days)
    return day if day <= end else end


def quarter_bounds() -> tuple[date, date]:
    year, number = this_quarter()
    return services.period_bounds("quarter", year, number)


@pytest.fixture
def field(org, root) -> Field:
    """The deputy (Phó Giám đốc) in charge of the IT field, which supervises the IT unit."""
    return org_services.save_field(by=Actor(root), agency=org.agency, field=None, name="Công nghệ thông tin",
                                   abbreviation="CNTT", leader=org.deputy, units=[org.unit])


def unit_programme(org, **extra: Any) -> Programme:  # noqa: ANN001
    year, number = this_quarter()
    return services.create(by=Actor(org.unit_head), agency=org.agency, scope="unit", period="quarter", year=year,
                           number=number, owner_unit=org.unit, **extra)


def add(org, programme: Programme, **extra: Any) -> Item:  # noqa: ANN001
    by = extra.pop("by", None) or org.unit_head
    values: dict[str, Any] = {"title": "Xây dựng Kế hoạch chuyển đổi số năm 2027",
                              "product": "Tờ trình, dự thảo Quyết định", "responsible_unit": org.unit,
                              "coordinating_units": [org.office], "due": soon(), "nature": Item.Nature.KEY}
    values.update(extra)
    return services.add_item(by=Actor(by), programme=programme, **values)


def approved(org, field: Field | None = None) -> Programme:  # noqa: ANN001
    programme = unit_programme(org)
    add(org, programme)
    services.submit(by=Actor(org.unit_head), programme=programme)
    programme.refresh_from_db()
    services.approve(by=Actor(programme.approver), programme=programme)
    programme.refresh_from_db()
    return programme

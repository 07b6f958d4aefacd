from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from qlvb.core.models import Parameter
from qlvb.itstaff.rules import PARAMETER


@pytest.fixture
def department(org):
    """Sở TT&TT (org) named the Department; Sở Nội vụ (other_org) reports to it."""
    Parameter.objects.update_or_create(name=PARAMETER, defaults={"value": org.agency.pk})
    return org


def staff_values(**extra):
    values = {"degree": "university", "field_of_study": "Công nghệ thông tin", "field_is_it": True,
              "full_time_study": True}
    values.update(extra)
    return values


def deadline(days: int = 20) -> date:
    return timezone.localdate() + timedelta(days=days)

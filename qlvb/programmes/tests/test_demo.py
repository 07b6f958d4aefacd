"""The demo province's work programmes: next year's agency programme approved, the IT
department's quarter approved with tasks and late items, next quarter's waiting; loaded once."""

from __future__ import annotations

import pytest

from qlvb.org.demo import load_demo
from qlvb.org.models import Person
from qlvb.programmes import demo, selectors
from qlvb.programmes.models import Programme

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_programmes():
    load_demo()
    assert demo.load() == 3
    statuses = list(Programme.objects.order_by("id").values_list("scope", "status"))
    assert statuses == [("agency", "approved"), ("unit", "approved"), ("unit", "submitted")]
    quarter = Programme.objects.filter(scope="unit").order_by("id").first()
    assert quarter is not None
    counts = selectors.counts(selectors.item_rows(quarter))
    assert counts["late"] >= 1 and counts["done"] + counts["in_progress"] >= 1
    deputy = Person.objects.get(username="stttt.pgd.cntt")
    led, _ = selectors.fields_of(deputy)
    groups = selectors.field_view(led, quarter.starts, quarter.ends)
    assert sum(len(u.rows) for g in groups for u in g.units) == 5
    assert demo.load() == 0

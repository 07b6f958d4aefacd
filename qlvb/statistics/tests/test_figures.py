"""Each figure equals its list and the documents themselves, for every role, and moves when the
work and the clock move."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.http import Http404, QueryDict
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.incoming import services as incoming
from qlvb.statistics import periods, scopes, selectors
from qlvb.statistics.models import Item
from qlvb.statistics.selectors import OUTCOMES, Query

pytestmark = pytest.mark.django_db


def month():
    return periods.of("month", timezone.localdate())


def figures(viewer, kind="incoming", params="", **filters):
    scope = scopes.resolve(viewer, QueryDict(params))
    query = Query(kind, scope, month(), filters=filters)
    counts = selectors.totals(viewer, query)
    for outcome in OUTCOMES:  # the list behind each figure has exactly that many rows
        assert selectors.items(viewer, query, outcome).count() == counts[outcome], outcome
    return counts


def test_a_routed_document_counts_for_its_unit_and_its_handler(org, routed):
    document = routed()
    item = Item.objects.get(kind="incoming", source_id=document.pk)
    assert (item.unit_id, item.person_id, item.state) == (org.unit.pk, org.specialist.pk, "open")
    assert figures(org.head)["pending"] == 1
    assert figures(org.unit_head)["pending"] == 1
    assert figures(org.specialist)["pending"] == 1
    assert figures(org.clerk, params=f"scope=person&person={org.clerk.pk}")["total"] == 0


def test_figures_move_with_completion_and_the_clock(org, routed, later):
    on_time, late, waiting = routed(days=2), routed(days=2), routed(days=2)
    incoming.complete(by=Actor(org.specialist), document=on_time, note="Đã xử lý")
    assert figures(org.head) == {"total": 3, "done_on_time": 1, "done_late": 0, "pending": 2, "overdue": 0}
    later(5)  # past the deadline
    assert figures(org.head) == {"total": 3, "done_on_time": 1, "done_late": 0, "pending": 0, "overdue": 2}
    incoming.complete(by=Actor(org.specialist), document=late, note="Đã xử lý, muộn")
    assert figures(org.head) == {"total": 3, "done_on_time": 1, "done_late": 1, "pending": 0, "overdue": 1}
    assert waiting.pk in set(selectors.items(org.head, Query("incoming", scopes.resolve(org.head, QueryDict()),
                                                             month()), "overdue").values_list("source_id", flat=True))


def test_secret_documents_count_only_for_those_who_may_see_them(org, routed):
    routed()
    routed(secrecy="mat")
    assert figures(org.specialist)["total"] == 2  # routed to her: she may open it
    assert figures(org.head)["total"] == 2  # he routed it
    assert figures(org.deputy, params="scope=agency")["total"] == 1  # a deputy who never saw it


def test_colleagues_may_not_read_each_others_figures(org):
    with pytest.raises(Http404):
        scopes.resolve(org.clerk, QueryDict(f"scope=person&person={org.specialist.pk}"))
    with pytest.raises(Http404):
        scopes.resolve(org.specialist, QueryDict("scope=agency"))
    with pytest.raises(Http404):
        scopes.resolve(org.specialist, QueryDict(f"scope=unit&unit={org.unit.pk}"))
    assert scopes.resolve(org.unit_head, QueryDict(f"scope=person&person={org.specialist.pk}")).person_id == \
        org.specialist.pk
    assert scopes.resolve(org.head, QueryDict()).level == "agency"
    assert scopes.resolve(org.unit_head, QueryDict()).level == "unit"


def test_by_unit_and_person(org, routed):
    routed(), routed()
    scope = scopes.resolve(org.head, QueryDict())
    rows = selectors.by(org.head, Query("incoming", scope, month()), "person")
    assert [(r.label, r.counts["total"]) for r in rows] == [(org.specialist.full_name, 2)]
    rows = selectors.by(org.head, Query("incoming", scope, month()), "unit")
    assert [(r.label, r.counts["pending"]) for r in rows] == [(org.unit.name, 2)]


def test_period_input_is_checked():
    from django.core.exceptions import ValidationError
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        periods.from_params(QueryDict("period=range&start=2026-12-05&end=2026-12-01"), today)
    with pytest.raises(ValidationError):
        periods.from_params(QueryDict("period=decade"), today)
    with pytest.raises(ValidationError):  # the week would end after year 9999
        periods.from_params(QueryDict("period=week&day=9999-12-31"), today)
    quarter = periods.from_params(QueryDict("period=quarter&day=2026-11-15"), today)
    assert (quarter.start.isoformat(), quarter.end.isoformat()) == ("2026-10-01", "2026-12-31")
    assert periods.from_params(QueryDict("period=month&day=2027-01-31"), today).previous().start == \
        date(2026, 12, 1)
    assert month().previous().end == month().start - timedelta(days=1)


def test_parameters_are_read_once_for_pages_exports_and_api(org, routed):
    from qlvb.statistics import params

    routed()
    asked = params.read(org.head, QueryDict(f"by=person&f_unit={org.unit.pk}&period=year"))
    assert asked.query.filters == {"unit": str(org.unit.pk)} and asked.by == "person"
    again = params.read(org.head, QueryDict(asked.querystring()))
    assert again == asked
    assert selectors.totals(org.head, asked.query)["total"] == 1
    with pytest.raises(Http404):  # a clerk oversees the registers, not the people
        params.read(org.clerk, QueryDict("scope=agency&by=person"))
    assert params.read(org.clerk, QueryDict("scope=agency&by=unit")).by == "unit"

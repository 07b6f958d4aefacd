"""The tallies (models.Tally) give the dashboards of an agency and of the province the same figures
as adding up the rows: for every dimension, period, basis and viewer, with secret documents, a
clock moved past deadlines and into the next month. (conftest.py also checks, after every
statistics test, that the tallies kept are the rows added up.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.incoming import services as incoming
from qlvb.incoming.services import Target
from qlvb.outgoing import services as outgoing
from qlvb.outgoing.tests.conftest import signing  # noqa: F401
from qlvb.statistics import periods, scopes, selectors, tallies
from qlvb.statistics.models import Tally
from qlvb.statistics.selectors import DIMENSIONS, Query
from qlvb.statistics.tests.test_sources import make_draft
from qlvb.tasks import services as tasks
from qlvb.tasks.services import Owner

pytestmark = pytest.mark.django_db


def rows_answer(monkeypatch, viewer, query, dimension, today):
    """The same question answered from the rows."""
    with monkeypatch.context() as m:
        m.setattr(selectors, "_tally_answers", lambda query, dimension: False)
        if dimension is None:
            return selectors.totals(viewer, query, today)
        return sorted(((r.key, r.counts) for r in selectors.by(viewer, query, dimension, today)),
                  key=lambda pair: (pair[0] is not None, str(pair[0])))


def tally_answer(viewer, query, dimension, today):
    assert selectors._tally_answers(query, "" if dimension in (None, "agency", "month") else dimension)  # noqa: SLF001
    if dimension is None:
        return selectors.totals(viewer, query, today)
    return sorted(((r.key, r.counts) for r in selectors.by(viewer, query, dimension, today)),
                  key=lambda pair: (pair[0] is not None, str(pair[0])))


def work(org, routed, register_doc, signing, later):  # noqa: F811
    """Incoming documents on time, late, overdue, not yet due and without a deadline, one secret; a
    draft reviewed; tasks done and open."""
    on_time, late, _overdue, _due = routed(days=2), routed(days=2), routed(days=2), routed(days=30)
    routed(days=2, secrecy="mat")
    incoming.complete(by=Actor(org.specialist), document=on_time, note="Đã xử lý")
    draft = make_draft(org, signing)
    outgoing.submit(by=Actor(org.specialist), document=draft, signer=org.deputy)
    outgoing.approve(by=Actor(org.unit_head), document=draft)
    by = Actor(org.head)
    tasks.assign(by=by, agency=org.agency, owner=Owner(person=org.specialist), title="Rà soát hạ tầng",
                 deadline=timezone.localdate() + timedelta(days=3))
    done = tasks.assign(by=by, agency=org.agency, owner=Owner(unit=org.unit), title="Báo cáo quý",
                        deadline=timezone.localdate() + timedelta(days=10))
    # For information only: routed without a deadline, open and never overdue.
    incoming.route(by=by, document=register_doc(), main=Target(unit=org.unit), directive="Để biết", deadline=None)
    tasks.complete(by=Actor(org.unit_head), task=done, result="Đã báo cáo")
    later(6)  # past the first deadlines
    incoming.complete(by=Actor(org.specialist), document=late, note="Đã xử lý, muộn")
    return on_time


def test_the_tallies_answer_as_the_rows_do(org, routed, register_doc, signing, later, monkeypatch):  # noqa: F811
    work(org, routed, register_doc, signing, later)
    today = timezone.localdate()
    for viewer, params in ((org.head, ""), (org.deputy, "scope=agency"), (org.clerk, "scope=agency")):
        scope = scopes.resolve(viewer, QueryDict(params))
        for kind in ("incoming", "outgoing", "review", "task"):
            for basis in ("opened", "closed"):
                for period in (periods.of("month", today), periods.of("quarter", today), periods.of("year", today),
                               periods.of("month", today - timedelta(days=40))):
                    query = Query(kind, scope, period, basis)
                    for dimension in (None, "agency", "month", *tallies.DIMENSIONS[basis]):
                        if dimension == "":
                            continue
                        for moment in (today, today + timedelta(days=40)):  # the clock moved on
                            assert tally_answer(viewer, query, dimension, moment) == \
                                rows_answer(monkeypatch, viewer, query, dimension, moment), \
                                (viewer, kind, basis, period, dimension, moment)


def test_the_secret_document_counts_only_for_who_may_see_it(org, routed, register_doc, signing, later):  # noqa: F811
    work(org, routed, register_doc, signing, later)
    today = timezone.localdate()
    month = periods.of("month", today - timedelta(days=6))

    def received(viewer):
        scope = scopes.resolve(viewer, QueryDict("scope=agency"))
        return selectors.totals(viewer, Query("incoming", scope, month), today)["total"]

    assert received(org.head) == 6  # he routed the secret one
    assert received(org.deputy) == 5  # never saw it: not even its number
    kept = Tally.objects.filter(kind="incoming", basis="opened", dimension="", month=month.start)
    assert sum(t.on_time + t.late + t.open_dated + t.open_undated for t in kept) == 5  # the secret one is in none


def test_what_the_tallies_do_not_hold_is_read_from_the_rows(org, routed):
    routed()
    scope = scopes.resolve(org.head, QueryDict())
    today = timezone.localdate()
    month = periods.of("month", today)
    assert selectors._tally_answers(Query("incoming", scope, month), "unit")  # noqa: SLF001
    assert not selectors._tally_answers(Query("incoming", scope, periods.of("week", today)), "")  # noqa: SLF001
    assert not selectors._tally_answers(Query("incoming", scope, month, filters={"unit": "1"}), "")  # noqa: SLF001
    assert not selectors._tally_answers(Query("incoming", scope, month, "closed"), "person")  # noqa: SLF001
    unit = scopes.resolve(org.unit_head, QueryDict(f"scope=unit&unit={org.unit.pk}"))
    assert not selectors._tally_answers(Query("incoming", unit, month), "person")  # noqa: SLF001
    assert set(DIMENSIONS) >= {"agency", "month", *tallies.DIMENSIONS["opened"]} - {""}


def test_the_rebuild_gives_back_the_tallies_kept(org, routed, register_doc, signing, later):  # noqa: F811
    work(org, routed, register_doc, signing, later)
    kept = tallies.kept()
    assert kept and kept == tallies.recount()
    Tally.objects.all().delete()
    call_command("rebuild_statistics", verbosity=0)
    assert tallies.kept() == kept


def test_a_tally_is_written_only_when_what_it_counts_changes(org, routed):
    document = routed()
    assignment = document.assignments.get(assignee_person=org.specialist)

    def tally_writes(change) -> int:
        with CaptureQueriesContext(connection) as queries:
            change()
        return sum("statistics_tally" in q["sql"] and q["sql"].startswith("INSERT") for q in queries.captured_queries)

    # Another deadline: still open with a deadline, in the same month, unit and person.
    assert tally_writes(lambda: incoming.change_deadline(
        by=Actor(org.unit_head), assignment=assignment, deadline=timezone.localdate() + timedelta(days=3),
        reason="Chờ số liệu")) == 0
    assert tally_writes(lambda: incoming.complete(by=Actor(org.specialist), document=document, note="Xong")) == 1
    assert tallies.kept() == tallies.recount()


def test_a_registration_writes_the_tallies_last_after_the_chain_head_and_the_counter(org, register_doc):
    """An agency's tallies of the month are shared by every registration of the agency: locked
    before the register's number or the chain, they made each clerk wait for the one before from
    there to the commit (docs/architecture.md, "Lock order")."""
    with CaptureQueriesContext(connection) as queries:
        register_doc()
    sql = [q["sql"] for q in queries.captured_queries]

    def first(fragment: str) -> int:
        return next(i for i, s in enumerate(sql) if fragment in s)

    tally = first("INTO statistics_tally")
    assert tally > first("registers_registercounter")
    assert tally > first('INTO "core_event"') or tally > first("INTO core_event")
    assert tallies.kept() == tallies.recount()


def test_a_change_that_fails_after_its_statistics_leaves_no_tally(org, register_doc, monkeypatch):
    """The difference is kept on the event until after the chain: a change failing in between
    writes nothing, and the next change does not write it either."""
    from qlvb.core import events

    register_doc()
    kept = tallies.kept()

    def broken(event):
        raise RuntimeError("mất kết nối")

    monkeypatch.setattr(events, "_append", broken)
    with pytest.raises(RuntimeError):
        register_doc()
    monkeypatch.undo()
    assert tallies.kept() == kept
    register_doc()
    assert tallies.kept() == tallies.recount()

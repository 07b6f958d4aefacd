from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.core.models import ChainHead, Event


@pytest.fixture
def chain(org):
    for i in range(5):
        events.record(verb="test.thing", actor=Actor(org.specialist), agency=org.agency, data={"i": i, "tên": "Hà"})
    return f"agency:{org.agency.pk}"


def _raw(sql: str, params: list) -> None:
    # An attacker with database access, not the application: bypass the ORM and the guard trigger.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # a superuser skips triggers
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_events_form_an_intact_chain(chain):
    report = events.verify_chain(chain)
    assert report.problems == []
    seqs = list(Event.objects.filter(chain=chain).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    call_command("verify_events")


def test_an_edited_row_is_detected(chain):
    row = Event.objects.filter(chain=chain, verb="test.thing").order_by("seq")[2]
    _raw("UPDATE core_event SET data = %s WHERE id = %s", ['{"i": 99}', row.pk])
    report = events.verify_chain(chain)
    assert any("edited" in p for p in report.problems)
    with pytest.raises(CommandError):
        call_command("verify_events")


def test_a_deleted_row_is_detected(chain):
    row = Event.objects.filter(chain=chain, verb="test.thing").order_by("seq")[1]
    _raw("DELETE FROM core_event WHERE id = %s", [row.pk])
    assert any("missing" in p for p in events.verify_chain(chain).problems)


def test_a_cut_tail_is_detected(chain):
    last = Event.objects.filter(chain=chain).order_by("-seq").first()
    assert last is not None
    _raw("DELETE FROM core_event WHERE id = %s", [last.pk])
    assert any("chain head" in p for p in events.verify_chain(chain).problems)


def test_a_changed_actor_is_detected(chain, org):
    row = Event.objects.filter(chain=chain, verb="test.thing").first()
    assert row is not None
    _raw("UPDATE core_event SET actor_id = %s WHERE id = %s", [org.head.pk, row.pk])
    assert events.verify_chain(chain).problems


def test_event_is_rolled_back_with_the_change(org):
    before = Event.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        events.record(verb="test.thing", actor=Actor(org.specialist), agency=org.agency)
        raise RuntimeError("boom")
    assert Event.objects.count() == before
    assert events.verify_chain(f"agency:{org.agency.pk}").problems == []


def test_chains_are_per_agency(org, other_org):
    events.record(verb="test.thing", agency=org.agency)
    events.record(verb="test.thing", agency=other_org.agency)
    heads = dict(ChainHead.objects.values_list("chain", "last_seq"))
    assert f"agency:{org.agency.pk}" in heads and f"agency:{other_org.agency.pk}" in heads
    assert all(not r.problems for r in events.verify_all())


def test_delegate_and_delegator_are_both_recorded(org):
    event = events.record(verb="test.thing", actor=Actor(org.deputy, on_behalf_of=org.head), agency=org.agency)
    event.refresh_from_db()
    assert event.actor == org.deputy and event.on_behalf_of == org.head


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="guard trigger is PostgreSQL only")
def test_postgresql_refuses_updates_and_deletes(chain):
    from django.db import DatabaseError

    row = Event.objects.filter(chain=chain).first()
    assert row is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=row.pk).update(verb="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=row.pk).delete()

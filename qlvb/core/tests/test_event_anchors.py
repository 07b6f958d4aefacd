"""The event log anchored outside the database: a rewrite (an edit with its hashes recomputed, an
end cut off with its head, a disabled trigger) is reported as such, apart from a broken chain."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from qlvb.core import anchors, events
from qlvb.core.actor import Actor
from qlvb.core.models import ChainHead, Event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _checkpoints(settings, tmp_path):
    settings.QLVB_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return settings.QLVB_CHECKPOINT_DIR


@pytest.fixture
def chain(org):
    for i in range(5):
        events.record(verb="test.thing", actor=Actor(org.specialist), agency=org.agency, data={"i": i})
    return f"agency:{org.agency.pk}"


def _raw(sql: str, params: list) -> None:
    """Someone who can write the database (its owner), not the application."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def _rehash_from(chain: str, seq: int) -> None:
    """Recompute the hashes of the chain from `seq` on and its head, as an attacker would."""
    prev = Event.objects.get(chain=chain, seq=seq - 1).hash if seq > 1 else ""
    last = None
    for event in Event.objects.filter(chain=chain, seq__gte=seq).order_by("seq"):
        event.prev_hash = prev
        event.hash = events.compute_hash(event)
        _raw("UPDATE core_event SET prev_hash = %s, hash = %s WHERE id = %s", [event.prev_hash, event.hash, event.pk])
        prev, last = event.hash, event
    assert last is not None
    _raw("UPDATE core_chainhead SET last_seq = %s, last_hash = %s WHERE chain = %s", [last.seq, last.hash, chain])


def _last(chain: str) -> int:
    return ChainHead.objects.get(chain=chain).last_seq


def _verify_output() -> tuple[str, str]:
    out = io.StringIO()
    try:
        call_command("verify_events", stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), ""


def test_every_event_is_signed_with_a_key_the_database_does_not_hold(chain, settings):
    event = Event.objects.filter(chain=chain).order_by("seq").last()
    assert event is not None and event.mac and anchors.signed_by_us(event.hash, event.mac)
    original = settings.QLVB_EVENT_KEY
    settings.QLVB_EVENT_KEY = "another key"
    assert not anchors.signed_by_us(event.hash, event.mac)
    settings.QLVB_EVENT_KEY_FALLBACKS = ["x", original]  # a rotated key still verifies
    assert anchors.signed_by_us(event.hash, event.mac)


def test_an_edit_with_recomputed_hashes_is_reported_as_a_rewrite(chain):
    n = _last(chain)
    row = Event.objects.get(chain=chain, seq=n - 2)
    _raw("UPDATE core_event SET data = %s WHERE id = %s", ['{"i": 99}', row.pk])
    _rehash_from(chain, n - 2)
    report = events.verify_chain(chain)
    assert report.problems == []  # the hash chain alone says intact
    assert report.rewrites == [f"3 event(s) from seq {n - 2} not signed with the event key: changed and re-hashed "
                               "by someone without the key (rewritten)"]
    output, error = _verify_output()
    assert f"{chain}: {n} events REWRITTEN" in output and "rewritten" in error


def test_a_plain_edit_is_still_a_broken_chain_not_a_rewrite(chain):
    row = Event.objects.get(chain=chain, seq=_last(chain) - 3)
    _raw("UPDATE core_event SET data = %s WHERE id = %s", ['{"i": 99}', row.pk])
    report = events.verify_chain(chain)
    assert any("edited" in p for p in report.problems) and report.rewrites == []
    output, error = _verify_output()
    assert "BROKEN" in output and "broken" in error


def test_a_removed_signature_is_a_rewrite(chain):
    _raw("UPDATE core_event SET mac = '' WHERE chain = %s AND seq = %s", [chain, _last(chain) - 1])
    assert events.verify_chain(chain).rewrites


def test_signatures_removed_from_a_whole_chain_are_a_rewrite_once_it_was_checkpointed(chain, org):
    anchors.write_checkpoint()
    events.record(verb="test.thing", agency=org.agency)
    _raw("UPDATE core_event SET mac = '' WHERE chain = %s", [chain])
    assert events.verify_chain(chain).rewrites == []  # without anchors: "recorded before signing"
    report = events.verify_chain(chain, anchors.read_checkpoints().by_chain[chain])
    assert report.rewrites and f"from seq {_last(chain)} " in report.rewrites[0]


def test_an_end_cut_off_behind_a_checkpoint_is_reported_as_a_rewrite(chain):
    n = _last(chain)
    assert anchors.write_checkpoint() == 1
    _raw("DELETE FROM core_event WHERE chain = %s AND seq > %s", [chain, n - 2])
    kept = Event.objects.get(chain=chain, seq=n - 2)
    _raw("UPDATE core_chainhead SET last_seq = %s, last_hash = %s WHERE chain = %s", [n - 2, kept.hash, chain])
    report = events.verify_chain(chain, anchors.read_checkpoints().by_chain[chain])
    assert report.problems == []  # rows and head agree: the hash chain alone says intact
    assert any(f"saw seq {n}, rows end at {n - 2}" in r for r in report.rewrites)
    output, error = _verify_output()
    assert "REWRITTEN" in output and "rewritten" in error


def test_a_rewritten_event_behind_a_checkpoint_differs_from_it(chain, org, settings):
    anchors.write_checkpoint()
    # Even with the key (an insider holding both), the checkpoint still shows the old head.
    n = _last(chain)
    _raw("UPDATE core_event SET data = %s WHERE chain = %s AND seq = %s", ['{"i": 99}', chain, n])
    _rehash_from(chain, n)
    last = Event.objects.get(chain=chain, seq=n)
    _raw("UPDATE core_event SET mac = %s WHERE id = %s", [anchors.sign(last.hash), last.pk])
    report = events.verify_chain(chain, anchors.read_checkpoints().by_chain[chain])
    assert report.problems == [] and any("differs from the checkpoint" in r for r in report.rewrites)


def test_checkpoints_name_only_the_chains_that_moved_and_verify_passes(chain, org, other_org, _checkpoints):
    n = _last(chain)
    events.record(verb="test.thing", agency=other_org.agency)
    assert anchors.write_checkpoint() == len(ChainHead.objects.filter(last_seq__gt=0))
    assert anchors.write_checkpoint() == 0
    events.record(verb="test.thing", agency=org.agency)
    (_checkpoints / anchors.STATE_NAME).unlink()  # the state is rebuilt from the file
    assert anchors.write_checkpoint() == 1
    read = anchors.read_checkpoints()
    assert read.lines == 2 and read.problems == [] and read.latest()[chain][0] == n + 1
    output, error = _verify_output()
    assert error == "" and "2 checkpoint line(s)" in output


def test_the_checkpoint_file_cannot_be_edited_or_shortened_in_the_middle(chain, org, _checkpoints):
    anchors.write_checkpoint()
    events.record(verb="test.thing", agency=org.agency)
    anchors.write_checkpoint()
    events.record(verb="test.thing", agency=org.agency)
    anchors.write_checkpoint()
    path = _checkpoints / anchors.FILE_NAME
    lines = path.read_text().splitlines()
    edited = json.loads(lines[2])
    edited["heads"][chain] = [1, edited["heads"][chain][1]]
    path.write_text("\n".join([lines[0], lines[1], json.dumps(edited)]) + "\n")
    assert any("signature does not match" in p for p in anchors.read_checkpoints().problems)
    path.write_text("\n".join([lines[0], lines[2]]) + "\n")
    assert any("does not follow" in p for p in anchors.read_checkpoints().problems)
    output, error = _verify_output()
    assert "rewritten" in error


def test_the_periodic_task_writes_a_checkpoint(chain, _checkpoints):
    from qlvb.core.tasks import checkpoint_event_chains

    checkpoint_event_chains.call_local()
    assert anchors.read_checkpoints().latest()[chain][0] == _last(chain)


def test_signing_adds_no_query(org, django_assert_num_queries):
    events.record(verb="test.thing", agency=org.agency)
    # lock the head, insert the event, move the head (one statement with the insert on PostgreSQL)
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 3):
        events.record(verb="test.thing", agency=org.agency)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the trigger is PostgreSQL only")
def test_a_disabled_trigger_is_reported(chain):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own inserts: no deferred checks left
        cursor.execute("ALTER TABLE core_event DISABLE TRIGGER event_append_only")
    output, error = _verify_output()
    assert "trigger that keeps core_event append-only is disabled" in output and "rewritten" in error
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_event ENABLE TRIGGER event_append_only")
    assert _verify_output()[1] == ""


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="roles are PostgreSQL's")
def test_the_application_role_of_the_production_set_up_cannot_touch_the_trigger_or_the_rows(chain, org):
    """docs/architecture.md, "The event log outside the database": the application connects as a
    role that does not own the tables, with the grants given there."""
    role = f"qlvb_app_test_{connection.settings_dict['NAME']}"[:60]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
        cursor.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"')
        cursor.execute(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
        cursor.execute(f'REVOKE UPDATE, DELETE, TRUNCATE ON core_event FROM "{role}"')
        cursor.execute(f'SET ROLE "{role}"')
    try:
        events.record(verb="test.thing", agency=org.agency)  # the application still appends
        for statement in ("ALTER TABLE core_event DISABLE TRIGGER event_append_only",
                          "DROP TRIGGER event_append_only ON core_event",
                          "SET session_replication_role = replica",
                          "UPDATE core_event SET data = '{}' WHERE seq = 1",
                          "DELETE FROM core_event WHERE seq = 1",
                          "TRUNCATE core_event"):
            with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
            assert "permission denied" in str(refused.value) or "must be owner" in str(refused.value), statement
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert Event.objects.filter(chain=chain).count() == ChainHead.objects.get(chain=chain).last_seq

"""What pages show on every request is kept between requests (core.personcache), never past an
event: the stamp moves inside the transaction that records one, and again once it is committed
(for the other workers, which read the shared stamp)."""

from __future__ import annotations

from qlvb.core import events, personcache
from qlvb.core.actor import Actor
from qlvb.org import services
from qlvb.org.models import Person
from qlvb.org.roles import roles_of


def test_an_event_moves_the_stamp_at_once_and_after_commit(db, django_capture_on_commit_callbacks):
    before = personcache.stamp()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        events.record(verb="core.test", data={})
        inside = personcache.stamp()
    assert inside != before
    assert callbacks and personcache.stamp() != inside


def test_a_value_is_computed_again_after_an_event_only(db):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert personcache.cached("test", 1, compute) == 1
    assert personcache.cached("test", 1, compute) == 1  # kept
    assert personcache.cached("test", 2, compute) == 2  # another person: never someone else's
    events.record(verb="core.test", data={})
    assert personcache.cached("test", 1, compute) == 3


def test_a_new_post_changes_roles_on_the_next_request(org):
    person = org.specialist
    assert not roles_of(person).headed_unit_ids
    services.assign_post(by=Actor(org.admin), person=person, unit=org.office, position=org.positions["tp"],
                         is_concurrent=True)
    again = Person.objects.get(pk=person.pk)  # the next request loads the person afresh
    assert roles_of(again).headed_unit_ids == {org.office.pk}


def test_signing_in_keeps_the_values_and_any_other_event_moves_them(org, login):
    before = personcache.stamp()
    login(org.specialist)  # records auth.login
    assert personcache.stamp() == before
    services.assign_post(by=Actor(org.admin), person=org.clerk, unit=org.unit, position=org.positions["cv"],
                         is_concurrent=True)
    assert personcache.stamp() != before


def test_many_events_in_one_transaction_move_the_stamp_once_each_way(db, django_capture_on_commit_callbacks,
                                                                     monkeypatch):
    moved = []
    real = personcache.bump

    def bump(of="person"):
        moved.append(of)
        real(of)

    monkeypatch.setattr(personcache, "bump", bump)
    personcache.stamp()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(50):
            events.record(verb="core.test", data={"n": n})
        assert moved == ["person"]
    assert moved == ["person", "person"]  # and once after the commit


def test_a_read_between_two_events_moves_it_again(db):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    from django.db import transaction

    with transaction.atomic():
        events.record(verb="core.test", data={})
        assert personcache.cached("test", 1, compute) == 1
        events.record(verb="core.test", data={})
        assert personcache.cached("test", 1, compute) == 2  # not the value of before the second event

"""Writes on the same documents at the same moment never deadlock (docs/architecture.md, "Lock
order"): route, withdraw, record progress and a new deadline, on two documents of one agency at
once, from one thread and connection each. PostgreSQL only: SQLite has one writer at a time."""

from __future__ import annotations

import pytest
from django.db import connection

from qlvb.core.actor import Actor
from qlvb.incoming import services
from qlvb.incoming.models import Assignment
from qlvb.incoming.services import Target

from .conftest import future
from .race import race
from .test_overview import _assert_tally_exact

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: nothing to race"),
    pytest.mark.django_db(transaction=True),
]

# Enough for the old opposite orders to deadlock within a few rounds, few enough to stay quick.
ROUNDS = 15


def test_route_and_withdraw_of_the_same_task_do_not_deadlock(org, register_doc):
    """route locks the document and then the task it passes down; withdraw must not take them the
    other way round."""
    document = register_doc()

    def setup(index: int) -> Assignment:
        return services.route(by=Actor(org.head), document=document, main=Target(unit=org.unit),
                              directive=f"Lượt {index}")[0]

    errors = race(3 * ROUNDS, setup, [
        lambda main: services.route(by=Actor(org.unit_head), document=document, parent=main,
                                    main=Target(person=org.specialist)),
        lambda main: services.withdraw(by=Actor(org.head), assignment=main, reason="Giao nhầm"),
    ])
    assert errors == []
    _assert_tally_exact(org.agency.pk)


def test_route_withdraw_progress_and_deadline_do_not_deadlock(org, register_doc):
    documents = [register_doc(), register_doc()]

    def setup(index: int) -> list[Assignment]:
        mains = []
        for document in documents:
            for open_main in document.assignments.filter(parent=None, role=Assignment.Role.MAIN,
                                                         state__in=Assignment.OPEN_STATES):
                services.withdraw(by=Actor(org.head), assignment=open_main, reason="Giao lại")
            [main] = services.route(by=Actor(org.head), document=document, main=Target(unit=org.unit),
                                    deadline=future(10), directive=f"Lượt {index}")
            mains.append(main)
        return mains

    def route_down(i):
        return lambda mains: services.route(by=Actor(org.unit_head), document=documents[i], parent=mains[i],
                                            main=Target(person=org.specialist), deadline=future(5))

    def withdraw(i):
        return lambda mains: services.withdraw(by=Actor(org.head), assignment=mains[i], reason="Giao nhầm")

    def progress(i):
        return lambda mains: services.record_progress(by=Actor(org.unit_head), assignment=mains[i], text="Đang làm")

    def new_deadline(i):
        return lambda mains: services.change_deadline(by=Actor(org.head), assignment=mains[i], deadline=future(12),
                                                      reason="Gia hạn")

    workers = [make(i) for i in range(len(documents)) for make in (route_down, withdraw, progress, new_deadline)]
    errors = race(ROUNDS, setup, workers)
    assert errors == []
    _assert_tally_exact(org.agency.pk)

"""Parallel clerks get distinct, consecutive arrival numbers (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from qlvb.core.actor import Actor
from qlvb.incoming import services
from qlvb.incoming.models import IncomingDocument
from qlvb.incoming.tests.conftest import fields, pdf_upload

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="SQLite's in-memory test database serialises writers anyway")


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_get_distinct_consecutive_numbers(org, registers):
    errors: list[BaseException] = []
    clerks, each = 8, 4

    def work(index: int) -> None:
        try:
            for round_ in range(each):
                services.register_document(
                    by=Actor(org.clerk), agency=org.agency, register=registers["ordinary"],
                    fields=fields(number=f"{index}-{round_}"), uploads=[pdf_upload(salt=f"{index}-{round_}")],
                    presented_to=org.head)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clerks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = list(IncomingDocument.objects.order_by("arrival_number").values_list("arrival_number", flat=True))
    assert numbers == list(range(1, clerks * each + 1))

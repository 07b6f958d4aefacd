"""Parallel clerks get distinct, consecutive arrival numbers (PostgreSQL row locks)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.incoming import services
from qlvb.incoming.models import IncomingDocument
from qlvb.incoming.tests.conftest import fields, pdf_upload

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="SQLite's in-memory test database serialises writers anyway")


def run_at_once(work, clerks: int) -> None:
    """work(0), …, work(clerks - 1), each in a thread of its own, all at once; back when all are done."""
    threads = [threading.Thread(target=work, args=(i,)) for i in range(clerks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


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

    run_at_once(work, clerks)
    assert errors == []
    numbers = list(IncomingDocument.objects.order_by("arrival_number").values_list("arrival_number", flat=True))
    assert numbers == list(range(1, clerks * each + 1))


@pytest.mark.django_db(transaction=True)
def test_numbers_are_gapless_in_order_of_registration_and_never_twice_when_some_registrations_fail(
        org, registers, monkeypatch):
    """The register's invariant, with clerks registering at once in real transactions: some fail
    before their number (a bad date), some after taking it (a failure at the very end, in the
    event's subscribers). The numbers kept are 1..N, each once, and follow the registration time
    and the order of the agency's event chain; the counter says N."""
    from django.core.exceptions import ValidationError

    from qlvb.core import events
    from qlvb.core.models import Event
    from qlvb.registers.models import RegisterCounter

    def fail_late(event: Event) -> None:
        if "HỎNG" in event.target_label:
            raise RuntimeError("failed after taking its number")

    monkeypatch.setattr(events, "_subscriptions", [*events.subscriptions(),
                                                    events.Subscription(("incoming.registered",), fail_late, False)])
    clerks, each = 8, 6
    start = threading.Barrier(clerks)
    kept: list[int] = []
    failed: list[str] = []
    unexpected: list[BaseException] = []

    def work(index: int) -> None:
        try:
            start.wait()
            for round_ in range(each):
                late, early = (index + round_) % 3 == 0, (index * each + round_) % 7 == 0
                summary = f"Quyết định {'HỎNG ' if late else ''}ban hành quy chế số {index}-{round_}"
                extra = {"document_date": timezone.localdate() + timedelta(days=3)} if early else {}
                try:
                    document = services.register_document(
                        by=Actor(org.clerk), agency=org.agency, register=registers["ordinary"],
                        fields=fields(number=f"{index}-{round_}", summary=summary, **extra),
                        uploads=[pdf_upload(salt=f"{index}-{round_}")], presented_to=org.head)
                    kept.append(document.arrival_number or 0)
                except (ValidationError, RuntimeError) as error:
                    failed.append(type(error).__name__)
        except BaseException as error:  # noqa: BLE001 - reported below
            unexpected.append(error)
        finally:
            connections.close_all()

    run_at_once(work, clerks)
    assert unexpected == []
    assert "RuntimeError" in failed and "ValidationError" in failed
    documents = list(IncomingDocument.objects.filter(register=registers["ordinary"]).order_by("arrival_number"))
    numbers = [d.arrival_number for d in documents]
    assert numbers == list(range(1, len(kept) + 1)) and sorted(kept) == numbers  # gapless, each once
    assert len(numbers) + len(failed) == clerks * each
    assert not any("HỎNG" in d.summary for d in documents)
    times = [d.presented_at or d.created_at for d in documents]  # (always set)
    assert times == sorted(times)  # in order of registration time
    chain = list(Event.objects.filter(verb="incoming.registered").order_by("seq")
                 .values_list("data__arrival_number", flat=True))
    assert chain == numbers  # and of the agency's event chain
    year = timezone.localtime(documents[0].received_at).year
    assert RegisterCounter.objects.get(register=registers["ordinary"], year=year).last_number == len(numbers)

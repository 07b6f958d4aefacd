"""Parallel clerks issuing on PostgreSQL get consecutive numbers, no gap, no duplicate."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from qlvb.core.actor import Actor
from qlvb.incoming.tests.conftest import pdf_upload
from qlvb.outgoing import services
from qlvb.outgoing.models import OutgoingDocument
from qlvb.signatures.demo import create_demo_pki_for
from qlvb.signatures.models import Certificate

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="SQLite's in-memory test database serialises writers anyway")


@pytest.mark.django_db(transaction=True)
def test_parallel_issuing_gives_consecutive_numbers(org, signing):
    create_demo_pki_for(org.agency)
    certificate = Certificate.objects.get(person=org.deputy, is_active=True)
    documents = []
    for index in range(6):
        doc = services.create_draft(by=Actor(org.specialist), agency=org.agency,
                                    uploads=[pdf_upload(f"du-thao-{index}.pdf", salt=str(index))],
                                    fields={"doc_type": "CV", "field": signing,
                                            "summary": f"V/v báo cáo tình hình ứng dụng CNTT đợt {index}"})
        services.submit(by=Actor(org.specialist), document=doc, signer=org.deputy)
        for person in (org.unit_head, org.clerk, org.deputy):
            services.approve(by=Actor(person), document=doc)
        services.authorise_signing(by=Actor(org.deputy), document=doc, certificate=certificate, secret="")
        documents.append(doc)
    errors: list[BaseException] = []

    def work(doc: OutgoingDocument) -> None:
        try:
            services.issue(by=Actor(org.clerk), document=doc)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(doc,)) for doc in documents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(n for n in OutgoingDocument.objects.values_list("number", flat=True) if n is not None)
    assert numbers == list(range(1, len(documents) + 1))

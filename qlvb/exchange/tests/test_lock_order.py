"""Issuing a document to an agency while recalling another one from it never deadlocks: each
appends to both agencies' event chains (issuing: the sender's when signing, then the receiver's;
recalling: the receiver's, then the sender's), so both take the chain heads together, in one order
(events.lock_chains, docs/architecture.md "Lock order"). PostgreSQL only: SQLite has one writer at
a time."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from qlvb.core.actor import Actor
from qlvb.core.events import verify_all
from qlvb.exchange import services as exchange
from qlvb.exchange.models import ReceptionItem
from qlvb.incoming.tests.conftest import pdf_upload
from qlvb.incoming.tests.race import race
from qlvb.org import services as org_services
from qlvb.outgoing import services as outgoing
from qlvb.outgoing.models import OutgoingDocument, Recipient
from qlvb.outgoing.services import RecipientSpec
from qlvb.signatures.demo import create_demo_pki_for
from qlvb.signatures.models import Certificate

from .conftest import issue_to

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: nothing to race"),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 3


def _signed(org, receiver, index: int) -> OutgoingDocument:
    """A draft of `org` to `receiver`, reviewed and signed: ready to issue."""
    document = outgoing.create_draft(
        by=Actor(org.specialist), agency=org.agency, uploads=[pdf_upload("du-thao.pdf", salt=f"race-{index}")],
        recipients=[RecipientSpec(kind=Recipient.Kind.AGENCY, agency=receiver.agency)],
        # A Thông báo: numbered TB-…, apart from the Công văn issue_to() makes up.
        fields={"doc_type": "TB", "summary": f"Thông báo triển khai chữ ký số đợt {index}"})
    outgoing.submit(by=Actor(org.specialist), document=document, signer=org.head)
    for person in (org.unit_head, org.head):
        outgoing.approve(by=Actor(person), document=document)
    certificate = Certificate.objects.filter(person=org.head, is_active=True).first()
    return outgoing.authorise_signing(by=Actor(org.head), document=document, certificate=certificate, secret="")


def test_issue_and_recall_to_the_same_agency_do_not_deadlock(org, other_org, monkeypatch):
    create_demo_pki_for(org.agency)
    org_services.save_signing_authority(by=Actor(org.admin), agency=org.agency, person=org.head)
    # Issuing spends most of its time signing; the recall waits until the issue reaches the
    # exchange, and a status takes a little longer to write, so that both are between the two
    # agencies' chains at the same moment, every round.
    dispatching = threading.Event()
    dispatch_issued, record_status = exchange.dispatch_issued, exchange.record_status

    def announced_dispatch(**kwargs):
        dispatching.set()
        return dispatch_issued(**kwargs)

    def slow_status(**kwargs):
        time.sleep(0.3)
        return record_status(**kwargs)

    monkeypatch.setattr(exchange, "dispatch_issued", announced_dispatch)
    monkeypatch.setattr(exchange, "record_status", slow_status)

    def setup(index: int) -> tuple[OutgoingDocument, OutgoingDocument]:
        # org issues to other_org while recalling what it sent to other_org before.
        pair = _signed(org, other_org, index), issue_to(org, other_org)
        dispatching.clear()
        return pair

    def recall(pair):
        dispatching.wait(timeout=10)
        exchange.send_change(by=Actor(org.clerk), document=pair[1], kind=ReceptionItem.Kind.RECALL,
                             reason="Ban hành nhầm")

    errors = race(ROUNDS, setup, [lambda pair: outgoing.issue(by=Actor(org.clerk), document=pair[0]), recall])
    assert errors == []
    issued = OutgoingDocument.objects.filter(agency=org.agency, status=OutgoingDocument.Status.ISSUED)
    assert issued.count() == 2 * ROUNDS
    assert ReceptionItem.objects.filter(receiver=other_org.agency, kind=ReceptionItem.Kind.RECALL).count() == ROUNDS
    assert ReceptionItem.objects.filter(receiver=other_org.agency, kind=ReceptionItem.Kind.NEW).count() == 2 * ROUNDS
    assert all(not report.problems for report in verify_all())

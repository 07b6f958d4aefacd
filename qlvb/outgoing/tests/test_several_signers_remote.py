"""Several signers when a key is not on the server (outgoing/remote_issue.py): the chain asks the
signers one after the other, the one whose key is on the server at once, the other's through his
signing service, then the agency's seal; the issued PDF carries every signature, valid."""

from __future__ import annotations

import pytest

from qlvb.core.actor import Actor
from qlvb.files.services import read_stored
from qlvb.outgoing import services
from qlvb.outgoing.models import OutgoingDocument
from qlvb.outgoing.tests.test_issue import pki  # noqa: F401  (fixture)
from qlvb.outgoing.tests.test_remote_signing import csc, remote_key  # noqa: F401  (fixtures)
from qlvb.outgoing.tests.test_several_signers import _draft, _through_review
from qlvb.signatures import deferred
from qlvb.signatures.models import Certificate, SigningSession
from qlvb.signatures.verification import pdfsig_check, verify_pdf

pytestmark = pytest.mark.django_db


def test_the_chain_asks_each_signer_in_order_then_seals(org, signing, pki, remote_key):  # noqa: F811
    doc = _draft(org, signing)
    services.submit(by=Actor(org.specialist), document=doc, signer=org.head, cosigners=[org.deputy], mode="order")
    _through_review(org, doc)
    for person in (org.head, org.deputy):
        services.approve(by=Actor(person), document=doc)
    head_key = Certificate.objects.get(person=org.head, is_active=True)
    services.authorise_signing(by=Actor(org.head), document=doc, certificate=head_key, secret="")
    services.authorise_signing(by=Actor(org.deputy), document=doc, certificate=remote_key(), secret="")
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.SIGNED

    services.issue(by=Actor(org.clerk), document=doc)
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.SIGNED and doc.number == 1
    session = SigningSession.objects.get(target_id=doc.pk)  # the head signed at once; the deputy is asked
    assert session.person == org.deputy and session.continuation["signer"] == 1
    deferred.advance(session)  # the job worker brings the deputy's signature
    assert session.state == "completed", session.error_message
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.ISSUED
    pdf = read_stored(doc.issued_file)
    reports = verify_pdf(pdf)
    assert len(reports) == 3 and all(r.ok for r in reports)
    assert reports[0].signer_name == head_key.subject_cn
    assert pdfsig_check(pdf).count("Signature is Valid") == 3

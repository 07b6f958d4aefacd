"""Issuing a document whose signer's key is at a CSC signing service (issue 21): the clerk numbers
it, the signer's signature is asked of the service, the job worker brings it back and the
document is issued with both signatures; a refusal keeps the number for the next try. Against
certomancer-csc-dummy, started here, and once with VNPT SmartCA's contract double."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.files.services import read_stored
from qlvb.outgoing import services
from qlvb.outgoing.models import OutgoingDocument
from qlvb.outgoing.tests.test_issue import approved, pki  # noqa: F401  (fixtures)
from qlvb.signatures import deferred
from qlvb.signatures import services as signing
from qlvb.signatures.models import Certificate, SigningSession
from qlvb.signatures.remote.tests import doubles
from qlvb.signatures.tests.csc_server import csc_server
from qlvb.signatures.verification import pdfsig_check, verify_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def csc(tmp_path_factory):
    with csc_server(tmp_path_factory.mktemp("csc")) as server:
        yield server


@pytest.fixture
def remote_key(org, root, settings, csc):
    settings.QLVB_CSC = {"base_url": csc.url, "timeout": 5}
    signing.add_trust_anchor(by=Actor(root), certificate=csc.root_der)

    def register(remote_id: str = "qlvb/signer") -> Certificate:
        return signing.add_remote_certificate(by=Actor(org.deputy), provider="csc", account="qlvb",
                                              remote_id=remote_id, person=org.deputy)
    return register


SMARTCA_SIGNER = "001085012345"  # the signer's CCCD


@pytest.fixture
def smartca_double():
    """VNPT SmartCA's contract double (qlvb/signatures/remote/tests/doubles.py) holding the signer's
    key under a test CA of its own; three "waiting" answers before the signer confirms."""
    authority = doubles.make_authority()
    key = doubles.rsa_key()
    certificate = doubles.issue(authority, key, "Nguyễn Văn Bình", f"CCCD:{SMARTCA_SIGNER}")
    double = doubles.SmartCADouble("4184-637127995547330633.apps.smartcaapi.com", "NGNhMzdmOGE-OGM2Mi00MTg0")
    double.add_user(SMARTCA_SIGNER, doubles.Credential("540101014e4653549c5a6fdcb9c89999", key, certificate,
                                                       (authority.der,)), script=doubles.Script(waits=3))
    double.authority = authority  # type: ignore[attr-defined]
    double.start()
    yield double
    double.stop()


def _sign_with(org, doc, certificate):
    services.authorise_signing(by=Actor(org.deputy), document=doc, certificate=certificate, secret="")
    doc.refresh_from_db()
    return doc


def test_issue_with_a_csc_signer_numbers_then_issues_when_the_worker_brings_the_signature(
        org, approved, remote_key, login):  # noqa: F811
    doc = _sign_with(org, approved, remote_key())
    services.issue(by=Actor(org.clerk), document=doc)
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.SIGNED and doc.number == 1 and doc.issued_file is None
    session = SigningSession.objects.get(target_id=doc.pk)
    assert session.state == "waiting" and session.person == org.deputy and session.provider == "csc"
    # The clerk follows it; nobody else.
    assert login(org.clerk).get(reverse("signatures:session", args=[session.token])).status_code == 200
    assert login(org.specialist).get(reverse("signatures:session", args=[session.token])).status_code == 404
    with pytest.raises(ValidationError):
        services.issue(by=Actor(org.clerk), document=doc)  # not twice while it waits

    deferred.advance(session)  # the job worker
    assert session.state == "completed", session.error_message
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.ISSUED and doc.reference.startswith("01/")
    assert doc.issued_file is not None
    pdf = read_stored(doc.issued_file)
    reports = verify_pdf(pdf)
    assert [(r.signer_name, r.ok) for r in reports] == [("Nguyen Van Giam Doc", True),
                                                        (reports[1].signer_name, True)]
    assert pdfsig_check(pdf).count("Signature is Valid") == 2
    assert doc.attachments.get().signed is not None
    assert Event.objects.filter(verb="outgoing.signature_requested", target_id=doc.pk).exists()


def test_a_refusal_keeps_the_number_and_issuing_again_reuses_it(org, approved, remote_key, login):  # noqa: F811
    certificate = remote_key()
    doc = _sign_with(org, approved, certificate)
    Certificate.objects.filter(pk=certificate.pk).update(remote_id="qlvb/nokey")
    services.issue(by=Actor(org.clerk), document=doc)
    session = SigningSession.objects.get(target_id=doc.pk)
    deferred.advance(session)
    assert session.state == "refused"
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.SIGNED and doc.number == 1
    assert Event.objects.filter(verb="outgoing.signature_refused", target_id=doc.pk).exists()
    page = login(org.clerk).get(reverse("outgoing:detail", args=[doc.pk])).content.decode()
    assert 'data-state="refused"' in page and "issue-step" in page  # the reason shown; issue again

    Certificate.objects.filter(pk=certificate.pk).update(remote_id="qlvb/signer")
    services.issue(by=Actor(org.clerk), document=doc)
    deferred.advance(SigningSession.objects.filter(target_id=doc.pk).latest("pk"))
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.ISSUED and doc.number == 1  # the same number, no gap


def test_the_api_shows_the_session_and_refuses_a_forged_completion(org, approved, remote_key):  # noqa: F811
    from rest_framework.test import APIClient

    doc = _sign_with(org, approved, remote_key())
    api = APIClient()
    api.force_authenticate(org.clerk)
    body = api.post(f"/api/v1/outgoing/documents/{doc.pk}/issue/", {}, format="json").json()
    token = body["signing_session"]["token"]
    assert body["signing_session"]["state"] == "waiting" and body["can_issue"] is False
    state = api.get(f"/api/v1/signatures/sessions/{token}/").json()
    assert state["hash_alg"] == "sha256" and len(state["hash"]) == 44
    # Only the signer completes; a signature that is not his over this hash is refused.
    assert api.post(f"/api/v1/signatures/sessions/{token}/complete/", {"signature": "AAAA"},
                    format="json").status_code == 404
    api.force_authenticate(org.deputy)
    refused = api.post(f"/api/v1/signatures/sessions/{token}/complete/", {"signature": "AAAA"}, format="json")
    assert refused.status_code == 400 and "không khớp" in refused.json()["non_field_errors"][0]
    assert api.get(f"/api/v1/signatures/sessions/{token}/").json()["state"] == "waiting"


def test_issue_with_a_smartca_signer_is_completed_by_the_worker_once_the_signer_confirms(
        org, approved, root, settings, smartca_double):  # noqa: F811
    """The same with a key at VNPT SmartCA (its contract double): the worker polls until the signer
    confirms on the phone, then the document is issued with both signatures."""
    settings.QLVB_SMARTCA = {"client_id": smartca_double.client_id, "client_secret": smartca_double.client_secret,
                             "base_url": f"{smartca_double.url}/sca/sp769", "timeout": 5, "backoff": 0}
    signing.add_trust_anchor(by=Actor(root), certificate=smartca_double.authority.der)
    certificate = signing.add_remote_certificate(by=Actor(org.deputy), provider="smartca", account=SMARTCA_SIGNER,
                                                 person=org.deputy)
    doc = _sign_with(org, approved, certificate)
    services.issue(by=Actor(org.clerk), document=doc)
    assert not SigningSession.objects.get(target_id=doc.pk).provider_reference  # nothing sent before the commit
    deferred.advance_waiting()  # the job queued at the commit: the digest goes to the service
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.SIGNED and doc.number == 1 and doc.issued_file is None
    session = SigningSession.objects.get(target_id=doc.pk)
    assert session.state == "waiting" and session.provider == "smartca" and session.provider_reference

    for _ in range(3):  # "sig_wait_for_user_confirm"
        deferred.advance_waiting()
        doc.refresh_from_db()
        assert doc.status == OutgoingDocument.Status.SIGNED
    deferred.advance_waiting()
    session.refresh_from_db()
    assert session.state == "completed", session.error_message
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.ISSUED and doc.reference.startswith("01/")
    assert doc.issued_file is not None
    pdf = read_stored(doc.issued_file)
    reports = verify_pdf(pdf)
    assert [(r.signer_name, r.ok) for r in reports] == [("Nguyễn Văn Bình", True), (reports[1].signer_name, True)]
    assert pdfsig_check(pdf).count("Signature is Valid") == 2

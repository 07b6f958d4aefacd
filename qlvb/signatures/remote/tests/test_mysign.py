"""The Viettel MySign client against its contract double: log-in per user with the client
credentials and profile, certificates with their chain, signHash with a base64 SHA-256 hash and the
OIDs, several waiting answers (4000, 6000) before "1", and each refusal code."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography import x509
from django.utils import translation

from qlvb.signatures.remote.base import Pending, Refused, RemoteRefusal, Signed, new_transaction_id, verify_raw
from qlvb.signatures.remote.mysign import MySignClient
from qlvb.signatures.remote.tests.conftest import MYSIGN_EXPIRED, MYSIGN_SIGNER, Pki
from qlvb.signatures.remote.tests.doubles import Script

DIGEST = hashlib.sha256(b"signed attributes of Cong van 45/STTTT-VP").digest()
CREDENTIAL = "001085012345_2482540_20260101114147"


def poll(client: MySignClient, account: str, reference: str, limit: int = 20) -> list[Pending | Signed | Refused]:
    answers: list[Pending | Signed | Refused] = []
    for _ in range(limit):
        answers.append(client.status(account, reference))
        if not isinstance(answers[-1], Pending):
            break
    return answers


def start(client: MySignClient, account: str = MYSIGN_SIGNER, certificate_id: str = CREDENTIAL,
          digest: bytes = DIGEST, transaction_id: str | None = None) -> str:
    return client.sign_hash(account, certificate_id, digest, hash_alg="sha256",
                            transaction_id=transaction_id or new_transaction_id(),
                            description="Ký Công văn số 45/STTTT-VP về việc triển khai chữ ký số từ xa cho cán bộ")


def test_certificates_are_listed_after_the_user_s_log_in(mysign, mysign_double, pki: Pki):
    (certificate,) = mysign.certificates(MYSIGN_SIGNER)

    assert certificate.id == CREDENTIAL
    assert x509.load_der_x509_certificate(certificate.der) == pki.valid.certificate
    assert certificate.chain == (pki.authority.der,)
    login, info = mysign_double.seen
    assert login.path == "/vtss/service/ras/v1/login"
    assert login.body == {"client_id": mysign_double.client_id, "client_secret": mysign_double.client_secret,
                          "profile_id": "adss:ras:profile:001", "user_id": MYSIGN_SIGNER}
    assert info.headers["Authorization"].startswith("Bearer ")


def test_a_hash_is_signed_after_waiting_answers_and_verifies(mysign, mysign_double, pki):
    reference = start(mysign)
    answers = poll(mysign, MYSIGN_SIGNER, reference)

    assert answers[:3] == [Pending(), Pending(), Pending()]
    assert mysign_double.steps == ["4000", "4000", "6000", "1"]
    signed = answers[3]
    assert isinstance(signed, Signed)
    assert verify_raw(signed.signature, DIGEST, pki.valid.der)  # the CRLF Viettel puts in is gone
    request = next(seen.body for seen in mysign_double.seen if seen.path == "/vtss/service/signHash")
    assert request["hash"] == [base64.b64encode(DIGEST).decode()]
    assert (request["hashAlgo"], request["signAlgo"], request["async"]) == (
        "2.16.840.1.101.3.4.2.1", "1.2.840.113549.1.1.1", 2)
    assert len(request["description"]) < 100
    assert base64.b64decode(request["description"]).decode().startswith("Ký Công văn số 45/STTTT-VP")
    # One log-in serves the whole signing (the token is kept until it expires).
    assert mysign_double.paths().count("/vtss/service/ras/v1/login") == 1


@pytest.mark.parametrize(("outcome", "code", "message"), [
    ("reject", "rejected", "Người ký đã từ chối yêu cầu ký trên điện thoại."),
    ("timeout", "timeout", "Người ký không xác nhận trên điện thoại trong thời gian cho phép."),
    ("certificate", "certificate", "Chứng thư số của người ký đã hết hạn hoặc đã bị thu hồi."),
])
def test_the_refusals_reach_the_user_in_vietnamese(mysign, mysign_double, outcome, code, message):
    mysign_double.scripts[MYSIGN_SIGNER] = Script(waits=2, outcome=outcome)
    reference = start(mysign)
    with translation.override("vi"):
        answers = poll(mysign, MYSIGN_SIGNER, reference)

    assert answers == [Pending(), Pending(), Refused(code, message)]


def test_an_expired_certificate_is_refused_at_signing(mysign, mysign_double):
    reference = start(mysign, MYSIGN_EXPIRED, certificate_id="001085099999_2482541_20240101114147")
    assert mysign.status(MYSIGN_EXPIRED, reference).code == "certificate"
    assert not mysign_double.transactions


def test_a_credential_of_someone_else_is_refused(mysign, mysign_double):
    reference = start(mysign, MYSIGN_SIGNER, certificate_id="001085099999_2482541_20240101114147")
    assert isinstance(mysign.status(MYSIGN_SIGNER, reference), Refused)
    assert not mysign_double.transactions


def test_unknown_user_and_wrong_client_credentials(mysign, mysign_double):
    with translation.override("vi"), pytest.raises(RemoteRefusal) as unknown:
        mysign.certificates("CMT_079999999999")
    assert unknown.value.refused == Refused("unknown_user", "Dịch vụ ký số không tìm thấy tài khoản của người ký.")

    for client_id, secret in (("Other_Client", mysign_double.client_secret), (mysign_double.client_id, "wrong")):
        wrong = MySignClient(client_id, secret, base_url=mysign_double.url, backoff=0)
        with pytest.raises(RemoteRefusal) as refused:
            wrong.certificates(MYSIGN_SIGNER)
        assert refused.value.refused.code == "credentials"
        assert wrong.status(MYSIGN_SIGNER, start(wrong)).code == "credentials"  # type: ignore[union-attr]


def test_a_signature_by_another_key_comes_back_signed_but_does_not_verify(mysign, mysign_double, pki):
    mysign_double.scripts[MYSIGN_SIGNER] = Script(waits=1, outcome="different_key")
    signed = poll(mysign, MYSIGN_SIGNER, start(mysign))[-1]

    assert isinstance(signed, Signed)
    assert not verify_raw(signed.signature, DIGEST, pki.valid.der)


def test_a_tampered_hash_is_rejected_by_the_service(mysign, mysign_double, monkeypatch):
    original = mysign.http.post

    def tampering(url, payload, **kwargs):
        if url.endswith("/signHash"):
            payload["hash"] = [payload["hash"][0][:-8] + "AAAA"]  # 30 bytes now
        return original(url, payload, **kwargs)

    monkeypatch.setattr(mysign.http, "post", tampering)
    with translation.override("vi"):
        assert mysign.status(MYSIGN_SIGNER, start(mysign)) == Refused(
            "bad_hash", "Dịch vụ ký số từ chối dữ liệu cần ký.")
    assert not mysign_double.transactions


def test_document_ids_are_the_unique_transaction_ids(mysign, mysign_double):
    transaction_id = new_transaction_id()
    first = start(mysign, transaction_id=transaction_id)
    again = start(mysign, transaction_id=transaction_id)

    assert first in mysign_double.transactions
    assert mysign.status(MYSIGN_SIGNER, again).code == "error"
    start(mysign)
    ids = [seen.body["documents"][0]["document_id"] for seen in mysign_double.seen if seen.path.endswith("/signHash")]
    assert ids[0] == ids[1] == transaction_id and ids[2] != transaction_id


def test_an_expired_token_means_a_new_log_in(mysign, mysign_double):
    reference = start(mysign)
    mysign_double.tokens.clear()  # Viettel forgot the token (expired)
    assert mysign.status(MYSIGN_SIGNER, reference) == Pending()
    assert mysign_double.paths().count("/vtss/service/ras/v1/login") == 2


def test_network_failures_are_retried_then_refused(mysign, mysign_double):
    mysign_double.drop = 3
    assert len(mysign.certificates(MYSIGN_SIGNER)) == 1  # the log-in succeeded on its fourth attempt
    reference = start(mysign)
    mysign_double.drop = 4
    assert mysign.status(MYSIGN_SIGNER, reference).code == "error"
    mysign_double.drop = 1  # a signing request cut after it was sent is not sent again
    assert mysign.status(MYSIGN_SIGNER, start(mysign)).code == "error"
    assert mysign_double.paths().count("/vtss/service/signHash") == 2

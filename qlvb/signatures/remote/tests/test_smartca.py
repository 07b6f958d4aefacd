"""The VNPT SmartCA client against its contract double: what VNPT's integration document requires
is checked by the double (sp_id/sp_password, unique transaction_id, hex SHA-256 hash, the
certificate belongs to the user); the signature that comes back is checked with the certificate."""

from __future__ import annotations

import hashlib
import socket

import pytest
from cryptography import x509
from django.utils import translation

from qlvb.signatures.remote.base import Pending, Refused, RemoteRefusal, Signed, new_transaction_id, verify_raw
from qlvb.signatures.remote.smartca import SmartCAClient
from qlvb.signatures.remote.tests.conftest import EXPIRED_SIGNER, SIGNER, Pki
from qlvb.signatures.remote.tests.doubles import Script

DIGEST = hashlib.sha256(b"signed attributes of Quyet dinh 12/QD-STTTT").digest()


def poll(client: SmartCAClient, account: str, reference: str, limit: int = 20) -> list[Pending | Signed | Refused]:
    answers: list[Pending | Signed | Refused] = []
    for _ in range(limit):
        answers.append(client.status(account, reference))
        if not isinstance(answers[-1], Pending):
            break
    return answers


def start(client: SmartCAClient, account: str = SIGNER, certificate_id: str | None = None,
          digest: bytes = DIGEST, transaction_id: str | None = None) -> str:
    if certificate_id is None:
        certificate_id = client.certificates(account)[0].id
    return client.sign_hash(account, certificate_id, digest, hash_alg="sha256",
                            transaction_id=transaction_id or new_transaction_id(),
                            description="Ký Quyết định 12/QĐ-STTTT")


def test_certificates_are_listed_with_their_chain(smartca, smartca_double, pki: Pki):
    (certificate,) = smartca.certificates(SIGNER)

    assert certificate.id == pki.valid.id  # the serial_number sign_hash needs
    assert x509.load_der_x509_certificate(certificate.der) == pki.valid.certificate
    assert certificate.chain == (pki.authority.der,)
    seen = smartca_double.seen[-1]
    assert seen.path == "/sca/sp769/v1/credentials/get_certificate"
    assert seen.body["sp_id"] == smartca_double.client_id and seen.body["user_id"] == SIGNER


def test_a_hash_is_signed_after_the_signer_confirms_and_verifies_with_the_certificate(smartca, smartca_double, pki):
    reference = start(smartca)
    answers = poll(smartca, SIGNER, reference)

    assert answers[:3] == [Pending(), Pending(), Pending()]  # three "sig_wait_for_user_confirm"
    signed = answers[3]
    assert isinstance(signed, Signed) and len(answers) == 4
    assert verify_raw(signed.signature, DIGEST, pki.valid.der)
    # What VNPT's document asks for, as the double saw it.
    request = next(seen.body for seen in smartca_double.seen if seen.path.endswith("/v1/signatures/sign"))
    assert request["sign_files"] == [{"data_to_be_signed": DIGEST.hex(), "doc_id": request["transaction_id"],
                                      "file_type": "pdf", "sign_type": "hash"}]
    assert request["serial_number"] == pki.valid.id and request["transaction_desc"] == "Ký Quyết định 12/QĐ-STTTT"
    assert request["sp_password"] == smartca_double.client_secret
    assert smartca_double.paths()[-1] == f"/sca/sp769/v1/signatures/sign/{reference}/status"


@pytest.mark.parametrize(("outcome", "code", "message"), [
    ("reject", "rejected", "Người ký đã từ chối yêu cầu ký trên điện thoại."),
    ("timeout", "timeout", "Người ký không xác nhận trên điện thoại trong thời gian cho phép."),
    ("expire", "expired", "Giao dịch ký số đã hết hạn; vui lòng thực hiện ký lại."),
])
def test_the_signer_s_refusals_reach_the_user_in_vietnamese(smartca, smartca_double, outcome, code, message):
    smartca_double.scripts[SIGNER] = Script(waits=2, outcome=outcome)
    reference = start(smartca)
    with translation.override("vi"):
        answers = poll(smartca, SIGNER, reference)

    assert answers[:2] == [Pending(), Pending()]
    assert answers[2] == Refused(code, message)


def test_an_expired_certificate_is_refused(smartca, pki):
    with translation.override("vi"):
        reference = start(smartca, EXPIRED_SIGNER, certificate_id=pki.expired.id)
        assert smartca.status(EXPIRED_SIGNER, reference) == Refused(
            "certificate", "Chứng thư số của người ký đã hết hạn hoặc đã bị thu hồi.")


def test_a_certificate_of_someone_else_is_refused(smartca, smartca_double, pki):
    reference = start(smartca, SIGNER, certificate_id=pki.expired.id)  # Hà's serial for Bình
    assert smartca.status(SIGNER, reference).code == "certificate"
    assert not smartca_double.transactions


def test_an_unknown_user_and_wrong_credentials_are_told_apart(smartca, smartca_double):
    with pytest.raises(RemoteRefusal) as unknown:
        smartca.certificates("079999999999")
    assert unknown.value.refused.code == "unknown_user"

    wrong = SmartCAClient(smartca_double.client_id, "not-the-secret", base_url=smartca.base_url, backoff=0)
    with translation.override("vi"), pytest.raises(RemoteRefusal) as refused:
        wrong.certificates(SIGNER)
    assert refused.value.refused == Refused(
        "credentials", "Dịch vụ ký số từ chối kết nối của cơ quan (sai mã định danh hoặc mật khẩu kết nối).")
    reference = wrong.sign_hash(SIGNER, "540101014e4653549c5a6fdcb9c89999", DIGEST, hash_alg="sha256",
                                transaction_id=new_transaction_id(), description="x")
    assert wrong.status(SIGNER, reference).code == "credentials"  # type: ignore[union-attr]


def test_a_signature_by_another_key_comes_back_signed_but_does_not_verify(smartca, smartca_double, pki):
    smartca_double.scripts[SIGNER] = Script(waits=1, outcome="different_key")
    signed = poll(smartca, SIGNER, start(smartca))[-1]

    assert isinstance(signed, Signed)
    assert not verify_raw(signed.signature, DIGEST, pki.valid.der)  # the core must refuse it


def test_a_signature_over_a_changed_hash_does_not_verify(smartca, smartca_double, pki):
    smartca_double.scripts[SIGNER] = Script(waits=0, outcome="tamper")
    signed = poll(smartca, SIGNER, start(smartca))[-1]

    assert isinstance(signed, Signed) and not verify_raw(signed.signature, DIGEST, pki.valid.der)


def test_a_malformed_hash_is_rejected_by_the_service(smartca, smartca_double, monkeypatch, pki):
    # The hash changed on its way (here: cut short) is refused by SmartCA, nothing is signed.
    client = smartca
    original = client.http.post

    def tampering(url, payload, **kwargs):
        if url.endswith("/v1/signatures/sign"):
            payload["sign_files"][0]["data_to_be_signed"] = payload["sign_files"][0]["data_to_be_signed"][:-2] + "zz"
        return original(url, payload, **kwargs)

    monkeypatch.setattr(client.http, "post", tampering)
    with translation.override("vi"):
        reference = start(client, certificate_id=pki.valid.id)
        assert client.status(SIGNER, reference) == Refused("bad_hash", "Dịch vụ ký số từ chối dữ liệu cần ký.")
    assert not smartca_double.transactions
    # A digest that is not SHA-256 is not even sent.
    sent = len(smartca_double.seen)
    assert smartca.status(SIGNER, smartca.sign_hash(SIGNER, pki.valid.id, DIGEST[:20], hash_alg="sha1",
                                                     transaction_id=new_transaction_id(), description="x")
                          ).code == "bad_hash"
    assert len(smartca_double.seen) == sent


def test_transaction_ids_are_unique_and_a_repeated_one_is_refused(smartca, smartca_double, pki):
    smartca.certificates(SIGNER)
    smartca.certificates(SIGNER)
    ids = [seen.body["transaction_id"] for seen in smartca_double.seen]
    assert len(set(ids)) == len(ids) == 2

    transaction_id = new_transaction_id()
    assert start(smartca, certificate_id=pki.valid.id, transaction_id=transaction_id) == transaction_id
    again = start(smartca, certificate_id=pki.valid.id, transaction_id=transaction_id)
    assert smartca.status(SIGNER, again).code == "error"
    assert len({new_transaction_id() for _ in range(1000)}) == 1000


def test_network_failures_are_retried_then_refused(smartca, smartca_double, pki):
    smartca_double.drop = 2  # two connections cut, the third answered
    assert [c.id for c in smartca.certificates(SIGNER)] == [pki.valid.id]
    assert len(smartca_double.seen) == 3

    reference = start(smartca, certificate_id=pki.valid.id)
    smartca_double.drop = 4  # 1 + 3 retries, all cut
    with translation.override("vi"):
        assert smartca.status(SIGNER, reference) == Refused(
            "error", "Không kết nối được dịch vụ ký số hoặc dịch vụ báo lỗi; vui lòng thử lại sau.")

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    sleeps: list[float] = []
    nowhere = SmartCAClient("id", "secret", base_url=f"http://127.0.0.1:{port}/sca/sp769", retries=3, backoff=0.5)
    nowhere.http.sleep = sleeps.append
    reference = nowhere.sign_hash(SIGNER, pki.valid.id, DIGEST, hash_alg="sha256",
                                  transaction_id=new_transaction_id(), description="x")
    assert nowhere.status(SIGNER, reference).code == "error"  # type: ignore[union-attr]
    assert sleeps[:3] == [0.5, 1.0, 2.0]  # back-off doubles
    with pytest.raises(RemoteRefusal):
        nowhere.certificates(SIGNER)


def test_a_signing_request_cut_after_it_was_sent_is_not_sent_twice(smartca, smartca_double, pki):
    smartca_double.drop = 1  # the request reaches VNPT, the answer is lost
    reference = start(smartca, certificate_id=pki.valid.id)

    assert smartca.status(SIGNER, reference).code == "error"
    assert smartca_double.paths().count("/sca/sp769/v1/signatures/sign") == 1

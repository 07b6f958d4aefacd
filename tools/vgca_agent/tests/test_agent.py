"""The agent over a real WebSocket (TLS verified against its loopback certificate): what a page sends
the VGCA plugin and what it gets back, with the key on a SoftHSM2 token."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import textwrap
import time

import aiohttp
import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

from tools.vgca_agent import hsm

from .conftest import ROOT, RunningAgent, start_agent, stop_agent

# One test process holds the token and the agent for both modules (make test: --dist loadgroup).
pytestmark = [pytest.mark.xdist_group("vgca-agent"),
              pytest.mark.skipif(hsm.missing() is not None, reason=hsm.missing() or "")]

DOCUMENT = "Quyết định số 12/QĐ-STTTT ngày 05 tháng 3 năm 2026".encode()


def sign_msg(digest: bytes, **overrides: object) -> str:
    return json.dumps({"HashAlg": "SHA256", "HashValue": base64.b64encode(digest).decode(), "Encode": "RSA",
                       **overrides})


def verify(certificate: x509.Certificate, signature: bytes, digest: bytes) -> None:
    """What the server does with a provider's answer: PKCS#1 v1.5 over the prehashed SHA-256 digest."""
    public_key = certificate.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    public_key.verify(signature, digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))


def test_sign_msg_answers_a_signature_over_the_digest_and_the_token_certificate(agent: RunningAgent) -> None:
    digest = hashlib.sha256(DOCUMENT).digest()
    started = time.perf_counter()
    answer = agent.call("SignMsg", sign_msg(digest))
    print(f"\nSignMsg round trip {1000 * (time.perf_counter() - started):.0f} ms")
    assert answer["Status"] == 0, answer
    certificate = x509.load_der_x509_certificate(base64.b64decode(answer["CertBase64"]))
    verify(certificate, base64.b64decode(answer["Signature"]), digest)
    # The certificate is the token's, an RSA-2048 key certified by the test CA.
    assert certificate == agent.folder.signer()
    certificate.verify_directly_issued_by(x509.load_pem_x509_certificate(agent.folder.ca_pem.read_bytes()))
    assert certificate.public_key().key_size == 2048  # type: ignore[union-attr]
    # Over that digest only.
    with pytest.raises(InvalidSignature):
        verify(certificate, base64.b64decode(answer["Signature"]), hashlib.sha256(DOCUMENT + b".").digest())


def test_get_cert_info_gives_the_certificate_without_asking_the_pin(agent: RunningAgent) -> None:
    agent.person_types("cancel")
    answer = agent.call("GetCertInfo", "get_cert_info")
    assert answer["Status"] == 0, answer
    info = answer["CertInfo"]
    certificate = x509.load_der_x509_certificate(base64.b64decode(info["Base64Data"]))
    assert certificate == agent.folder.signer()
    assert "CN=Lò Văn Hùng" in info["Subject"] and info["SerialNumber"] == format(certificate.serial_number, "X")


def test_a_person_who_cancels_the_pin_dialog_gets_no_signature(agent: RunningAgent) -> None:
    agent.person_types("cancel")
    answer = agent.call("SignMsg", sign_msg(hashlib.sha256(DOCUMENT).digest()))
    assert answer == {"Status": 11, "Message": "Người dùng đã hủy ký số."}


def test_a_wrong_pin_is_refused_by_the_token_and_the_right_one_still_works(agent: RunningAgent) -> None:
    digest = hashlib.sha256(DOCUMENT).digest()
    agent.person_types("000000")
    assert agent.call("SignMsg", sign_msg(digest)) == {"Status": 12, "Message": "Mã PIN không đúng."}
    agent.person_types(agent.pin)
    answer = agent.call("SignMsg", sign_msg(digest))
    assert answer["Status"] == 0
    verify(x509.load_der_x509_certificate(base64.b64decode(answer["CertBase64"])),
           base64.b64decode(answer["Signature"]), digest)


DIGEST = hashlib.sha256(DOCUMENT).digest()


@pytest.mark.parametrize(("message", "says"), [
    ("ký giúp tôi", "không phải JSON"),
    ("[1, 2]", "đối tượng JSON"),
    (json.dumps({"HashAlg": "SHA256", "Encode": "RSA"}), "Thiếu giá trị băm"),
    (sign_msg(DIGEST, HashValue="không-phải-base64!"), "không phải base64"),
    (sign_msg(hashlib.sha1(DOCUMENT).digest()), "phải dài 32 byte"),
    (sign_msg(DIGEST, HashAlg="MD5"), "HashAlg"),
    (sign_msg(DIGEST, Encode="ECDSA"), "Encode"),
    (b"\x00\x01", "văn bản JSON"),
], ids=["not-json", "not-an-object", "no-hash", "bad-base64", "sha1-length", "md5", "ecdsa", "binary-frame"])
def test_a_malformed_message_is_refused_before_any_pin_prompt(agent: RunningAgent, message: str | bytes,
                                                               says: str) -> None:
    agent.person_types("cancel")  # a prompt would answer 11: the refusal comes before it
    answer = agent.call("SignMsg", message)
    assert answer["Status"] == 2 and says in answer["Message"], answer
    assert "Signature" not in answer


def test_an_oversized_message_gets_no_signature(agent: RunningAgent) -> None:
    with pytest.raises((AssertionError, aiohttp.ClientError)):
        agent.call("SignMsg", "x" * 100_000)


def test_whole_document_endpoints_are_not_served(agent: RunningAgent) -> None:
    """SignApproved/SignIssued make the plugin download and upload files: not part of this agent."""
    message = json.dumps({"FileName": "https://qlvb.example/x.pdf", "FileUploadHandler": "https://qlvb.example/u"})
    answer = agent.call("SignApproved", message)
    assert answer["Status"] == 3 and "Signature" not in answer


def test_an_agent_limited_to_an_origin_refuses_other_pages(token_folder: hsm.TokenFolder, tmp_path) -> None:
    pin_file = tmp_path / "answer"
    pin_file.write_text(str(token_folder.settings()["pin"]), encoding="utf-8")
    limited = start_agent(token_folder, pin_file, "--origin", "https://qlvb.example.gov.vn")
    try:
        answer = limited.call("SignMsg", sign_msg(DIGEST), origin="https://qlvb.example.gov.vn")
        assert answer["Status"] == 0
        with pytest.raises(aiohttp.WSServerHandshakeError) as excinfo:
            limited.call("SignMsg", sign_msg(DIGEST), origin="https://attacker.example")
        assert excinfo.value.status == 403
    finally:
        stop_agent(limited)


MECHANISMS = textwrap.dedent("""
    import base64, hashlib, json, sys
    from pathlib import Path
    from tools.vgca_agent import hsm
    import pkcs11
    from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
    folder = hsm.TokenFolder(Path(sys.argv[1]))
    settings = folder.settings()
    hsm.use_folder(folder.path)
    digest = hashlib.sha256(b"du thao").digest()
    token = pkcs11.lib(settings["module"]).get_token(token_label=settings["token_label"])
    with token.open(user_pin=settings["pin"]) as session:
        key = session.get_key(ObjectClass.PRIVATE_KEY, KeyType.RSA, label=settings["key_label"])
        out = {
            "digest": digest.hex(),
            "rsa_pkcs_over_digest_info": key.sign(hsm.DIGEST_INFO_PREFIX["SHA256"] + digest,
                                                  mechanism=Mechanism.RSA_PKCS).hex(),
            "sha256_rsa_pkcs_over_digest": key.sign(digest, mechanism=Mechanism.SHA256_RSA_PKCS).hex(),
            "sensitive": bool(key[Attribute.SENSITIVE]), "extractable": bool(key[Attribute.EXTRACTABLE]),
        }
    print(json.dumps(out))
""")


def test_only_rsa_pkcs_over_a_digest_info_signs_the_digest_itself(token_folder: hsm.TokenFolder) -> None:
    """Which PKCS#11 mechanism gives the signature the server checks (PKCS#1 v1.5, Prehashed SHA-256):
    CKM_RSA_PKCS over DigestInfo(digest) does; CKM_SHA256_RSA_PKCS hashes the digest once more, so
    its signature is over SHA-256(digest), not over the document. And the key cannot leave the token."""
    result = subprocess.run([sys.executable, "-c", MECHANISMS, str(token_folder.path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    digest = bytes.fromhex(out["digest"])
    certificate = token_folder.signer()
    verify(certificate, bytes.fromhex(out["rsa_pkcs_over_digest_info"]), digest)
    with pytest.raises(InvalidSignature):
        verify(certificate, bytes.fromhex(out["sha256_rsa_pkcs_over_digest"]), digest)
    verify(certificate, bytes.fromhex(out["sha256_rsa_pkcs_over_digest"]), hashlib.sha256(digest).digest())
    assert out["sensitive"] is True and out["extractable"] is False

"""verify_raw (what the core relies on to refuse a signature), the unwrapping of a CMS answer, and
the clients configured from settings: absent settings, no service offered."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding

from qlvb.signatures.remote.base import client, configured, unwrap_signature, verify_raw
from qlvb.signatures.remote.mysign import MySignClient
from qlvb.signatures.remote.smartca import SmartCAClient
from qlvb.signatures.remote.tests.conftest import Pki
from qlvb.signatures.remote.tests.doubles import issue, make_authority, sign_digest

DIGEST = hashlib.sha256(b"the DER of the signed attributes").digest()


def test_verify_raw_accepts_only_the_certificate_s_key_over_that_digest(pki: Pki):
    signature = sign_digest(pki.key, DIGEST)

    assert verify_raw(signature, DIGEST, pki.valid.der)
    assert not verify_raw(signature, hashlib.sha256(b"another document").digest(), pki.valid.der)
    assert not verify_raw(sign_digest(pki.expired.key, DIGEST), DIGEST, pki.valid.der)  # a different key
    assert not verify_raw(signature[:-1] + bytes([signature[-1] ^ 1]), DIGEST, pki.valid.der)
    assert not verify_raw(b"", DIGEST, pki.valid.der)
    assert not verify_raw(signature, DIGEST[:20], pki.valid.der)
    assert not verify_raw(signature, DIGEST, b"not a certificate")
    assert not verify_raw(signature, DIGEST, pki.valid.der, hash_alg="md5")


def test_verify_raw_reads_ecdsa_in_der_and_as_r_s(pki: Pki):
    key = ec.generate_private_key(ec.SECP256R1())
    authority = make_authority("EC test")
    certificate = issue(authority, key, "Con dấu", "MST:0100109106").public_bytes(Encoding.DER)
    der_signature = key.sign(DIGEST, ec.ECDSA(Prehashed(hashes.SHA256())))
    r, s = decode_dss_signature(der_signature)

    assert verify_raw(der_signature, DIGEST, certificate)
    assert verify_raw(r.to_bytes(32, "big") + s.to_bytes(32, "big"), DIGEST, certificate)
    assert not verify_raw(der_signature, DIGEST, pki.valid.der)


def test_a_cms_answer_gives_its_signature_value_and_certificate(pki: Pki):
    raw = sign_digest(pki.key, DIGEST)
    certificate = asn1_x509.Certificate.load(pki.valid.der)
    signed_data = cms.SignedData({
        "version": "v1",
        "digest_algorithms": [{"algorithm": "sha256"}],
        "encap_content_info": {"content_type": "data"},
        "certificates": [certificate],
        "signer_infos": [{
            "version": "v1",
            "sid": cms.SignerIdentifier({"issuer_and_serial_number": {
                "issuer": certificate.issuer, "serial_number": certificate.serial_number}}),
            "digest_algorithm": {"algorithm": "sha256"},
            "signature_algorithm": {"algorithm": "rsassa_pkcs1v15"},
            "signature": raw,
        }],
    })
    wrapped = cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()

    assert unwrap_signature(wrapped) == (raw, pki.valid.der)
    assert unwrap_signature(raw) == (raw, None)


def test_services_are_offered_only_when_configured(settings):
    settings.QLVB_SMARTCA = {}
    settings.QLVB_MYSIGN = {}
    assert configured() == []
    with pytest.raises(LookupError):
        client("smartca")
    with pytest.raises(LookupError):
        client("csc")

    settings.QLVB_SMARTCA = {"base_url": "https://rmgateway.vnptit.vn/sca/sp769/", "client_id": "sp",
                             "client_secret": "pw"}
    settings.QLVB_MYSIGN = {"base_url": "https://remotesigning.viettel.vn", "client_id": "c", "client_secret": "s",
                            "profile_id": "adss:ras:profile:001"}
    assert configured() == ["smartca", "mysign"]
    smartca = client("smartca")
    assert isinstance(smartca, SmartCAClient) and smartca.base_url == "https://rmgateway.vnptit.vn/sca/sp769"
    mysign = client("mysign")
    assert isinstance(mysign, MySignClient) and mysign.profile_id == "adss:ras:profile:001"
    assert (smartca.name, mysign.name) == ("smartca", "mysign")


def test_settings_read_the_environment(tmp_path):
    script = ("import json, qlvb.settings as s; "
              "print(json.dumps([s.QLVB_SMARTCA, s.QLVB_MYSIGN]))")
    base = {key: value for key, value in os.environ.items() if not key.startswith(("QLVB_SMARTCA", "QLVB_MYSIGN"))}
    base["QLVB_VAR_DIR"] = str(tmp_path)

    def read(**env: str) -> list[dict[str, str]]:
        done = subprocess.run([sys.executable, "-c", script], env={**base, **env}, capture_output=True,
                              text=True, check=True, cwd=Path(__file__).resolve().parents[4])
        return json.loads(done.stdout.strip().splitlines()[-1])

    assert read() == [{}, {}]
    smartca, mysign = read(QLVB_SMARTCA_CLIENT_ID="4184-637127995547330633.apps.smartcaapi.com",
                           QLVB_SMARTCA_CLIENT_SECRET="secret", QLVB_MYSIGN_CLIENT_ID="QLVB_Mysign",
                           QLVB_MYSIGN_CLIENT_SECRET="s", QLVB_MYSIGN_URL="https://mysign.test")
    assert smartca == {"base_url": "https://gwsca.vnpt.vn/sca/sp769",
                       "client_id": "4184-637127995547330633.apps.smartcaapi.com", "client_secret": "secret"}
    assert mysign == {"base_url": "https://mysign.test", "client_id": "QLVB_Mysign", "client_secret": "s",
                      "profile_id": "adss:ras:profile:001"}

"""Signing with a key on a PKCS#11 token: a SoftHSM2 token made in a temporary folder, holding a
demo-CA certificate and its key, registered and used through the same services as key files."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from qlvb.core.actor import Actor
from qlvb.signatures import pki, services
from qlvb.signatures.demo import demo_ca
from qlvb.signatures.verification import pdfsig_check, verify_pdf

TOKEN = "qlvb-test"
PIN = "246810"
SO_PIN = "13579111"
KEY_LABEL = "giam-doc"

LIBRARIES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")


def _library() -> str | None:
    return next((path for path in LIBRARIES if Path(path).exists()), None)


def _module() -> str:
    """The library, in the tests below (they run only where it exists)."""
    path = _library()
    assert path is not None
    return path


pytestmark = pytest.mark.skipif(
    _library() is None or shutil.which("softhsm2-util") is None,
    reason="SoftHSM2 is not installed (Debian package softhsm2): the PKCS#11 path cannot be exercised",
)


@pytest.fixture(scope="module")
def token_dir(tmp_path_factory):
    """A SoftHSM2 configuration and token folder of its own. SoftHSM reads SOFTHSM2_CONF once per
    process, when the library is first initialised, so it is set before anything loads it."""
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--so-pin", SO_PIN, "--pin", PIN],
                   check=True, capture_output=True)
    yield folder
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture
def token_key(token_dir, org, settings):
    """The head's key and certificate on the token (imported once per test database)."""
    settings.QLVB_PKCS11_MODULES = [_library()]
    ca, _created = demo_ca()
    key, cert = pki.issue(ca.key, ca.cert, common_name=org.head.full_name, organisation=org.agency.name)
    label = f"{KEY_LABEL}-{pki.cert_info(cert).fingerprint[:8]}"
    key_file = token_dir / f"{label}.pem"
    key_file.write_bytes(pki.key_to_pem(key))
    subprocess.run(["softhsm2-util", "--import", str(key_file), "--token", TOKEN, "--label", label,
                    "--id", pki.cert_info(cert).fingerprint[:8], "--pin", PIN], check=True, capture_output=True)
    key_file.unlink()
    _write_certificate(cert, label)
    return label, cert


def _write_certificate(cert, label: str) -> None:
    import pkcs11
    from cryptography.hazmat.primitives import serialization
    from pkcs11 import Attribute, CertificateType, ObjectClass

    token = pkcs11.lib(_module()).get_token(token_label=TOKEN)
    with token.open(rw=True, user_pin=PIN) as session:
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True,
            Attribute.LABEL: label,
            Attribute.ID: bytes.fromhex(pki.cert_info(cert).fingerprint[:8]),
            Attribute.SUBJECT: cert.subject.public_bytes(),
            Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
        })


def test_sign_with_a_softhsm_token(org, token_key, document_pdf):
    label, cert = token_key
    certificate = services.add_pkcs11_certificate(by=Actor(org.head), module_path=_module(), token_label=TOKEN,
                                                  key_label=label, person=org.head, pin=PIN)
    assert certificate.kind == "pkcs11" and certificate.pkcs12_encrypted is None
    assert certificate.fingerprint == pki.cert_info(cert).fingerprint  # read from the token

    started = time.perf_counter()
    signed = services.sign_as_signer(document_pdf, by=Actor(org.head), certificate=certificate,
                                     passphrase_or_pin=PIN, position_title="GIÁM ĐỐC", full_name=org.head.full_name)
    print(f"\nPKCS#11 signing {time.perf_counter() - started:.3f} s")
    (report,) = verify_pdf(signed)
    assert report.ok and report.signer_name == org.head.full_name
    assert pdfsig_check(signed).count("Signature is Valid.") == 1


def test_token_refusals(org, token_key, document_pdf, settings):
    label, _cert = token_key
    certificate = services.add_pkcs11_certificate(by=Actor(org.head), module_path=_module(), token_label=TOKEN,
                                                  key_label=label, person=org.head)
    kwargs: dict[str, Any] = {"by": Actor(org.head), "certificate": certificate, "position_title": "GIÁM ĐỐC",
                              "full_name": "x"}
    with pytest.raises(ValidationError) as excinfo:
        services.sign_as_signer(document_pdf, passphrase_or_pin="000000", **kwargs)
    assert excinfo.value.error_list[0].code == "wrong_pin"
    with pytest.raises(ValidationError) as excinfo:
        services.sign_as_signer(document_pdf, **kwargs)
    assert excinfo.value.error_list[0].code == "pin_required"

    certificate.pkcs11_token_label = "no-such-token"
    with pytest.raises(ValidationError) as excinfo:
        services.sign_as_signer(document_pdf, passphrase_or_pin=PIN, **kwargs)
    assert excinfo.value.error_list[0].code == "token_missing"

    settings.QLVB_PKCS11_MODULES = []
    with pytest.raises(ValidationError) as excinfo:
        services.sign_as_signer(document_pdf, passphrase_or_pin=PIN, **kwargs)
    assert excinfo.value.error_list[0].code == "pkcs11_module_not_allowed"

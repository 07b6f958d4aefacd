"""The agent's token: a SoftHSM2 token in a folder of its own, an RSA-2048 key generated on it (never
extractable), and a certificate for that key issued by a test CA (qlvb.signatures.pki), stored on
the token beside the key as a VGCA token holds its certificate.

SoftHSM2 reads SOFTHSM2_CONF once per process, when its library is first loaded, and python-pkcs11
keeps one loaded library per process: the set-up and the agent therefore run in processes of their
own (`python -m tools.vgca_agent setup|serve`), each pointed at the folder's configuration first.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

LIBRARIES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
TOKEN_LABEL = "VGCA-TEST"
KEY_LABEL = "signing-key"
KEY_ID = b"\x01"
SO_PIN = "87654321"
DEFAULT_PIN = "123456"

# DER of DigestInfo's AlgorithmIdentifier and the OCTET STRING header for each hash (RFC 8017, 9.2
# note 1): CKM_RSA_PKCS pads and signs exactly what it is given, so the agent gives it
# DigestInfo(hash) — the PKCS#1 v1.5 signature of a message whose hash is `digest`.
DIGEST_INFO_PREFIX = {
    "SHA256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "SHA384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "SHA512": bytes.fromhex("3051300d060960864801650304020305000440"),
}
DIGEST_SIZE = {"SHA256": 32, "SHA384": 48, "SHA512": 64}


def library() -> str | None:
    """SoftHSM2's PKCS#11 module, where Debian's softhsm2 package puts it."""
    return next((path for path in LIBRARIES if Path(path).exists()), None)


def missing() -> str | None:
    """Why SoftHSM2 cannot be used on this machine, or None when it can."""
    if shutil.which("softhsm2-util") is None or library() is None:
        return "SoftHSM2 is not installed (Debian package softhsm2, `make system-deps`)"
    return None


def use_folder(folder: Path) -> None:
    """Point this process's SoftHSM2 at the folder's configuration (before the library loads)."""
    os.environ["SOFTHSM2_CONF"] = str(folder / "softhsm2.conf")


@dataclass(frozen=True)
class TokenFolder:
    """What `setup` leaves in the folder: SoftHSM2's configuration and tokens, the test CA's and
    the signer's certificates (PEM), and token.json (labels, the user PIN of this test token)."""

    path: Path

    @property
    def ca_pem(self) -> Path:
        return self.path / "ca.pem"

    @property
    def signer_pem(self) -> Path:
        return self.path / "signer.pem"

    def settings(self) -> dict[str, Any]:
        return json.loads((self.path / "token.json").read_text(encoding="utf-8"))

    def signer(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.signer_pem.read_bytes())

    def exists(self) -> bool:
        return (self.path / "token.json").exists()


def setup(folder: Path, *, pin: str = DEFAULT_PIN, common_name: str = "Lò Văn Hùng",
          organisation: str = "Sở Thông tin và Truyền thông tỉnh Sơn La") -> TokenFolder:
    """Initialise a token in `folder`, generate the key on it and issue its certificate.

    Runs in a process whose SoftHSM2 library is not loaded yet (python -m tools.vgca_agent setup)."""
    import pkcs11
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass

    from qlvb.signatures import pki

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tokens").mkdir(exist_ok=True)
    (folder / "softhsm2.conf").write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n",
        encoding="utf-8")
    use_folder(folder)
    util = shutil.which("softhsm2-util")
    assert util is not None
    subprocess.run([util, "--init-token", "--free", "--label", TOKEN_LABEL, "--so-pin", SO_PIN,  # noqa: S603
                    "--pin", pin], check=True, capture_output=True, env=os.environ.copy())
    module = library()
    assert module is not None
    token = pkcs11.lib(module).get_token(token_label=TOKEN_LABEL)
    with token.open(rw=True, user_pin=pin) as session:
        public, _private = session.generate_keypair(
            KeyType.RSA, 2048, store=True, label=KEY_LABEL, id=KEY_ID,
            public_template={Attribute.VERIFY: True, Attribute.ENCRYPT: False, Attribute.WRAP: False},
            private_template={Attribute.SIGN: True, Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False,
                              Attribute.DECRYPT: False, Attribute.UNWRAP: False, Attribute.PRIVATE: True})
        public_key = rsa.RSAPublicNumbers(
            int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
            int.from_bytes(public[Attribute.MODULUS], "big")).public_key()
        ca_key, ca_cert = pki.make_ca("QLVB Test VGCA CA")
        # pki.issue reads only the subject key's public half: the private one never leaves the token.
        _unused, cert = pki.issue(ca_key, ca_cert, common_name=common_name, organisation=organisation,
                                  key=_PublicOnly(public_key))  # type: ignore[arg-type]
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True,
            Attribute.PRIVATE: False,
            Attribute.LABEL: KEY_LABEL,
            Attribute.ID: KEY_ID,
            Attribute.SUBJECT: cert.subject.public_bytes(),
            Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
        })
    (folder / "ca.pem").write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    (folder / "signer.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "token.json").write_text(json.dumps({
        "module": module, "token_label": TOKEN_LABEL, "key_label": KEY_LABEL, "pin": pin,
    }, indent=2), encoding="utf-8")
    return TokenFolder(folder)


class _PublicOnly:
    """Stands for a key pair whose private half is on the token: what pki.issue asks of `key`."""

    def __init__(self, public_key: rsa.RSAPublicKey) -> None:
        self._public_key = public_key

    def public_key(self) -> rsa.RSAPublicKey:
        return self._public_key


class TokenError(Exception):
    """A refusal of the token, named by `code`: "wrong_pin" | "pin_locked" | "no_token" | "no_key"."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Token:
    """The agent's use of the token: read its certificate (a public object, no PIN) and sign a digest
    after logging in with the PIN the person typed. One operation at a time, as on a USB token."""

    def __init__(self, folder: TokenFolder) -> None:
        settings = folder.settings()
        use_folder(folder.path)
        self.module: str = settings["module"]
        self.token_label: str = settings["token_label"]
        self.key_label: str = settings["key_label"]
        self._lock = threading.Lock()

    def _token(self) -> Any:
        import pkcs11
        from pkcs11 import exceptions as p11

        try:
            return pkcs11.lib(self.module).get_token(token_label=self.token_label)
        except (p11.NoSuchToken, p11.TokenNotPresent, p11.TokenNotRecognised) as error:
            raise TokenError("no_token") from error

    def certificate_der(self) -> bytes:
        from pkcs11 import Attribute, ObjectClass

        with self._lock, self._token().open() as session:
            for cert in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE,
                                             Attribute.LABEL: self.key_label}):
                return bytes(cert[Attribute.VALUE])
        raise TokenError("no_key")

    def sign_digest(self, digest: bytes, hash_alg: str, pin: str) -> bytes:
        """RSA PKCS#1 v1.5 over `digest` (the hash of the data, computed by the caller): CKM_RSA_PKCS
        over DigestInfo(hash_alg, digest). (CKM_SHA256_RSA_PKCS would hash its input once more.)"""
        from pkcs11 import KeyType, Mechanism, ObjectClass
        from pkcs11 import exceptions as p11

        with self._lock:
            token = self._token()
            try:
                session = token.open(user_pin=pin)
            except (p11.PinIncorrect, p11.PinInvalid, p11.PinLenRange) as error:
                raise TokenError("wrong_pin") from error
            except p11.PinLocked as error:
                raise TokenError("pin_locked") from error
            with session:
                try:
                    key = session.get_key(ObjectClass.PRIVATE_KEY, KeyType.RSA, label=self.key_label)
                except (p11.NoSuchKey, p11.MultipleObjectsReturned) as error:
                    raise TokenError("no_key") from error
                return bytes(key.sign(DIGEST_INFO_PREFIX[hash_alg] + digest, mechanism=Mechanism.RSA_PKCS))

"""A PKI with revocation for the tests, made with Certomancer and served on loopback by its
Animator (CRLs and OCSP, werkzeug in a thread): a root CA, an intermediate CA under it, and leaf
certificates under the intermediate, each naming the intermediate's CRL and OCSP responder at the
served port. "revoked" is revoked (key compromise) since 2025. ``down=True`` makes the same PKI
with every URL at a port where nothing listens (the CA unreachable)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

CONFIG = """
external-url-prefix: "http://127.0.0.1:{port}"
keysets:
  qlvb:
    path-prefix: {keys}
    keys:
      root: {{path: root.key.pem}}
      interm: {{path: interm.key.pem}}
      signer: {{path: signer.key.pem}}
      agency: {{path: agency.key.pem}}
      revoked: {{path: revoked.key.pem}}
pki-architectures:
  qlvb:
    keyset: qlvb
    entity-defaults: {{country-name: VN, organization-name: "CA thu nghiem"}}
    entities:
      root: {{common-name: "Root CA thu nghiem"}}
      interm: {{common-name: "CA trung gian thu nghiem"}}
      signer: {{common-name: "Tran Thi Ky"}}
      agency: {{common-name: "So Thu nghiem"}}
      revoked: {{common-name: "Nguoi Bi Thu Hoi"}}
    certs:
      root:
        subject: root
        issuer: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2090-01-01T00:00:00+0000"}}
        profiles: [{{id: simple-ca, params: {{crl-repo: root}}}}]
      interm:
        subject: interm
        issuer: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2085-01-01T00:00:00+0000"}}
        profiles: [{{id: simple-ca, params: {{crl-repo: interm, ocsp-service: interm}}}}]
      signer: &leaf
        subject: signer
        issuer: interm
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2080-01-01T00:00:00+0000"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, non_repudiation]}}
      agency:
        <<: *leaf
        subject: agency
      revoked:
        <<: *leaf
        subject: revoked
        revocation: {{revoked-since: "2025-01-01T00:00:00+0000", reason: key_compromise}}
    services:
      ocsp:
        interm: {{for-issuer: interm, responder-cert: interm, signing-key: interm}}
      crl-repo:
        root: {{for-issuer: root, signing-key: root, simulated-update-schedule: "P90D"}}
        interm: {{for-issuer: interm, signing-key: interm, simulated-update-schedule: "P7D"}}
"""

KEYS = ("root", "interm", "signer", "agency", "revoked")


@dataclass(frozen=True)
class RevocationPki:
    arch: Any  # certomancer's PKIArchitecture
    url: str

    def cert(self, label: str) -> Any:
        """The certificate as a ``cryptography`` object."""
        from cryptography import x509

        return x509.load_der_x509_certificate(self.arch.get_cert(label).dump())

    def der(self, label: str) -> bytes:
        return bytes(self.arch.get_cert(label).dump())

    def pkcs12(self, label: str, passphrase: str = "matkhau", *, chain: bool = True) -> bytes:
        """The leaf's key and certificate as a key file (with the intermediate unless ``chain=False``)."""
        from qlvb.signatures import pki

        key = serialization.load_der_private_key(self.arch.key_set.get_private_key(label).dump(), password=None)
        return pki.to_pkcs12(key, self.cert(label), [self.cert("interm")] if chain else [],  # type: ignore[arg-type]
                             passphrase, label)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _keys(folder: Path) -> Path:
    keys = folder / "keys"
    keys.mkdir(parents=True, exist_ok=True)
    for name in KEYS:
        key = ec.generate_private_key(ec.SECP256R1())
        (keys / f"{name}.key.pem").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return keys


def _arch(folder: Path, port: int) -> Any:
    from certomancer.registry import ArchLabel, CertomancerConfig

    config = folder / "certomancer.yml"
    config.write_text(CONFIG.format(port=port, keys=_keys(folder)))
    return CertomancerConfig.from_file(str(config)).get_pki_arch(ArchLabel("qlvb"))


@contextlib.contextmanager
def revocation_pki(folder: Path, *, down: bool = False) -> Iterator[RevocationPki]:
    """The PKI, its CRLs and OCSP served at http://127.0.0.1:<port> until the block ends (or, with
    ``down``, served nowhere)."""
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            pass

    port = free_port()
    arch = _arch(folder, port)
    url = f"http://127.0.0.1:{port}"
    if down:
        yield RevocationPki(arch=arch, url=url)
        return
    app = Animator(AnimatorArchStore({arch.arch_label: arch}), with_web_ui=False)
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield RevocationPki(arch=arch, url=url)
    finally:
        server.shutdown()
        thread.join(timeout=5)

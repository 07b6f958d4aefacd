"""An existing CSC test server for the tests: certomancer-csc-dummy (PyPI, the one pyHanko's own
CSCSigner is tested against), started in a subprocess on a free port with a small Certomancer
PKI made here: a root CA, the signer's RSA-2048 key ("qlvb/signer"), another key ("qlvb/other")
and a certificate whose key the service does not hold ("qlvb/nokey")."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

CONFIG = """
external-url-prefix: "http://localhost:{port}"
keysets:
  qlvb:
    path-prefix: {keys}
    keys:
      root: {{path: root.key.pem}}
      signer: {{path: signer.key.pem}}
      other: {{path: other.key.pem}}
      nokey: {{path: nokey.pub.pem, public-only: true}}
pki-architectures:
  qlvb:
    keyset: qlvb
    entity-defaults: {{country-name: VN, organization-name: "CA thu nghiem"}}
    entities:
      root: {{common-name: "CA thu nghiem QLVB"}}
      signer: {{common-name: "Nguyen Van Giam Doc"}}
      other: {{common-name: "Nguoi Khac"}}
      nokey: {{common-name: "Khong Co Khoa"}}
    certs:
      root:
        subject: root
        subject-key: root
        issuer: root
        authority-key: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2090-01-01T00:00:00+0000"}}
        extensions:
          - id: basic_constraints
            critical: true
            value: {{ca: true}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [key_cert_sign, crl_sign]}}
      signer: &leaf
        subject: signer
        subject-key: signer
        issuer: root
        authority-key: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2080-01-01T00:00:00+0000"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, non_repudiation]}}
      other:
        <<: *leaf
        subject: other
        subject-key: other
      nokey:
        <<: *leaf
        subject: nokey
        subject-key: nokey
"""


@dataclass(frozen=True)
class CscServer:
    url: str
    root_der: bytes


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _key(path: Path, *, public_only: bool = False) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if public_only:
        path.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                       serialization.PublicFormat.SubjectPublicKeyInfo))
    else:
        path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))


@contextlib.contextmanager
def csc_server(folder: Path) -> Iterator[CscServer]:
    """The CSC dummy server (SCAL2: each authorisation pinned to its hashes) until the block ends."""
    import requests

    keys = folder / "keys"
    keys.mkdir(parents=True, exist_ok=True)
    for name in ("root", "signer", "other"):
        _key(keys / f"{name}.key.pem")
    _key(keys / "nokey.pub.pem", public_only=True)
    port = _free_port()
    config = folder / "certomancer.yml"
    config.write_text(CONFIG.format(port=port, keys=keys))
    log = (folder / "csc.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "csc_dummy", str(config), str(port), "2"],  # noqa: S603
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/info", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the CSC test server did not start:\n" + (folder / "csc.log").read_text())
            time.sleep(0.2)
        import base64

        info = requests.post(f"{url}/csc/v1/credentials/info", timeout=5,
                             json={"credentialID": "qlvb/signer", "certificates": "chain"}).json()
        root = base64.b64decode(info["cert"]["certificates"][-1])
        yield CscServer(url=url, root_der=root)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()

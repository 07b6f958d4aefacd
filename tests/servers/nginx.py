"""nginx from Debian in front of application nodes, run with the documented configuration
(docs/deploy/nginx.conf, filled in by qlvb.core.deploy) under a prefix of its own, on free loopback
ports, with a self-signed certificate made for the test.

    with nginx(tmp_path, nodes=["127.0.0.1:8001", "127.0.0.1:8002"]) as proxy:
        proxy.url  # https://127.0.0.1:PORT
"""

from __future__ import annotations

import contextlib
import datetime
import getpass
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.servers.seaweedfs import free_port


def self_signed(folder: Path, name: str = "localhost") -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=2))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName(name),
                                                               x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "site.pem", folder / "site.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class Proxy:
    port: int
    http_port: int
    prefix: Path
    config: Path
    certificate: Path  # self-signed: what a client verifies the proxy with

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"


@contextlib.contextmanager
def nginx(folder: Path, *, nodes: list[str], fail_timeout: int = 10, timeout: float = 20.0) -> Iterator[Proxy]:
    from qlvb.core.deploy import nginx_conf

    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if binary is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
    folder.mkdir(parents=True, exist_ok=True)
    certificate, key = self_signed(folder)
    port, http_port = free_port(), free_port()
    config = folder / "nginx.conf"
    config.write_text(nginx_conf(nodes=nodes, prefix=str(folder), server_name="localhost",
                                 certificate=str(certificate), certificate_key=str(key),
                                 http_listen=f"127.0.0.1:{http_port}", https_listen=f"127.0.0.1:{port}",
                                 user=getpass.getuser(), fail_timeout=fail_timeout))
    # -e: the error log before the configuration is read (else /var/log/nginx, maybe not ours).
    process = subprocess.Popen([binary, "-c", str(config), "-p", str(folder), "-e", str(folder / "error.log"),
                                "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start: {(folder / 'error.log').read_text()[-2000:]}")
            time.sleep(0.1)
        yield Proxy(port=port, http_port=http_port, prefix=folder, config=config, certificate=certificate)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # fast shutdown: nothing to finish
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

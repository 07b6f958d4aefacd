"""The storage check against a real S3 store (SeaweedFS, started here): it passes, it fails when the
store is gone, and a store that accepts connections but never answers fails it in seconds."""

from __future__ import annotations

import os
import socket

import pytest

from qlvb.core import health
from qlvb.ops import checks
from tests.servers.seaweedfs import seaweedfs, weed_binary

# The ops app's check against a real server: here, beside the other tests that start servers.
pytestmark = [pytest.mark.django_db, pytest.mark.skipif(weed_binary() is None, reason="SeaweedFS is not installed")]


def storage() -> health.Probe:
    [result] = health.run(["storage"])
    return result.probe


def test_the_storage_check_on_s3_passes_and_fails_when_the_store_is_gone(settings, tmp_path):
    with seaweedfs(tmp_path / "s3") as s3:
        settings.STORAGES = {**settings.STORAGES, "default": s3.storage_settings()}
        probe = storage()
        assert probe.ok and "S3Storage" in str(probe.detail)
        assert s3.client().list_objects_v2(Bucket=s3.bucket).get("KeyCount", 0) == 0  # the probe left nothing
        os.killpg(s3.process.pid, 9)
        s3.process.wait()
        gone = storage()
        assert not gone.ok and gone.critical and "EndpointConnectionError" in str(gone.detail)


def test_a_store_that_never_answers_fails_the_check_instead_of_holding_it(settings, monkeypatch):
    monkeypatch.setattr(checks, "S3_PROBE_TIMEOUT", 0.5)
    with socket.socket() as silent:  # listens (the kernel accepts connections) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        port = silent.getsockname()[1]
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": "qlvb", "endpoint_url": f"http://127.0.0.1:{port}", "access_key": "a", "secret_key": "b",
            "region_name": "us-east-1"}}}
        probe = storage()
    assert not probe.ok and "timeout" in str(probe.detail).lower()

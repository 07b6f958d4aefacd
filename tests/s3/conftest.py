"""Every test here runs with the default storage on a real S3 store, as production does with
S3_BUCKET set: SeaweedFS, started once per test process (the modules mark themselves
xdist_group("s3") so that, in parallel runs, they share one). Each test gets a bucket of its own."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from tests.servers.seaweedfs import S3Server, seaweedfs


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    with seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as server:
        yield server


@pytest.fixture(autouse=True)
def s3(settings, s3_server: S3Server) -> S3Server:  # noqa: ANN001
    """The default storage switched to a fresh bucket of the store (Django resets default_storage
    when STORAGES changes)."""
    server = dataclasses.replace(s3_server, bucket=s3_server.create_bucket())
    settings.STORAGES = {**settings.STORAGES, "default": server.storage_settings()}
    return server


def keys(s3: S3Server) -> list[str]:
    """Every object in the test's bucket."""
    pages = s3.client().get_paginator("list_objects_v2").paginate(Bucket=s3.bucket)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def s3_bytes(s3: S3Server, key: str) -> bytes:
    return s3.client().get_object(Bucket=s3.bucket, Key=key)["Body"].read()

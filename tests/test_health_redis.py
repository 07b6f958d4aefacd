"""The cache and job-queue checks against a real Redis (started here, as production runs them with
REDIS_URL): they pass, count, and fail when Redis is gone."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from qlvb.core import health

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")]


def probe(name: str) -> health.Probe:
    [result] = health.run([name])
    return result.probe


@pytest.fixture
def redis_url(tmp_path: Path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                server.kill()
                raise
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0", server
    server.kill()
    server.wait()


def test_cache_and_job_queue_on_redis_pass_count_and_fail_when_redis_is_gone(redis_url, settings, monkeypatch):
    from huey import RedisHuey

    url, server = redis_url
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    queue = RedisHuey("qlvb-health-test", url=url)
    monkeypatch.setattr("huey.contrib.djhuey.HUEY", queue)

    cache = probe("cache")
    assert cache.ok and "RedisCache" in str(cache.detail)
    assert probe("jobs").ok and probe("jobs").value == 0
    queue.storage.enqueue(b"a job")
    queue.storage.enqueue(b"another")
    assert probe("jobs").value == 2

    server.kill()
    server.wait()
    gone = probe("cache")
    assert not gone.ok and gone.critical and "ConnectionError" in str(gone.detail)
    assert not probe("jobs").ok

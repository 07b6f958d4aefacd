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
    settings.CACHES = {"default": {"BACKEND": "qlvb.core.rediscache.RedisCache", "LOCATION": url}}
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


def test_the_cache_keeps_one_client_and_works_after_a_fork_and_a_restart(redis_url, settings):
    """core.rediscache: one redis client per pool, not one per operation; a forked worker (gunicorn
    --preload) and a Redis restarted under it still read and write."""
    import os

    from django.core.cache import caches

    url, server = redis_url
    settings.CACHES = {"default": {"BACKEND": "qlvb.core.rediscache.RedisCache", "LOCATION": url}}
    cache = caches["default"]
    cache.set("k", {"v": 1})
    client = cache._cache.get_client()
    assert cache.get("k") == {"v": 1} and cache._cache.get_client(write=True) is client
    pid = os.fork()
    if pid == 0:  # the child: its own connection from the shared client's pool
        code = 0 if cache.get("k") == {"v": 1} and cache.set("child", 2) is None and cache.get("child") == 2 else 1
        os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert cache.get("child") == 2

"""Each generic check passes on a working installation and fails when its dependency does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError, connections
from django.utils import timezone

from qlvb.core import health
from qlvb.ops import checks
from qlvb.ops.models import Heartbeat
from qlvb.ops.tasks import heartbeat

pytestmark = pytest.mark.django_db


def result(name: str) -> health.Result:
    [found] = health.run([name])
    return found


def test_every_generic_check_is_registered_and_passes_on_a_working_installation(settings):
    settings.QLVB_MIN_FREE_DISK_MB = 0
    heartbeat.call_local()
    found = {r.name: r for r in health.run()}
    for name in ("database", "cache", "worker", "storage", "disk", "jobs", "exchange_outbox", "ocr_queue"):
        assert found[name].probe.ok, (name, found[name].probe)


def test_database_says_its_latency_and_a_database_error_fails_it(db, monkeypatch):
    assert result("database").probe.ok and " ms" in str(result("database").probe.detail)

    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    probe = result("database").probe
    assert not probe.ok and probe.critical and "Connection refused" in str(probe.detail)


def test_cache_fails_when_the_cache_keeps_nothing(settings):
    assert result("cache").probe.ok
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    probe = result("cache").probe
    assert not probe.ok and probe.critical and "DummyCache" in str(probe.detail)


def test_worker_passes_after_a_beat_and_fails_three_minutes_later(monkeypatch, settings):
    assert settings.QLVB_WORKER_STALE_SECONDS == 180
    never = result("worker").probe
    assert not never.ok and not never.critical  # the job worker never started: a warning, not a 503

    heartbeat.call_local()
    assert Heartbeat.objects.count() == 1
    fresh = result("worker").probe
    assert fresh.ok and fresh.value is not None and fresh.value < 60

    beaten_at = Heartbeat.objects.get().at
    monkeypatch.setattr(timezone, "now", lambda: beaten_at + timedelta(minutes=2, seconds=59))
    assert result("worker").probe.ok
    monkeypatch.setattr(timezone, "now", lambda: beaten_at + timedelta(minutes=3, seconds=1))
    stale = result("worker").probe
    assert not stale.ok and not stale.critical and stale.value == pytest.approx(181)
    assert "3" in str(stale.detail)


def test_every_node_reads_the_newest_beat_of_any_worker(monkeypatch):
    from qlvb.ops.services import beat

    beat("node-1")
    later = timezone.now() + timedelta(minutes=10)
    monkeypatch.setattr(timezone, "now", lambda: later)
    beat("node-2")
    probe = result("worker").probe
    assert probe.ok and "node-2" in str(probe.detail)
    # A host silent for a day is forgotten by the next beat.
    monkeypatch.setattr(timezone, "now", lambda: later + timedelta(days=1, minutes=1))
    beat("node-2")
    assert list(Heartbeat.objects.values_list("host", flat=True)) == ["node-2"]


def test_storage_writes_reads_and_deletes_its_probe(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    probe = result("storage").probe
    assert probe.ok and "FileSystemStorage" in str(probe.detail)
    assert list((tmp_path / "files" / checks.PROBE_FOLDER).iterdir()) == []  # nothing left behind


def test_storage_fails_when_it_cannot_be_written(settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "files"  # even root cannot make a folder inside a file
    probe = result("storage").probe
    assert not probe.ok and probe.critical


def test_disk_warns_under_the_threshold(settings):
    settings.QLVB_MIN_FREE_DISK_MB = 0
    ok = result("disk").probe
    assert ok.ok and ok.value is not None and ok.value > 0
    settings.QLVB_MIN_FREE_DISK_MB = 1024 * 1024 * 1024  # an exabyte: no disk here has that free
    low = result("disk").probe
    assert not low.ok and not low.critical and str(settings.VAR_DIR) in str(low.detail)


def test_disk_looks_at_the_files_folder_only_when_files_are_on_disk(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    assert checks.local_folders() == [settings.VAR_DIR, tmp_path / "files"]
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": "b", "endpoint_url": "http://127.0.0.1:9"}}}
    assert checks.local_folders() == [settings.VAR_DIR]


def test_job_queue_counts_waiting_jobs_and_warns_over_the_limit(settings):
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    try:
        assert result("jobs").probe.value == 0
        heartbeat()  # a periodic task called is enqueued like any task
        probe = result("jobs").probe
        assert probe.ok and probe.value == 1
        settings.QLVB_JOB_QUEUE_WARN = 0
        over = result("jobs").probe
        assert not over.ok and not over.critical
    finally:
        HUEY.flush()


def test_a_check_that_raises_is_a_failed_check():
    @health.register("broken-for-the-test", label="broken")
    def broken() -> health.Probe:
        raise RuntimeError("boom")

    try:
        probe = result("broken-for-the-test").probe
        assert not probe.ok and "RuntimeError: boom" in str(probe.detail)
    finally:
        health._checks.pop("broken-for-the-test")


def test_the_worker_beats_every_minute_of_the_day():
    from datetime import datetime

    from huey.contrib.djhuey import HUEY

    for hour, minute in [(0, 0), (3, 17), (10, 59), (23, 31)]:
        due = HUEY.read_periodic(datetime(2026, 12, 7, hour, minute))
        assert heartbeat.task_class in [type(task) for task in due], (hour, minute)

"""The job worker's backups: taken and verified, kept by kind, failures told to the installation's
administrators by e-mail and on the page; the health check; the page and its button (404 for
anyone but an installation administrator)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from qlvb.backups import services, tasks
from qlvb.backups.checks import last_backup
from qlvb.backups.models import Backup
from qlvb.core.actor import Actor
from qlvb.core.models import Event

pytestmark = pytest.mark.slow


@pytest.fixture
def admins(org, root):
    root.email = "root@stttt.sonla.gov.vn"
    root.save(update_fields=["email"])
    return root


def test_the_nightly_backup_is_verified_and_the_oldest_beyond_retention_removed(installation, settings):
    settings.QLVB_BACKUP_DAILY_KEEP = 2
    settings.QLVB_BACKUP_WEEKLY_DAY = 6
    monday = dt.date(2026, 12, 7)
    first, second, third = (services.run_scheduled(monday) for _ in range(3))
    assert [b.kind for b in (first, second, third)] == [Backup.Kind.DAILY] * 3
    for backup in (first, second, third):
        backup.refresh_from_db()
        assert backup.status == Backup.Status.VERIFIED, backup.error
        assert backup.size_bytes and backup.seconds is not None and backup.verify_seconds is not None
    assert first.removed_at is not None and not __import__("os").path.exists(first.folder)
    assert second.removed_at is None and third.removed_at is None
    assert Event.objects.filter(verb="backup.verified").count() == 3
    # Sunday's is the weekly one, kept apart from the daily ones.
    weekly = services.run_scheduled(dt.date(2026, 12, 13))
    assert weekly.kind == Backup.Kind.WEEKLY and weekly.status == Backup.Status.VERIFIED
    assert last_backup().ok is True


def test_a_failed_backup_is_mailed_to_the_installation_administrators(installation, admins, settings, monkeypatch):
    assert last_backup().ok is False  # none yet: a warning
    settings.QLVB_BACKUP_PASSPHRASE = ""
    backup = services.run_scheduled(dt.date(2026, 12, 7))
    assert backup.status == Backup.Status.FAILED and "QLVB_BACKUP_PASSPHRASE" in backup.error
    assert [message.to for message in mail.outbox] == [["root@stttt.sonla.gov.vn"]]
    assert "QLVB_BACKUP_PASSPHRASE" in mail.outbox[0].body
    probe = last_backup()
    assert probe.ok is False and probe.critical is False and "QLVB_BACKUP_PASSPHRASE" in str(probe.detail)

    # Taken but not verified: a failure too.
    from qlvb.backups.tests.conftest import PASSPHRASE

    settings.QLVB_BACKUP_PASSPHRASE = PASSPHRASE
    real_verify = services.verify

    def damaged(folder, *, passphrase, say=None):
        result = real_verify(folder, passphrase=passphrase)
        result.problems.append("table core_event: 1 rows restored, 2 in the manifest")
        return result

    monkeypatch.setattr(services, "verify", damaged)
    backup = services.run_scheduled(dt.date(2026, 12, 8))
    assert backup.status == Backup.Status.FAILED and "core_event" in backup.error and backup.folder
    assert len(mail.outbox) == 2
    assert Event.objects.filter(verb="backup.failed").count() == 2


def test_a_verified_backup_older_than_a_day_is_late(installation, settings):
    from qlvb.core import health

    backup = services.run_scheduled(dt.date(2026, 12, 7))
    (result,) = health.run(["backup"])  # registered for the health page, endpoint and metrics
    assert result.probe.ok is True and result.probe.critical is False
    assert backup.verified_at is not None
    Backup.objects.filter(pk=backup.pk).update(verified_at=backup.verified_at - dt.timedelta(hours=30))
    probe = last_backup()
    assert probe.ok is False and probe.critical is False and probe.value and probe.value > 26 * 3600


def test_the_page_is_for_installation_administrators_only(installation, org, root, login):
    for person in (org.admin, org.clerk, org.head):
        client = login(person)
        assert client.get("/backups/").status_code == 404
        assert client.post("/backups/take/").status_code == 404
    assert not Backup.objects.exists()
    response = login(root).get("/backups/")
    assert response.status_code == 200
    assert "Sao lưu" in response.content.decode()
    # The menu shows where the administrator is.
    assert 'class="nav-link active" href="/backups/"' in response.content.decode()


def test_the_button_queues_one_backup_that_the_worker_takes(installation, root, login):
    client = login(root)
    response = client.post("/backups/take/", follow=True)
    (backup,) = Backup.objects.all()
    assert backup.status == Backup.Status.QUEUED and backup.requested_by == root
    assert Event.objects.filter(verb="backup.requested", actor=root).exists()
    # A second press while it waits queues nothing more.
    response = client.post("/backups/take/", follow=True)
    assert Backup.objects.count() == 1 and "đang chờ hoặc đang chạy" in response.content.decode()
    tasks.run_requested_backup.call_local(backup.pk)
    backup.refresh_from_db()
    assert backup.status == Backup.Status.VERIFIED, backup.error
    page = client.get("/backups/").content.decode()
    assert f'data-backup="{backup.pk}" data-status="verified"' in page


def test_only_installation_administrators_may_request(installation, org):
    from qlvb.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.request(by=Actor(org.admin))


def test_the_nightly_backup_runs_at_the_local_time_set():
    # QLVB_BACKUP_AT=01:30 in Asia/Ho_Chi_Minh; the worker's clock is UTC.
    assert tasks.worker_clock("01:30") == (18, 30)
    assert tasks.nightly_backup.task_class().validate_datetime(dt.datetime(2026, 12, 6, 18, 30))
    assert not tasks.nightly_backup.task_class().validate_datetime(dt.datetime(2026, 12, 6, 1, 30))


def test_a_backup_the_worker_never_finished_does_not_block_the_button(installation, root):
    from django.utils import timezone

    stuck = Backup.objects.create(kind=Backup.Kind.MANUAL, status=Backup.Status.RUNNING)
    with pytest.raises(Exception, match="đang chờ hoặc đang chạy"):
        services.request(by=Actor(root))
    Backup.objects.filter(pk=stuck.pk).update(requested_at=timezone.now() - dt.timedelta(hours=13))
    queued = services.request(by=Actor(root))
    stuck.refresh_from_db()
    assert stuck.status == Backup.Status.FAILED and "gián đoạn" in stuck.error
    assert queued.status == Backup.Status.QUEUED

"""The installation administrator's backups page in a real browser: from the menu, the schedule,
the take-now button, the backup the worker took shown verified; an agency administrator has no
such page (404)."""

from __future__ import annotations

import pytest

from qlvb.backups import tasks
from qlvb.backups.models import Backup
from qlvb.core import anchors

from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def backup_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}
    settings.QLVB_CHECKPOINT_DIR = tmp_path / "checkpoints"
    settings.QLVB_BACKUP_DIR = tmp_path / "backups"
    settings.QLVB_BACKUP_PASSPHRASE = "mật-khẩu-sao-lưu-thử-trình-duyệt"
    return settings


def test_the_administrator_takes_a_backup_from_the_page(org, root, backup_settings, session, shot):
    anchors.write_checkpoint()
    page = session.new_page()
    sign_in(page, root)
    page.click("nav a[href='/backups/']")
    page.wait_for_selector("h1:has-text('Sao lưu')")
    assert "Hằng đêm lúc 01:30" in page.inner_text("main")
    assert page.locator("[data-no-passphrase]").count() == 0
    assert "Chưa có bản sao lưu nào." in page.inner_text("table[data-backups]")
    with page.expect_navigation():
        page.click("button:has-text('Sao lưu ngay')")
    assert "Đã xếp lịch sao lưu" in page.inner_text("main [role=alert]")
    (backup,) = Backup.objects.all()
    assert page.locator(f"tr[data-backup='{backup.pk}'][data-status='queued']").count() == 1
    assert page.locator("button:has-text('Sao lưu ngay')").is_disabled()
    shot(page, "queued")

    tasks.run_requested_backup.call_local(backup.pk)  # what the job worker does
    # The page follows the backup by itself.
    row = page.locator(f"tr[data-backup='{backup.pk}'][data-status='verified']")
    row.wait_for(timeout=15_000)
    assert "đã kiểm tra" in row.inner_text() and "Quản trị hệ thống" in row.inner_text()
    assert page.locator("button:has-text('Sao lưu ngay')").is_enabled()
    shot(page, "verified")


def test_a_failure_is_shown_and_agency_administrators_have_no_page(org, root, backup_settings, session):
    backup_settings.QLVB_BACKUP_PASSPHRASE = ""
    from qlvb.backups.services import run_scheduled

    run_scheduled()
    page = session.new_page()
    sign_in(page, root)
    page.goto("/backups/")
    assert "Lần sao lưu gần nhất thất bại." in page.inner_text("[data-backup-failed]")
    assert page.locator("[data-no-passphrase]").count() == 1

    other = session.new_page()
    sign_in(other, org.admin)
    assert other.locator("nav a[href='/backups/']").count() == 0
    response = other.goto("/backups/")
    assert response is not None and response.status == 404

"""Backup from and restore into a real S3-compatible store (SeaweedFS, started by the test), with
the key-encryption key coming from the environment, as in production."""

from __future__ import annotations

import json

import pytest

from qlvb.backups import services
from qlvb.backups.tests.conftest import PASSPHRASE, fill
from qlvb.backups.tests.installation import file_digests, table_digests
from tests.servers.seaweedfs import seaweedfs, weed_binary

pytestmark = [pytest.mark.slow, pytest.mark.skipif(weed_binary() is None, reason="SeaweedFS is not installed")]


def test_backup_from_s3_restores_into_another_s3_bucket(transactional_db, org, places, settings, tmp_path, fresh):
    with seaweedfs(tmp_path / "s3") as s3:
        settings.STORAGES = {**settings.STORAGES, "default": s3.storage_settings()}
        # Set in the environment in production: the backup keeps it, the restore says to set it.
        settings.QLVB_KEY_ENCRYPTION_KEY = "khoá-mã-hoá-khoá-riêng-của-bản-cài-đặt-thử"
        installation = fill(org, tmp_path)
        taken = services.take(installation.backups, passphrase=PASSPHRASE)
        assert not taken.problems
        assert taken.manifest["storage"]["backend"] == "storages.backends.s3.S3Storage"
        assert taken.manifest["keys"]["sources"]["QLVB_KEY_ENCRYPTION_KEY"] == "env"
        before_tables, before_files = table_digests(), file_digests()
        assert services.verify(taken.folder, passphrase=PASSPHRASE).ok

        bucket = s3.create_bucket()
        target = {**s3.environ(bucket), "QLVB_BACKUP_PASSPHRASE": PASSPHRASE}
        restore = fresh.manage("restore", str(taken.folder), "--noinput", extra=target)
        assert restore.returncode == 0, restore.stderr[-3000:]
        assert "QLVB_KEY_ENCRYPTION_KEY" in restore.stdout
        env_file = fresh.var_dir / "restored-keys.env"
        assert env_file.stat().st_mode & 0o077 == 0
        keys = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
        assert keys == {"QLVB_KEY_ENCRYPTION_KEY": settings.QLVB_KEY_ENCRYPTION_KEY}

        objects = s3.client().list_objects_v2(Bucket=bucket)["Contents"]
        assert sorted(item["Key"] for item in objects) == sorted(before_files)
        report = fresh.manage("shell", "-c", "from qlvb.backups.tests.installation import report; "
                              f"report({str(installation.pdf)!r}, {installation.certificate.pk})",
                              extra={**s3.environ(bucket), **keys})
        assert report.returncode == 0, report.stderr[-3000:]
        after = json.loads(report.stdout.strip().splitlines()[-1])
        assert after["tables"] == before_tables and after["files"] == before_files
        assert all(problems == [] for problems in after["chains"].values()) and after["signed"] is True

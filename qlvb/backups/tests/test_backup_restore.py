"""Backup → restore into a new, empty installation (its own process, database, files and
QLVB_VAR_DIR without the original key files): same rows in every table, byte-identical files, the
event chains verify, and a stored signing key still signs. Runs on SQLite and, in the suite's
PostgreSQL run, on PostgreSQL."""

from __future__ import annotations

import json
import shutil

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from qlvb.backups import services
from qlvb.backups.manifest import FILE_NAME as MANIFEST
from qlvb.backups.tests.conftest import PASSPHRASE
from qlvb.backups.tests.installation import file_digests, table_digests
from qlvb.files.models import StoredFile

pytestmark = pytest.mark.slow


def restored_report(fresh, installation) -> dict:
    process = fresh.manage("shell", "-c", "from qlvb.backups.tests.installation import report; "
                           f"report({str(installation.pdf)!r}, {installation.certificate.pk})")
    assert process.returncode == 0, process.stderr[-3000:]
    return json.loads(process.stdout.strip().splitlines()[-1])


def test_backup_restores_into_an_empty_installation_whole(installation, fresh):
    # A blob no row names (a crash mid-upload): not part of the backup.
    default_storage.save("blobs/00/00/orphan", __import__("io").BytesIO(b"left by a crash"))
    taken = services.take(installation.backups, passphrase=PASSPHRASE)
    assert not taken.problems
    before_tables, before_files = table_digests(), file_digests()
    assert len(before_files) >= 3 and taken.manifest["storage"]["files"] == len(before_files)

    # A new installation as `make serve` leaves it: migrated, nobody in it yet (the S3 test restores
    # into a database never migrated).
    migrate = fresh.manage("migrate", "-v0")
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    restore = fresh.manage("restore", str(taken.folder), "--noinput", extra={"QLVB_BACKUP_PASSPHRASE": PASSPHRASE})
    assert restore.returncode == 0, restore.stderr[-3000:]
    assert "secret_key" in restore.stdout and "event_key" in restore.stdout
    # The fresh installation's own keys were replaced by the backup's.
    from django.conf import settings

    assert (fresh.var_dir / "secret_key").read_text().strip() == settings.SECRET_KEY
    # The VAPID key with it: the browsers' push subscriptions in the database still work.
    assert (fresh.var_dir / "vapid_private_key").read_text().strip() == settings.QLVB_VAPID_PRIVATE_KEY

    after = restored_report(fresh, installation)
    assert after["tables"] == before_tables
    assert after["files"] == before_files
    assert not (fresh.var_dir / "files" / "blobs" / "00" / "00" / "orphan").exists()
    assert after["chains"] and all(problems == [] for problems in after["chains"].values()), after["chains"]
    assert after["chain_problems"] == [] and after["checkpoint_lines"] >= 1
    assert after["signed"] is True

    # Files are byte for byte what the storage held.
    for name in before_files:
        assert (fresh.var_dir / "files" / name).read_bytes() == default_storage.open(name, "rb").read()


def test_verify_backup_restores_into_scratch_and_finds_damage(installation):
    taken = services.take(installation.backups, passphrase=PASSPHRASE)
    result = services.verify(taken.folder, passphrase=PASSPHRASE)
    assert result.ok, result.problems
    assert result.rows == sum(taken.manifest["database"]["tables"].values())
    assert result.files == taken.manifest["storage"]["files"] and result.events > 0 and result.stored_keys >= 3
    assert json.loads((taken.folder / "verification.json").read_text())["ok"] is True

    # A file of the backup changed on its disk: the verification says which.
    entry = StoredFile.objects.order_by("pk")[0]
    damaged = taken.folder / "files" / entry.storage_name
    damaged.write_bytes(b"x" + damaged.read_bytes()[1:])
    result = services.verify(taken.folder, passphrase=PASSPHRASE)
    assert not result.ok and any(entry.storage_name in problem for problem in result.problems)


def test_a_backup_without_its_manifest_is_refused(installation, fresh):
    taken = services.take(installation.backups, passphrase=PASSPHRASE)
    half = taken.folder.with_name(taken.folder.name + "-half")
    shutil.copytree(taken.folder, half)
    (half / MANIFEST).unlink()
    with pytest.raises(services.BackupError) as refused:
        services.verify(half, passphrase=PASSPHRASE)
    assert refused.value.code == "incomplete"
    restore = fresh.manage("restore", str(half), "--noinput", extra={"QLVB_BACKUP_PASSPHRASE": PASSPHRASE})
    assert restore.returncode != 0 and "manifest.json" in restore.stderr
    assert not (fresh.var_dir / "files").exists()
    # The next backup never links to the half one.
    assert services.complete_backups(installation.backups) == [taken.folder]


def test_wrong_passphrase_is_said_plainly_and_changes_nothing(installation, fresh):
    taken = services.take(installation.backups, passphrase=PASSPHRASE)
    restore = fresh.manage("restore", str(taken.folder), "--noinput",
                           extra={"QLVB_BACKUP_PASSPHRASE": "một-mật-khẩu-khác-hẳn"})
    assert restore.returncode != 0
    assert "Sai mật khẩu" in restore.stderr and "Không có gì bị thay đổi" in restore.stderr
    assert not (fresh.var_dir / "files").exists()
    with pytest.raises(services.BackupError) as refused:
        services.verify(taken.folder, passphrase="một-mật-khẩu-khác-hẳn")
    assert refused.value.code == "wrong_passphrase"
    with pytest.raises(services.BackupError) as refused:
        services.take(installation.backups, passphrase="ngắn")
    assert refused.value.code == "short_passphrase"


def test_restore_into_an_installation_with_data_is_refused_and_changes_nothing(installation):
    taken = services.take(installation.backups, passphrase=PASSPHRASE)
    StoredFile.objects.order_by("-pk")[0].delete()  # the installation now differs from the backup
    tables, files = table_digests(), sorted(default_storage.listdir("blobs")[0])
    with pytest.raises(services.BackupError) as refused:
        services.restore(taken.folder, passphrase=PASSPHRASE)
    assert refused.value.code == "not_empty"
    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command("restore", str(taken.folder), "--noinput")
    assert table_digests() == tables
    assert sorted(default_storage.listdir("blobs")[0]) == files


def test_the_backup_command_takes_and_verifies_into_the_folder_given(installation, tmp_path, capsys):
    call_command("backup", str(tmp_path / "elsewhere"), "--verify")
    out = capsys.readouterr().out
    assert "verified: OK" in out
    (folder,) = services.complete_backups(tmp_path / "elsewhere")
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["database"]["tables"]["org_person"] == 7
    assert manifest["event_chains"] and manifest["keys"]["sources"]["SECRET_KEY"] == "file"
    call_command("verify_backup", str(folder))
    assert "Backup verified." in capsys.readouterr().out

"""A backup is consistent while people keep working: what they change after the snapshot is not
half in it. Writes are made at the worst moments — between the snapshot and the copy of the
files, and (PostgreSQL) between the exported snapshot and pg_dump — and the backup still verifies:
row counts, files and event chains all describe one instant."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from qlvb.backups import blobs, database, services
from qlvb.backups.tests.conftest import PASSPHRASE
from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.files.models import StoredFile
from qlvb.files.services import store_bytes
from qlvb.org import services as org_services

pytestmark = pytest.mark.slow


def test_work_after_the_snapshot_is_not_half_in_the_backup(installation, org, root, monkeypatch):
    def people_keep_working() -> None:
        store_bytes(os.urandom(5000), name="den-sau.bin")
        org_services.create_unit(by=Actor(root), agency=org.agency, name="Phòng Mới", abbreviation=f"PM{os.getpid()}")

    real_export = blobs.export

    def export_while_working(*args, **kwargs):
        people_keep_working()
        return real_export(*args, **kwargs)

    monkeypatch.setattr(blobs, "export", export_while_working)
    if connection.vendor == "postgresql":
        real_run = database._run

        def dump_while_working(args, env):
            if "pg_dump" in args[0]:
                people_keep_working()  # committed after the snapshot was exported, before pg_dump reads it
            real_run(args, env)

        monkeypatch.setattr(database, "_run", dump_while_working)
    files_before, events_before = StoredFile.objects.count(), Event.objects.count()

    taken = services.take(installation.backups, passphrase=PASSPHRASE)

    assert taken.manifest["storage"]["files"] == files_before
    assert taken.manifest["database"]["tables"]["core_event"] == events_before
    assert StoredFile.objects.count() > files_before and Event.objects.count() > events_before
    result = services.verify(taken.folder, passphrase=PASSPHRASE)
    assert result.ok, result.problems

"""An installation worth backing up: the test province with the demo PKI (signing keys stored
encrypted), stored files, signed events and a checkpoint of the chains outside the database;
files, checkpoints and backups in pytest's tmp_path."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from qlvb.backups.services import CLEARED
from qlvb.core import anchors
from qlvb.signatures.demo import create_demo_pki_for
from qlvb.signatures.models import Certificate
from qlvb.signatures.tests.conftest import DOCUMENT_HTML, make_pdf

PASSPHRASE = "đúng-mật-khẩu-sao-lưu-2026"
BASE_DIR = Path(django_settings.BASE_DIR)


@dataclass
class Installation:
    backups: Path
    certificate: Certificate
    pdf: Path


@pytest.fixture
def places(settings, tmp_path):
    settings.QLVB_CHECKPOINT_DIR = tmp_path / "checkpoints"
    settings.QLVB_BACKUP_DIR = tmp_path / "backups"
    settings.QLVB_BACKUP_PASSPHRASE = PASSPHRASE


def fill(org, tmp_path: Path) -> Installation:
    from qlvb.files.services import store_bytes

    create_demo_pki_for(org.agency)
    store_bytes(make_pdf(DOCUMENT_HTML), name="quyet-dinh.pdf")
    store_bytes(os.urandom(300_000), name="phu-luc.bin")
    anchors.write_checkpoint()
    from qlvb.core.actor import Actor
    from qlvb.org import services as org_services
    from qlvb.org.models import Person

    # Events after the last checkpoint too: the restored log must still verify against it.
    org_services.create_unit(by=Actor(Person.objects.get(username="root")), agency=org.agency,
                             name="Phòng Sau Mốc", abbreviation="PSM")
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(make_pdf(DOCUMENT_HTML))
    return Installation(backups=Path(django_settings.QLVB_BACKUP_DIR),
                        certificate=Certificate.objects.get(person=org.head), pdf=pdf)


@pytest.fixture
def installation(transactional_db, org, local_storage, places, tmp_path) -> Installation:
    return fill(org, tmp_path)


# --- A fresh installation in processes of its own ------------------------------------------------

@dataclass
class Fresh:
    env: dict[str, str]
    var_dir: Path

    def manage(self, *args: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], env={**self.env, **(extra or {})},
                              cwd=BASE_DIR, capture_output=True, text=True, timeout=600)


def _pg(name: str) -> str:
    db = connection.settings_dict
    auth = f"{db['USER']}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{db['USER']}@" if db.get("USER") else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


@pytest.fixture
def fresh(tmp_path) -> Iterator[Fresh]:
    """A new installation (own QLVB_VAR_DIR, own database on the suite's database server, own
    files) that has never run: no key files, no tables."""
    var_dir = tmp_path / "fresh" / "var"
    var_dir.mkdir(parents=True)
    env = {name: value for name, value in os.environ.items() if name not in CLEARED}
    env.update({"QLVB_VAR_DIR": str(var_dir), "MEDIA_ROOT": str(var_dir / "files"), "TESTING": "0",
                "DJANGO_SETTINGS_MODULE": "qlvb.settings"})
    name = None
    if connection.vendor == "postgresql":
        from qlvb.backups.database import _psycopg

        name = f"qlvb_restore_{uuid.uuid4().hex[:10]}"
        with _psycopg(connection.settings_dict, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = _pg(name)
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'fresh' / 'qlvb.sqlite3'}"
    yield Fresh(env=env, var_dir=var_dir)
    if name:
        from qlvb.backups.database import _psycopg

        with _psycopg(connection.settings_dict, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

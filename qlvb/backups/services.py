"""Taking, restoring and verifying backups of the installation; the nightly schedule with its
retention; telling the installation's administrators when a backup fails.

A backup is a folder inside ``settings.QLVB_BACKUP_DIR`` (or the folder given), named for when and
which kind, holding:

- ``keys.enc``: the keys, encrypted with the backup passphrase (backups.keys);
- ``checkpoints/``: the signed checkpoints of the event log, copied first (backups.checkpoints);
- ``database.sqlite3`` or ``database.pgdump``: the snapshot (backups.database);
- ``files/`` and ``files.jsonl``: every stored file the snapshot names, with its digest (backups.blobs);
- ``manifest.json``, written last: row counts per table, the heads of the event chains, timings.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qlvb.backups import blobs, checkpoints, database, keys, manifest
from qlvb.backups.models import Backup
from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.org import permissions
from qlvb.org.models import Person

logger = logging.getLogger(__name__)
Say = Callable[[str], None]
LOCK_NAME = ".backup.lock"


class BackupError(Exception):
    """What went wrong, said for the administrator; nothing was changed unless it says so."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


def root() -> Path:
    return Path(settings.QLVB_BACKUP_DIR)


def _version() -> str:
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, ValueError):
        return "unknown"


def check_passphrase(passphrase: str) -> None:
    if len(passphrase or "") < keys.MIN_PASSPHRASE:
        raise BackupError(_("The backup passphrase must have at least %(n)s characters.") % {"n": keys.MIN_PASSPHRASE},
                          code="short_passphrase")


def _quiet(_message: str) -> None:
    pass


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def complete_backups(where: Path) -> list[Path]:
    """The finished backups in ``where``, oldest first (names start with their time)."""
    if not where.is_dir():
        return []
    return sorted(path for path in where.iterdir()
                  if path.is_dir() and not path.name.startswith(".") and manifest.is_complete(path))


@contextlib.contextmanager
def _lock(where: Path) -> Iterator[None]:
    with (where / LOCK_NAME).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(_("Another backup is being taken into %(folder)s; try again when it has finished.")
                              % {"folder": where}, code="busy") from None
        yield


def _new_folder(where: Path, kind: str) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    for attempt in range(100):
        folder = where / (f"{stamp}-{kind}" if not attempt else f"{stamp}-{kind}-{attempt}")
        try:
            folder.mkdir(mode=0o700)
            return folder
        except FileExistsError:
            continue
    raise BackupError(f"cannot make a new folder in {where}")


# --- Taking a backup --------------------------------------------------------------------------

@dataclass
class Taken:
    folder: Path
    manifest: dict[str, Any]
    problems: list[str]
    size: int
    seconds: float


def take(where: Path | None = None, *, kind: str = Backup.Kind.MANUAL, passphrase: str, say: Say = _quiet) -> Taken:
    """Take a backup into a new folder inside ``where`` while people keep working."""
    check_passphrase(passphrase)
    where = Path(where or root()).resolve()
    where.mkdir(parents=True, exist_ok=True)
    with _lock(where):
        finished = complete_backups(where)
        previous = finished[-1] if finished else None
        folder = _new_folder(where, kind)
        started = time.monotonic()
        found = keys.collect()
        sealed = folder / keys.FILE_NAME
        descriptor = os.open(sealed, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(keys.seal(found, passphrase))
        checkpoint_files = checkpoints.export(folder)
        say(f"keys and event checkpoints: {folder}")
        at_snapshot = timezone.now()
        snapshot_started = time.monotonic()
        snapshot = database.dump(folder)
        database_seconds = time.monotonic() - snapshot_started
        say(f"database ({snapshot.vendor}): {sum(snapshot.tables.values())} rows in {len(snapshot.tables)} tables, "
            f"{database_seconds:.1f} s")
        files_started = time.monotonic()
        entries, problems = blobs.export(default_storage, snapshot.files, folder, previous)
        files_seconds = time.monotonic() - files_started
        say(f"files: {len(entries)} ({sum(e.size for e in entries)} bytes), {files_seconds:.1f} s")
        db_digest, db_size = blobs.digest_of(folder / snapshot.file)
        list_digest, _size = blobs.digest_of(folder / blobs.LIST_NAME)
        data = {
            "qlvb_version": _version(),
            "kind": str(kind),
            "created_at": at_snapshot.isoformat(),
            "database": {"vendor": snapshot.vendor, "file": snapshot.file, "sha256": db_digest, "size": db_size,
                         "tables": snapshot.tables},
            "storage": {"backend": settings.STORAGES["default"]["BACKEND"], "files": len(entries),
                        "bytes": sum(entry.size for entry in entries), "list": blobs.LIST_NAME,
                        "list_sha256": list_digest},
            "checkpoints": checkpoint_files,
            "keys": {"file": keys.FILE_NAME, "sources": {name: item["source"] for name, item in found.items()}},
            "event_chains": snapshot.heads,
            "problems": problems,
            "timings": {"database_seconds": round(database_seconds, 3), "files_seconds": round(files_seconds, 3),
                        "total_seconds": round(time.monotonic() - started, 3)},
        }
        manifest.write(folder, data)
        return Taken(folder=folder, manifest=data, problems=problems, size=folder_size(folder),
                     seconds=time.monotonic() - started)


# --- Reading one back -------------------------------------------------------------------------

@dataclass
class Opened:
    folder: Path
    manifest: dict[str, Any]
    entries: list[blobs.Entry]
    keys: dict[str, dict[str, Any]]


def open_backup(folder: Path, passphrase: str) -> Opened:
    """Check that ``folder`` is a whole backup and open its keys; raise BackupError if not."""
    folder = Path(folder)
    try:
        data = manifest.read(folder)
    except manifest.IncompleteBackup as error:
        raise BackupError(_("Not a complete backup: %(reason)s") % {"reason": error}, code="incomplete") from None
    storage = data["storage"]
    try:
        if blobs.digest_of(folder / storage["list"])[0] != storage["list_sha256"]:
            raise BackupError(_("The list of files of the backup %(folder)s was changed or damaged.")
                              % {"folder": folder},
                              code="damaged")
        entries = blobs.read_list(folder)
    except FileNotFoundError:
        raise BackupError(_("The backup %(folder)s has lost its list of files.") % {"folder": folder},
                          code="incomplete") from None
    try:
        found = keys.read(folder, passphrase)
    except FileNotFoundError:
        raise BackupError(_("The backup %(folder)s has lost its key file (keys.enc).") % {"folder": folder},
                          code="incomplete") from None
    except keys.WrongPassphrase:
        raise BackupError(_("Wrong passphrase: it does not open the keys of this backup. Nothing was changed."),
                          code="wrong_passphrase") from None
    return Opened(folder=folder, manifest=data, entries=entries, keys=found)


# --- Restoring --------------------------------------------------------------------------------

@dataclass
class Restored:
    folder: Path
    tables: int
    rows: int
    files: int
    installed: keys.Installed
    problems: list[str] = field(default_factory=list)


def restore(folder: Path, *, passphrase: str, say: Say = _quiet) -> Restored:
    """Restore the backup in ``folder`` into this installation, which must be empty (a new
    database and storage): the database, the stored files, the event checkpoints and the keys."""
    opened = open_backup(folder, passphrase)
    data = opened.manifest
    vendor = data["database"]["vendor"]
    if connection.vendor != vendor:
        raise BackupError(_("The backup holds a %(backup)s database and this installation uses %(here)s: restore it "
                            "into an installation on %(backup)s. Nothing was changed.")
                          % {"backup": vendor, "here": connection.vendor}, code="vendor")
    if blobs.digest_of(opened.folder / data["database"]["file"])[0] != data["database"]["sha256"]:
        raise BackupError(_("The database file of the backup is damaged (its digest does not match). "
                            "Nothing was changed."), code="damaged")
    present = database.rows_present()
    if present:
        raise BackupError(_("This installation already holds data (%(tables)s): a backup is restored only into an "
                            "empty installation (a new database and storage). Nothing was changed.")
                          % {"tables": ", ".join(present[:8]) + ("…" if len(present) > 8 else "")}, code="not_empty")
    if checkpoints.present():
        raise BackupError(_("This installation already has event checkpoints in %(folder)s: restore into a new "
                            "installation. Nothing was changed.") % {"folder": settings.QLVB_CHECKPOINT_DIR},
                          code="not_empty")
    database.restore(opened.folder, vendor, data["database"]["file"])
    say(f"database restored ({vendor})")
    problems = blobs.restore(default_storage, opened.folder, opened.entries)
    say(f"files restored: {len(opened.entries) - len(problems)} of {len(opened.entries)}")
    checkpoints.restore(opened.folder)
    installed = keys.install(opened.keys, Path(settings.VAR_DIR))
    tables = data["database"]["tables"]
    return Restored(folder=opened.folder, tables=len(tables), rows=sum(tables.values()), files=len(opened.entries),
                    installed=installed, problems=problems)


# --- Verifying --------------------------------------------------------------------------------

@dataclass
class Verification:
    folder: Path
    problems: list[str] = field(default_factory=list)
    tables: int = 0
    rows: int = 0
    files: int = 0
    chains: int = 0
    events: int = 0
    stored_keys: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": self.problems, "tables": self.tables, "rows": self.rows,
                "files": self.files, "chains": self.chains, "events": self.events,
                "stored_keys": self.stored_keys, "seconds": round(self.seconds, 3),
                "at": timezone.now().isoformat()}


CLEARED = ("DATABASE_URL", "QLVB_VAR_DIR", "MEDIA_ROOT", "QLVB_CHECKPOINT_DIR", "REDIS_URL", "S3_BUCKET",
           "S3_ENDPOINT_URL", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_REGION", "SECRET_KEY",
           "PYTEST_XDIST_WORKER", "TESTING", "DJANGO_SETTINGS_MODULE", *keys.FILE_KEYS, *keys.ENV_ONLY)


def installation_environment(*, database_url: str, var_dir: Path, found: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The environment of a QLVB process that runs on a scratch copy with the backup's keys."""
    env = {name: value for name, value in os.environ.items() if name not in CLEARED}
    env.update(keys.as_environment(found))
    env.update({"DATABASE_URL": database_url, "QLVB_VAR_DIR": str(var_dir), "MEDIA_ROOT": str(var_dir / "files"),
                "QLVB_CHECKPOINT_DIR": str(var_dir / "checkpoints"), "DJANGO_SETTINGS_MODULE": "qlvb.settings"})
    return env


def _scratch_place(folder: Path) -> Path:
    # Beside the backup (its disk has room for it), else the system's temporary folder.
    return folder.parent if os.access(folder.parent, os.W_OK) else Path(tempfile.gettempdir())


@contextlib.contextmanager
def _scratch_database(opened: Opened, scratch: Path) -> Iterator[tuple[str, dict[str, int]]]:
    info = opened.manifest["database"]
    source = opened.folder / info["file"]
    if info["vendor"] == "sqlite":
        path = scratch / "database.sqlite3"
        database.restore_sqlite(source, path)
        yield f"sqlite:///{path}", database.counts_of_sqlite(path)
        return
    if connection.vendor != "postgresql":
        raise BackupError(_("A PostgreSQL backup is verified on an installation that uses PostgreSQL."), code="vendor")
    with database.scratch_postgresql() as (db, name):
        database.restore_postgresql(source, db, name)
        yield database.url_of_postgresql(db, name), database.counts_of_postgresql(db, name)


def verify(folder: Path, *, passphrase: str, say: Say = _quiet) -> Verification:
    """Restore the backup into a scratch database and a scratch storage (a temporary folder) and
    check it: row counts against the manifest, every file against its digest, the event chains
    (signatures and checkpoints) with the backup's event key, and that the stored signing keys
    open with the backup's keys. The result is also written into the backup's folder."""
    started = time.monotonic()
    opened = open_backup(folder, passphrase)
    result = Verification(folder=opened.folder)
    data = opened.manifest
    result.problems.extend(f"when taken: {problem}" for problem in data.get("problems", []))
    if blobs.digest_of(opened.folder / data["database"]["file"])[0] != data["database"]["sha256"]:
        result.problems.append("the database file does not match its digest (damaged)")
    with tempfile.TemporaryDirectory(prefix=".verify-", dir=_scratch_place(opened.folder)) as name:
        scratch = Path(name)
        (scratch / "var").mkdir()
        with _scratch_database(opened, scratch) as (url, counts):
            expected = data["database"]["tables"]
            for table in sorted(set(expected) | set(counts)):
                if expected.get(table) != counts.get(table):
                    result.problems.append(f"table {table}: {counts.get(table)} rows restored, "
                                           f"{expected.get(table)} in the manifest")
            result.tables, result.rows = len(counts), sum(counts.values())
            say(f"database: {result.rows} rows in {result.tables} tables")
            storage = FileSystemStorage(location=str(scratch / "var" / "files"))
            result.problems.extend(blobs.restore(storage, opened.folder, opened.entries))
            if len(opened.entries) != data["storage"]["files"]:
                result.problems.append(
                    f"{len(opened.entries)} files listed, {data['storage']['files']} in the manifest")
            result.files = len(opened.entries)
            say(f"files: {result.files} checked")
            checkpoints.restore(opened.folder, scratch / "var" / "checkpoints")
            _check_restored(url, scratch / "var", opened, result)
    result.seconds = time.monotonic() - started
    (opened.folder / "verification.json").write_text(json.dumps(result.as_dict(), indent=1))
    return result


def _check_restored(url: str, var_dir: Path, opened: Opened, result: Verification) -> None:
    """`manage.py check_restored` in a process of its own, on the scratch copy, with the backup's
    keys in its environment: what it finds is what a restored installation would find."""
    env = installation_environment(database_url=url, var_dir=var_dir, found=opened.keys)
    process = subprocess.run([sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "check_restored"],  # noqa: S603
                             env=env, capture_output=True, text=True, check=False, cwd=settings.BASE_DIR)
    try:
        report = json.loads(process.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        result.problems.append(f"the check of the restored copy failed: {process.stderr.strip()[-1500:]}")
        return
    result.problems.extend(report["problems"])
    result.chains, result.events, result.stored_keys = report["chains"], report["events"], report["stored_keys"]
    heads = {chain: list(head) for chain, head in report["heads"].items()}
    if heads != opened.manifest["event_chains"]:
        result.problems.append("the heads of the restored event chains differ from the manifest")


# --- Schedule, retention, the page's button ----------------------------------------------------

# A backup left queued or running this long was interrupted (the worker stopped, or the row came
# back with a restored database): it no longer blocks the button.
STALE_AFTER = dt.timedelta(hours=12)


def clear_stale() -> int:
    cutoff = timezone.now() - STALE_AFTER
    return Backup.objects.filter(status__in=[Backup.Status.QUEUED, Backup.Status.RUNNING],
                                 requested_at__lt=cutoff).update(
        status=Backup.Status.FAILED, finished_at=timezone.now(),
        error=_("Interrupted: the job worker stopped before the backup finished."))


def request(*, by: Actor) -> Backup:
    """The installation administrator asks for a backup now; the job worker takes it."""
    if not permissions.is_installation_admin(by.person):
        raise NotAllowed()
    clear_stale()
    if Backup.objects.filter(status__in=[Backup.Status.QUEUED, Backup.Status.RUNNING]).exists():
        raise ValidationError(_("A backup is already queued or running; wait for it to finish."), code="busy")
    with transaction.atomic():
        backup = Backup.objects.create(kind=Backup.Kind.MANUAL, requested_by=by.person)
        events.record(verb="backup.requested", actor=by, target=backup, data={"kind": backup.kind})
        pk = backup.pk
        transaction.on_commit(lambda: _enqueue(pk))
    return backup


def _enqueue(pk: int) -> None:
    from qlvb.backups.tasks import run_requested_backup

    run_requested_backup(pk)


def run(backup: Backup, *, passphrase: str | None = None) -> Backup:
    """Take the backup, verify it, apply the retention of its kind; on failure tell the
    administrators. Never raises: what happened is on the row."""
    passphrase = settings.QLVB_BACKUP_PASSPHRASE if passphrase is None else passphrase
    backup.status, backup.started_at, backup.error = Backup.Status.RUNNING, timezone.now(), ""
    backup.save(update_fields=["status", "started_at", "error"])
    try:
        if not passphrase:
            raise BackupError(_("QLVB_BACKUP_PASSPHRASE is not set: the job worker cannot encrypt the keys, so no "
                                "backup is taken. Set it in the worker's environment (and keep it elsewhere too)."),
                              code="no_passphrase")
        taken = take(kind=backup.kind, passphrase=passphrase)
        # Still "running" while it is verified: the page keeps following it.
        backup.folder, backup.size_bytes, backup.seconds = str(taken.folder), taken.size, taken.seconds
        backup.finished_at = timezone.now()
        backup.save(update_fields=["folder", "size_bytes", "seconds", "finished_at"])
        verification = verify(taken.folder, passphrase=passphrase)
        backup.verify_seconds = verification.seconds
        if not verification.ok:
            raise BackupError(_("Verification failed: %(problems)s")
                              % {"problems": "; ".join(verification.problems[:10])},
                              code="verification")
        backup.status, backup.verified_at = Backup.Status.VERIFIED, timezone.now()
        backup.save(update_fields=["status", "verified_at", "verify_seconds"])
        events.record(verb="backup.verified", target=backup, data={"kind": backup.kind, "size": backup.size_bytes})
        prune(backup.kind)
    except Exception as error:
        logger.exception("Backup %s failed", backup.pk)
        backup.status, backup.finished_at = Backup.Status.FAILED, backup.finished_at or timezone.now()
        backup.error = str(error) if isinstance(error, BackupError) else f"{type(error).__name__}: {error}"
        backup.save(update_fields=["status", "finished_at", "error", "verify_seconds"])
        events.record(verb="backup.failed", target=backup, data={"kind": backup.kind, "error": backup.error[:500]})
        notify_failure(backup)
    return backup


def run_scheduled(today: Any = None) -> Backup:
    today = today or timezone.localdate()
    clear_stale()
    kind = Backup.Kind.WEEKLY if today.weekday() == settings.QLVB_BACKUP_WEEKLY_DAY else Backup.Kind.DAILY
    return run(Backup.objects.create(kind=kind))


def keep_for(kind: str) -> int:
    keep: dict[str, int] = {Backup.Kind.DAILY: settings.QLVB_BACKUP_DAILY_KEEP,
                            Backup.Kind.WEEKLY: settings.QLVB_BACKUP_WEEKLY_KEEP}
    return keep.get(kind, 0)


def prune(kind: str) -> list[Backup]:
    """Keep the newest verified backups of a scheduled kind; remove the folders of the older ones
    (and of failed ones older than the oldest kept). Manual backups are never removed."""
    keep = keep_for(kind)
    if keep < 1:
        return []
    candidates = list(Backup.objects.filter(kind=kind, removed_at__isnull=True)
                      .exclude(status__in=[Backup.Status.QUEUED, Backup.Status.RUNNING]).order_by("-requested_at"))
    verified = [backup for backup in candidates if backup.status == Backup.Status.VERIFIED]
    if len(verified) <= keep:
        return []
    oldest_kept = verified[keep - 1]
    removed = []
    for backup in candidates:
        if backup.requested_at >= oldest_kept.requested_at:
            continue
        folder = Path(backup.folder) if backup.folder else None
        if folder and folder.is_dir() and folder.resolve().parent == root().resolve():
            shutil.rmtree(folder)
        backup.removed_at = timezone.now()
        backup.save(update_fields=["removed_at"])
        removed.append(backup)
    return removed


def notify_failure(backup: Backup) -> int:
    """E-mail every active installation administrator that a backup failed."""
    recipients = list(Person.objects.filter(is_superuser=True, is_active=True).exclude(email="")
                      .values_list("email", flat=True))
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[QLVB] Backup failed: %(name)s") % {"name": backup}
        body = _("The %(kind)s backup requested at %(at)s failed.\n\n%(error)s\n\nSee the backups page of QLVB.") % {
            "kind": backup.get_kind_display(), "at": timezone.localtime(backup.requested_at).strftime("%d/%m/%Y %H:%M"),
            "error": backup.error}
    try:
        return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:  # mail down: the failure is still on the page and in the health check
        logger.exception("Could not mail the administrators about backup %s", backup.pk)
        return 0

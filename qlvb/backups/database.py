"""The database part of a backup: a consistent snapshot taken while people keep working, what it
holds (row counts, the stored files it names, the heads of the event chains), and its restoration.

SQLite: the online backup API (``sqlite3.Connection.backup``) in one step, a read transaction of
its own: writers go on (WAL) and the copy is the database as of one instant.
PostgreSQL: ``pg_dump -Fc`` run on a snapshot exported by a REPEATABLE READ transaction, which also
reads the counts and the file list: dump and manifest describe the same instant.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.db import connections

SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"


class DatabaseError(Exception):
    pass


@dataclass
class Snapshot:
    vendor: str
    file: str
    tables: dict[str, int] = field(default_factory=dict)
    files: list[tuple[str, str, int]] = field(default_factory=list)  # storage name, sha256, size
    heads: dict[str, list[Any]] = field(default_factory=dict)


def _model_table(label: str) -> str:
    return apps.get_model(label)._meta.db_table


def _read(cursor: Any, vendor: str, snapshot: Snapshot) -> None:
    snapshot.tables = table_counts(cursor, vendor)
    files = _model_table("files.StoredFile")
    if files in snapshot.tables:
        cursor.execute(f'SELECT storage_name, sha256, size FROM "{files}" ORDER BY storage_name')  # noqa: S608
        snapshot.files = [(name, digest, int(size)) for name, digest, size in cursor.fetchall()]
    heads = _model_table("core.ChainHead")
    if heads in snapshot.tables:
        cursor.execute(f'SELECT chain, last_seq, last_hash FROM "{heads}" ORDER BY chain')  # noqa: S608
        snapshot.heads = {chain: [int(seq), digest] for chain, seq, digest in cursor.fetchall()}


def table_counts(cursor: Any, vendor: str) -> dict[str, int]:
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    else:
        cursor.execute("SELECT table_name FROM information_schema.tables "
                       "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")
    counts = {}
    for (name,) in sorted(cursor.fetchall()):
        cursor.execute(f'SELECT count(*) FROM "{name}"')  # noqa: S608 (names from the catalogue)
        counts[name] = int(cursor.fetchone()[0])
    return counts


# --- Taking -----------------------------------------------------------------------------------

def dump(folder: Path, alias: str = "default") -> Snapshot:
    connection = connections[alias]
    if connection.vendor == "sqlite":
        return _dump_sqlite(folder, alias)
    if connection.vendor == "postgresql":
        return _dump_postgresql(folder, alias)
    raise DatabaseError(f"cannot back up a {connection.vendor} database")


def _dump_sqlite(folder: Path, alias: str) -> Snapshot:
    connection = connections[alias]
    connection.ensure_connection()
    path = folder / SQLITE_FILE
    target = sqlite3.connect(path)
    try:
        # pages=-1: the whole database in one step, so one read transaction sees it all.
        connection.connection.backup(target, pages=-1)
        # The copy is a plain file: no -wal/-shm beside it when it is read (or copied away).
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
    snapshot = Snapshot(vendor="sqlite", file=SQLITE_FILE)
    copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        _read(copy.cursor(), "sqlite", snapshot)
    finally:
        copy.close()
    return snapshot


def _pg_settings(alias: str) -> dict[str, Any]:
    return dict(connections[alias].settings_dict)


def pg_environment(db: dict[str, Any], name: str | None = None) -> dict[str, str]:
    """libpq's variables for pg_dump / pg_restore / psycopg, from Django's settings of a database."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    pairs = {"PGHOST": db.get("HOST"), "PGPORT": db.get("PORT"), "PGUSER": db.get("USER"),
             "PGPASSWORD": db.get("PASSWORD"), "PGDATABASE": name or db.get("NAME"),
             "PGSSLMODE": (db.get("OPTIONS") or {}).get("sslmode")}
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def _psycopg(db: dict[str, Any], name: str | None = None, **kwargs: Any) -> Any:
    import psycopg
    from psycopg.conninfo import make_conninfo

    params = {"dbname": name or db.get("NAME"), "host": db.get("HOST"), "port": db.get("PORT"),
              "user": db.get("USER"), "password": db.get("PASSWORD")}
    return psycopg.connect(make_conninfo(**{key: str(value) for key, value in params.items() if value}), **kwargs)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise DatabaseError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode:
        raise DatabaseError(f"{Path(args[0]).name} failed: {result.stderr.strip()[-2000:]}")


def _dump_postgresql(folder: Path, alias: str) -> Snapshot:
    db = _pg_settings(alias)
    path = folder / PG_FILE
    snapshot = Snapshot(vendor="postgresql", file=PG_FILE)
    with _psycopg(db, autocommit=True) as holder:
        holder.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor = holder.cursor()
        cursor.execute("SELECT pg_export_snapshot()")
        exported = cursor.fetchone()[0]
        # The transaction stays open while pg_dump reads its snapshot, then reads the counts and
        # the file list in the very same snapshot.
        _run([_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", f"--snapshot={exported}",
              "-f", str(path)], pg_environment(db))
        _read(cursor, "postgresql", snapshot)
        holder.execute("COMMIT")
    return snapshot


# --- Is the target empty? -----------------------------------------------------------------------

def rows_present(alias: str = "default") -> list[str]:
    """The tables of QLVB's own models that hold rows (an empty installation has none: a fresh
    one, migrated or not). Django's own tables (content types, permissions) are filled by migrate."""
    connection = connections[alias]
    existing = set(connection.introspection.table_names())
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            if not model.__module__.startswith("qlvb.") or table not in existing:
                continue
            cursor.execute(f'SELECT 1 FROM "{table}" LIMIT 1')  # noqa: S608
            if cursor.fetchone():
                found.append(table)
    return sorted(set(found))


# --- Restoring --------------------------------------------------------------------------------

def restore(folder: Path, vendor: str, file: str, alias: str = "default") -> None:
    """Replace the (empty) database ``alias`` with the backup's. The caller has checked it is empty."""
    connection = connections[alias]
    if connection.vendor != vendor:
        raise DatabaseError(f"the backup holds a {vendor} database and this installation uses {connection.vendor}: "
                            "restore it into an installation on the same database")
    db = _pg_settings(alias)
    connections.close_all()
    if vendor == "sqlite":
        restore_sqlite(folder / file, Path(db["NAME"]))
    else:
        with _psycopg(db, autocommit=True) as target:
            # Tables a `migrate` made (empty: checked): pg_restore recreates everything.
            target.execute("DROP SCHEMA IF EXISTS public CASCADE")
            target.execute("CREATE SCHEMA public")
        restore_postgresql(folder / file, db)


def restore_sqlite(source: Path, target: Path) -> None:
    """The backup's file is a whole, closed SQLite database (rollback journal, no -wal beside it):
    copied beside the target and renamed over it. (The backup API into the target, which a first
    connection has put in WAL mode, writes every page twice and was ten times slower.)"""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(source, partial)
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{target}{suffix}").unlink()
    os.replace(partial, target)


def restore_postgresql(source: Path, db: dict[str, Any], name: str | None = None) -> None:
    _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "-d", name or db["NAME"],
          str(source)], pg_environment(db, name))


def counts_of_sqlite(path: Path) -> dict[str, int]:
    copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return table_counts(copy.cursor(), "sqlite")
    finally:
        copy.close()


@contextlib.contextmanager
def scratch_postgresql(alias: str = "default") -> Iterator[tuple[dict[str, Any], str]]:
    """A database of its own on the installation's PostgreSQL server, dropped afterwards."""
    db = _pg_settings(alias)
    name = f"qlvb_verify_{uuid.uuid4().hex[:12]}"
    with _psycopg(db, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield db, name
    finally:
        with _psycopg(db, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def counts_of_postgresql(db: dict[str, Any], name: str) -> dict[str, int]:
    with _psycopg(db, name) as conn:
        return table_counts(conn.cursor(), "postgresql")


def url_of_postgresql(db: dict[str, Any], name: str) -> str:
    user = quote(str(db.get("USER") or ""), safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = quote(str(db.get("HOST") or ""), safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{name}"

"""The stored files of a backup: copied out of the installation's storage (local folder or S3,
through Django's storage API) into ``files/`` of the backup, and back.

Why copying after the database snapshot gives a consistent backup: files are stored by content
(files.services: ``blobs/<sha256>``), written before the row that names them is committed, and
never rewritten; the one thing that deletes blobs, the nightly sweep (files.sweep), deletes only
blobs that no row names and that are a day old. So every file the snapshot names is in the storage
when the copy reaches it, with the content the snapshot's digest says, whatever people do
meanwhile. The backup copies exactly the files the snapshot names: uploads in flight and orphans
left by a crash are not part of it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.core.files import File
from django.core.files.storage import Storage

FOLDER = "files"
LIST_NAME = "files.jsonl"
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Entry:
    name: str
    sha256: str
    size: int


def _copy(source: IO[bytes], target: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _digest(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def previous_entries(folder: Path | None) -> dict[str, Entry]:
    if folder is None or not (folder / LIST_NAME).exists():
        return {}
    return {entry.name: entry for entry in read_list(folder)}


def export(storage: Storage, wanted: Iterable[tuple[str, str, int]], folder: Path,
           previous: Path | None = None) -> tuple[list[Entry], list[str]]:
    """Copy every (name, sha256, size) the snapshot names from ``storage`` into ``folder/files``.
    A file the previous complete backup in the same place holds with the same digest is linked,
    not copied again (its content cannot differ: the name is the digest): a nightly backup copies
    only the files that are new since the night before."""
    root = folder / FOLDER
    known = previous_entries(previous)
    entries: list[Entry] = []
    problems: list[str] = []
    for name, expected, size in wanted:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        earlier = known.get(name)
        if previous is not None and earlier and earlier.sha256 == expected and earlier.size == size:
            try:
                os.link(previous / FOLDER / name, target)
                entries.append(earlier)
                continue
            except OSError:
                pass  # another disk, or the file is gone: copy it
        try:
            with storage.open(name, "rb") as source, target.open("wb") as out:
                digest, copied = _copy(source, out)
        except (FileNotFoundError, OSError) as error:
            problems.append(f"{name}: missing from the storage ({type(error).__name__})")
            target.unlink(missing_ok=True)
            continue
        except Exception as error:  # S3 answers "not found" with its own exceptions
            problems.append(f"{name}: could not be read from the storage ({type(error).__name__}: {error})")
            target.unlink(missing_ok=True)
            continue
        if digest != expected:
            problems.append(f"{name}: its content in the storage does not match its digest (damaged)")
        entries.append(Entry(name, digest, copied))
    write_list(folder, entries)
    return entries, problems


def write_list(folder: Path, entries: list[Entry]) -> None:
    with (folder / LIST_NAME).open("w", encoding="utf-8") as handle:
        for entry in entries:
            handle.write(json.dumps({"name": entry.name, "sha256": entry.sha256, "size": entry.size}) + "\n")


def read_list(folder: Path) -> list[Entry]:
    with (folder / LIST_NAME).open(encoding="utf-8") as handle:
        return [Entry(**json.loads(line)) for line in handle if line.strip()]


def restore(storage: Storage, folder: Path, entries: list[Entry]) -> list[str]:
    """Write every file of the backup into ``storage`` under its own name, each checked against
    its digest first (a damaged copy is reported, not restored)."""
    problems = []
    for entry in entries:
        source = folder / FOLDER / entry.name
        if not source.exists():
            problems.append(f"{entry.name}: missing from the backup")
            continue
        digest, size = _digest(source)
        if (digest, size) != (entry.sha256, entry.size):
            problems.append(f"{entry.name}: the backup's copy does not match its digest (damaged)")
            continue
        if storage.exists(entry.name):
            if storage.size(entry.name) == entry.size:
                continue  # stored by content: same name and size, same file
            storage.delete(entry.name)
        with source.open("rb") as handle:
            saved = storage.save(entry.name, File(handle, name=os.path.basename(entry.name)))
        if saved != entry.name:
            problems.append(f"{entry.name}: the storage saved it as {saved}")
    return problems


def digest_of(path: Path) -> tuple[str, int]:
    return _digest(path)

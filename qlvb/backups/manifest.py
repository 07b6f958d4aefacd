"""The manifest of a backup: what it holds and how to check it. Written last, by rename, so a
folder without one is a backup that did not finish (or no backup at all) and is refused."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

FILE_NAME = "manifest.json"
FORMAT = 1


class IncompleteBackup(Exception):
    pass


def write(folder: Path, data: dict[str, Any]) -> None:
    partial = folder / f".{FILE_NAME}.partial"
    with partial.open("w", encoding="utf-8") as handle:
        json.dump({"format": FORMAT, **data}, handle, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(folder / FILE_NAME)


def read(folder: Path) -> dict[str, Any]:
    if not folder.is_dir():
        raise IncompleteBackup(f"{folder} is not a folder")
    path = folder / FILE_NAME
    if not path.exists():
        raise IncompleteBackup(f"{folder} has no {FILE_NAME}: the backup did not finish (or this is not a QLVB "
                               "backup); it cannot be restored")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        raise IncompleteBackup(f"{path} is unreadable") from None
    if data.get("format") != FORMAT:
        raise IncompleteBackup(f"{path}: unknown backup format {data.get('format')!r}")
    return data


def is_complete(folder: Path) -> bool:
    try:
        read(folder)
    except IncompleteBackup:
        return False
    return True

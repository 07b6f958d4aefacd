"""The signed checkpoints of the event log (core.anchors) in a backup.

Copied *before* the database snapshot: each checkpoint line names heads committed when it was
written, so every line copied is at or behind the snapshot and the restored log verifies against
them. Copied after, a line could name events the snapshot does not hold, and the verifier would
take the restored log for one whose end was cut off.
"""

from __future__ import annotations

import fcntl
import shutil
from pathlib import Path

from django.conf import settings

from qlvb.core import anchors

FOLDER = "checkpoints"


def export(folder: Path) -> list[str]:
    source = Path(settings.QLVB_CHECKPOINT_DIR)
    target = folder / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    log = source / anchors.FILE_NAME
    if not log.exists():
        return []
    with log.open("rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)  # never half a line: the writer holds LOCK_EX while appending
        shutil.copyfile(log, target / anchors.FILE_NAME)
        state = source / anchors.STATE_NAME
        if state.exists():
            shutil.copyfile(state, target / anchors.STATE_NAME)
    return sorted(path.name for path in target.iterdir())


def present(directory: Path | None = None) -> bool:
    log = Path(directory or settings.QLVB_CHECKPOINT_DIR) / anchors.FILE_NAME
    return log.exists() and log.stat().st_size > 0


def restore(folder: Path, directory: Path | None = None) -> None:
    source = folder / FOLDER
    target = Path(directory or settings.QLVB_CHECKPOINT_DIR)
    target.mkdir(parents=True, exist_ok=True)
    if source.exists():
        for path in source.iterdir():
            shutil.copyfile(path, target / path.name)

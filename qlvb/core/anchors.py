"""Anchors of the event log outside the database.

The hash chain (core.events) shows a changed, deleted or swapped row, but whoever can write the
database can also recompute every hash after an edit or cut the end of a chain and its head. Two
anchors the database does not hold close that:

- every event carries an HMAC of its hash with ``settings.QLVB_EVENT_KEY`` (``sign``): a row
  edited and re-hashed no longer matches without the key, which lives in the environment or in
  ``QLVB_VAR_DIR/event_key``, never in the database;
- the heads of the chains are written every few minutes (the periodic task
  ``core.tasks.checkpoint_event_chains``) to an append-only file outside the database
  (``settings.QLVB_CHECKPOINT_DIR/events.jsonl``), each line signed with the same key and linked to
  the line before: an event cut off a chain, or rewritten, behind a checkpoint no longer matches.

``read_checkpoints`` gives what the verifier (``events.verify_all``) compares the chains with.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

FILE_NAME = "events.jsonl"
STATE_NAME = "latest.json"


def _keys() -> list[bytes]:
    keys = [settings.QLVB_EVENT_KEY, *getattr(settings, "QLVB_EVENT_KEY_FALLBACKS", [])]
    return [key.encode() for key in keys if key]


def _mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def sign(message: str) -> str:
    """HMAC-SHA256 of ``message`` with the current event key."""
    return _mac(_keys()[0], message)


def signed_by_us(message: str, mac: str) -> bool:
    """Whether ``mac`` is the HMAC of ``message`` with the current key or a former one."""
    return any(hmac.compare_digest(_mac(key, message), mac) for key in _keys())


# --- Checkpoints of the chains' heads ---------------------------------------------------------

def _directory() -> Path:
    return Path(settings.QLVB_CHECKPOINT_DIR)


def _canonical(line: dict[str, Any]) -> str:
    return json.dumps({k: line[k] for k in ("at", "heads", "prev")}, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str


@dataclass
class Checkpoints:
    """What the checkpoint file says: per chain the heads seen, and any damage to the file itself."""

    by_chain: dict[str, list[Checkpoint]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    lines: int = 0
    last_mac: str = ""

    def latest(self) -> dict[str, tuple[int, str]]:
        return {chain: (points[-1].seq, points[-1].hash) for chain, points in self.by_chain.items()}


def read_checkpoints() -> Checkpoints:
    """Read and check the whole checkpoint file (every line's signature and link)."""
    result = Checkpoints()
    path = _directory() / FILE_NAME
    if not path.exists():
        return result
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                line = json.loads(text)
                message, mac = _canonical(line), line["mac"]
            except (ValueError, KeyError, TypeError):
                result.problems.append(f"checkpoint line {number}: unreadable")
                continue
            if not signed_by_us(message, mac):
                result.problems.append(f"checkpoint line {number}: signature does not match (the file was edited)")
                continue
            if line["prev"] != result.last_mac:
                result.problems.append(f"checkpoint line {number}: does not follow the line before "
                                       "(lines removed or reordered)")
            result.lines += 1
            result.last_mac = mac
            for chain, (seq, head_hash) in line["heads"].items():
                result.by_chain.setdefault(chain, []).append(Checkpoint(seq=int(seq), hash=head_hash, at=line["at"]))
    return result


def _state(directory: Path) -> tuple[dict[str, tuple[int, str]], str]:
    """The heads last written and the last line's signature: from the small state file, or the
    whole log when the state file is missing or does not agree with it."""
    try:
        state = json.loads((directory / STATE_NAME).read_text())
        heads = {chain: (int(seq), head_hash) for chain, (seq, head_hash) in state["heads"].items()}
        if signed_by_us(json.dumps(state["heads"], sort_keys=True, separators=(",", ":")) + state["mac"],
                        state["state_mac"]):
            return heads, state["mac"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    checkpoints = read_checkpoints()
    return checkpoints.latest(), checkpoints.last_mac


def write_checkpoint() -> int:
    """Append one signed line with the heads of every chain that moved since the last line.
    Returns how many chains it names (0: nothing moved, nothing written)."""
    from qlvb.core.models import ChainHead

    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILE_NAME
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # one writer at a time (several workers, a manual run)
        known, prev = _state(directory)
        heads = {chain: (seq, head_hash) for chain, seq, head_hash
                 in ChainHead.objects.filter(last_seq__gt=0).values_list("chain", "last_seq", "last_hash")}
        moved = {chain: head for chain, head in sorted(heads.items()) if known.get(chain) != head}
        if not moved:
            return 0
        line: dict[str, Any] = {"at": timezone.now().isoformat(timespec="seconds"),
                                "heads": {chain: list(head) for chain, head in moved.items()}, "prev": prev}
        line["mac"] = sign(_canonical(line))
        handle.write(json.dumps(line, sort_keys=True, separators=(",", ":")) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
        known.update(moved)
        state_heads = {chain: list(head) for chain, head in sorted(known.items())}
        heads_text = json.dumps(state_heads, sort_keys=True, separators=(",", ":"))
        partial = directory / f".{STATE_NAME}.{os.getpid()}"
        partial.write_text(json.dumps({"heads": state_heads, "mac": line["mac"],
                                       "state_mac": sign(heads_text + line["mac"])}))
        partial.replace(directory / STATE_NAME)
    return len(moved)

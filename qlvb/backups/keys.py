"""The keys a backup cannot be used without, kept apart from the data and encrypted.

A database restored without them comes back whole but half dead: stored signing keys are
encrypted with ``QLVB_KEY_ENCRYPTION_KEY`` (or, when it is unset, a key derived from
``SECRET_KEY``; see signatures.crypto) and every event is signed with ``QLVB_EVENT_KEY``
(core.anchors). They are written to ``keys.enc`` in the backup, encrypted with AES-256-GCM under a
key derived by scrypt from a passphrase the administrator holds (``QLVB_BACKUP_PASSPHRASE``):
whoever copies the backup's folder does not get them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings

FILE_NAME = "keys.enc"
ENV_FILE_NAME = "restored-keys.env"
MAGIC = b"QLVB-BACKUP-KEYS-1\n"
SALT_BYTES, NONCE_BYTES = 16, 12
MIN_PASSPHRASE = 12
# Keys that live in a file of QLVB_VAR_DIR unless the environment sets them (settings.py).
# The VAPID key too: without it every browser's push subscription in the database is dead.
FILE_KEYS = {"SECRET_KEY": "secret_key", "QLVB_EVENT_KEY": "event_key", "QLVB_VAPID_PRIVATE_KEY": "vapid_private_key"}
ENV_ONLY = ("QLVB_KEY_ENCRYPTION_KEY", "QLVB_KEY_ENCRYPTION_KEY_FALLBACKS", "QLVB_EVENT_KEY_FALLBACKS",
            "SECRET_KEY_FALLBACKS")


class WrongPassphrase(Exception):
    pass


def _derive(passphrase: str, salt: bytes) -> bytes:
    # scrypt at n=2**15: about 0.1 s and 32 MB per guess, which makes guessing a passphrase costly.
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode())


def collect() -> dict[str, dict[str, Any]]:
    """This installation's keys and where each comes from ("file": QLVB_VAR_DIR, else "env")."""
    var_dir = Path(settings.VAR_DIR)
    found: dict[str, dict[str, Any]] = {}
    for name, file_name in FILE_KEYS.items():
        value = getattr(settings, name)
        path = var_dir / file_name
        from_file = path.exists() and path.read_text().strip() == value
        found[name] = {"value": value, "source": "file" if from_file else "env"}
    for name in ENV_ONLY:
        value = getattr(settings, name, None)
        if value:
            found[name] = {"value": list(value) if isinstance(value, list | tuple) else value, "source": "env"}
    return found


def seal(found: dict[str, dict[str, Any]], passphrase: str) -> bytes:
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    body = AESGCM(_derive(passphrase, salt)).encrypt(nonce, json.dumps(found).encode(), MAGIC)
    return MAGIC + salt + nonce + body


def open_sealed(blob: bytes, passphrase: str) -> dict[str, dict[str, Any]]:
    if not blob.startswith(MAGIC):
        raise WrongPassphrase("keys.enc is not a QLVB key file")
    rest = blob[len(MAGIC):]
    salt, nonce, body = rest[:SALT_BYTES], rest[SALT_BYTES:SALT_BYTES + NONCE_BYTES], rest[SALT_BYTES + NONCE_BYTES:]
    try:
        return json.loads(AESGCM(_derive(passphrase, salt)).decrypt(nonce, body, MAGIC))
    except InvalidTag:
        raise WrongPassphrase("the passphrase does not open the keys of this backup") from None


def read(folder: Path, passphrase: str) -> dict[str, dict[str, Any]]:
    return open_sealed((folder / FILE_NAME).read_bytes(), passphrase)


def as_environment(found: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The keys as the environment variables settings.py reads (a process started with them
    uses the backup's keys whatever its QLVB_VAR_DIR holds)."""
    return {name: ",".join(item["value"]) if isinstance(item["value"], list) else item["value"]
            for name, item in found.items()}


@dataclass
class Installed:
    written: list[str] = field(default_factory=list)  # key files written into QLVB_VAR_DIR
    to_set: list[str] = field(default_factory=list)  # variables the administrator must set
    env_file: Path | None = None


def install(found: dict[str, dict[str, Any]], var_dir: Path) -> Installed:
    """Put the keys where this installation reads them: the key files into ``var_dir`` (replacing
    the ones a fresh installation generated), and the keys that came from the environment into a
    file readable by the owner only, to be moved into the environment by the administrator."""
    result = Installed()
    for_env: dict[str, str] = {}
    for name, item in found.items():
        value = item["value"]
        file_name = FILE_KEYS.get(name)
        if item["source"] == "file" and file_name and not os.environ.get(name):
            _write_private(var_dir / file_name, value)
            result.written.append(file_name)
        elif os.environ.get(name) == (",".join(value) if isinstance(value, list) else value):
            continue  # already set to the backup's value
        else:
            for_env[name] = ",".join(value) if isinstance(value, list) else value
    if for_env:
        result.env_file = var_dir / ENV_FILE_NAME
        _write_private(result.env_file, "".join(f"{name}={value}\n" for name, value in sorted(for_env.items())))
        result.to_set = sorted(for_env)
    return result


def _write_private(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
    partial.replace(path)

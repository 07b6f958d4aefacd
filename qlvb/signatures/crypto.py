"""Encryption at rest for key material (PKCS#12 files, stored passphrases, the demo CA's key).

AES-256-GCM with a key derived by HKDF-SHA256 from ``settings.QLVB_KEY_ENCRYPTION_KEY`` when it
is set, else from ``settings.SECRET_KEY``. Set the dedicated key in production: changing
SECRET_KEY (to end everyone's sessions, say) would otherwise make stored keys unreadable. Old
keys go in ``QLVB_KEY_ENCRYPTION_KEY_FALLBACKS`` (or ``SECRET_KEY_FALLBACKS``) while rotating.

Each blob is bound to its purpose and row (the associated data), so one row's encrypted key
cannot be copied into another row and used there.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

VERSION = b"\x01"
NONCE_BYTES = 12


class DecryptionFailed(Exception):
    """The blob was made with another key (the installation's key changed) or was altered."""


def _derive(secret: str | bytes) -> bytes:
    material = secret.encode() if isinstance(secret, str) else secret
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"qlvb.signatures",
                info=b"key material at rest v1").derive(material)


def _keys() -> list[bytes]:
    dedicated = getattr(settings, "QLVB_KEY_ENCRYPTION_KEY", "") or ""
    if dedicated:
        secrets = [dedicated, *getattr(settings, "QLVB_KEY_ENCRYPTION_KEY_FALLBACKS", [])]
    else:
        secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [_derive(secret) for secret in secrets if secret]


def encrypt(data: bytes, *, context: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + AESGCM(_keys()[0]).encrypt(nonce, data, context.encode())


def decrypt(blob: bytes | memoryview, *, context: str) -> bytes:
    blob = bytes(blob)
    if not blob.startswith(VERSION) or len(blob) < 1 + NONCE_BYTES + 16:
        raise DecryptionFailed("unknown format")
    nonce, body = blob[1:1 + NONCE_BYTES], blob[1 + NONCE_BYTES:]
    for key in _keys():
        try:
            return AESGCM(key).decrypt(nonce, body, context.encode())
        except InvalidTag:
            continue
    raise DecryptionFailed("no configured key opens it")

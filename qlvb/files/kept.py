"""Files chosen in a form that came back with an error are kept, so the clerk need not choose them
again: a browser never refills a file input. They wait in the default storage under
``kept-uploads/<random>/`` (S3 in production, so any web worker finds them), named by a token the
form carries in a hidden field, signed for the person who chose them and valid for a day.
The job worker removes those older than that each night (files.tasks.clear_kept_uploads).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

PREFIX = "kept-uploads"
SALT = "qlvb.files.kept"
MAX_AGE = timedelta(days=1)


@dataclass(frozen=True)
class Kept:
    """Files kept for one form: their names by field, and the token that finds them."""
    token: str
    files: dict[str, list[str]]


def keep(person_id: int, uploads: dict[str, list[Any]]) -> Kept | None:
    """Keep the files chosen in each field (name → uploaded files); None if there were none."""
    chosen = {field: files for field, files in uploads.items() if files}
    if not chosen:
        return None
    folder = secrets.token_hex(16)
    names: dict[str, list[str]] = {}
    for field, files in chosen.items():
        for index, upload in enumerate(files):
            upload.seek(0)
            name = f"{index:02d}-{upload.name}"
            default_storage.save(f"{PREFIX}/{folder}/{field}/{name}", ContentFile(upload.read()))
            upload.seek(0)
            names.setdefault(field, []).append(upload.name)
    token = signing.dumps({"folder": folder, "person": person_id, "files": names}, salt=SALT)
    return Kept(token=token, files=names)


def reopen(token: str, person_id: int) -> dict[str, list[SimpleUploadedFile]]:
    """The kept files as uploads again, by field (empty if the token is not valid for the person)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return {}
    if data.get("person") != person_id:
        return {}
    folder = data["folder"]
    uploads: dict[str, list[SimpleUploadedFile]] = {}
    for field, names in data["files"].items():
        for index, name in enumerate(names):
            path = f"{PREFIX}/{folder}/{field}/{index:02d}-{name}"
            if not default_storage.exists(path):
                continue
            with default_storage.open(path, "rb") as handle:
                uploads.setdefault(field, []).append(SimpleUploadedFile(name, handle.read()))
    return uploads


def clear_expired(now: Any = None) -> int:
    """Remove kept files older than a day; how many folders went."""
    now = now or timezone.now()
    removed = 0
    try:
        folders, _files = default_storage.listdir(PREFIX)
    except FileNotFoundError:
        return 0
    for folder in folders:
        fields, _ = default_storage.listdir(f"{PREFIX}/{folder}")
        paths = [f"{PREFIX}/{folder}/{field}/{name}" for field in fields
                 for name in default_storage.listdir(f"{PREFIX}/{folder}/{field}")[1]]
        if paths and all(now - default_storage.get_modified_time(path) > MAX_AGE for path in paths):
            for path in paths:
                default_storage.delete(path)
            removed += 1
    return removed

"""Blobs no StoredFile row points to, and their removal.

They are left behind when a transaction fails after its files were written (the rows are rolled
back, the storage is not transactional) or by a crash (`kill -9` during a registration). They may
hold a secret document's content, so they are not left lying in storage: the job worker removes
those older than a day every night (``files.tasks.sweep_orphan_blobs``); ``manage.py sweep_blobs``
lists them and, with ``--delete``, removes them now. Only blobs older than the cut-off are
considered, so uploads still in flight are never touched.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from qlvb.files.models import StoredFile

logger = logging.getLogger(__name__)
KEEP_FOR = timedelta(hours=24)


def _blob_names() -> list[str]:
    # No exists("blobs") first: on S3 a "folder" is only a prefix, never an object, so it would
    # always say no and the sweep would never run there. A missing local folder raises instead.
    try:
        firsts = default_storage.listdir("blobs")[0]
    except FileNotFoundError:
        return []
    names: list[str] = []
    for first in firsts:
        for second in default_storage.listdir(f"blobs/{first}")[0]:
            folder = f"blobs/{first}/{second}"
            names.extend(f"{folder}/{name}" for name in default_storage.listdir(folder)[1])
    return names


def orphan_blobs(*, older_than: timedelta = KEEP_FOR) -> list[str]:
    cutoff = timezone.now() - older_than
    names = _blob_names()
    known: set[str] = set()
    for start in range(0, len(names), 500):
        known.update(StoredFile.objects.filter(storage_name__in=names[start:start + 500])
                     .values_list("storage_name", flat=True))
    return [name for name in names if name not in known and default_storage.get_modified_time(name) < cutoff]


def delete_orphan_blobs(*, older_than: timedelta = KEEP_FOR) -> list[str]:
    """Remove the blobs no row points to, older than ``older_than``; returns their names."""
    removed = []
    for name in orphan_blobs(older_than=older_than):
        if StoredFile.objects.filter(storage_name=name).exists():
            continue  # stored again since the listing
        default_storage.delete(name)
        removed.append(name)
    if removed:
        logger.warning("Removed %s unreferenced blob(s) from storage", len(removed))
    return removed

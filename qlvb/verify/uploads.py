"""Reading a visitor's file only to hash it: the bytes go through SHA-256 as they arrive and are
kept nowhere, neither in memory nor in a temporary file (Django's own handlers keep them)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class Hashed(UploadedFile):
    """What is left of an uploaded file: its digest and size, no content (`too_large`: past the
    limit, not hashed to the end)."""

    def __init__(self, name: str, sha256: str, size: int, too_large: bool) -> None:
        super().__init__(file=None, name=name, size=size)
        self.sha256, self.too_large = sha256, too_large


class HashingUploadHandler(FileUploadHandler):
    def __init__(self, request: Any = None, *, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self._hash = hashlib.sha256()
        self._size = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._hash, self._size = hashlib.sha256(), 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._size += len(raw_data)
        if self._size <= self.max_bytes:
            self._hash.update(raw_data)
        return  # nothing for any other handler: the bytes are not kept

    def file_complete(self, file_size: int) -> Hashed:
        return Hashed(self.file_name or "", self._hash.hexdigest(), self._size, self._size > self.max_bytes)

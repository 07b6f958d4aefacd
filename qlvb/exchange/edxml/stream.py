"""Reading a large package without holding it in memory (issue 13, R16).

A package is mostly its attachments: one base64 text node each (``ContentTransferEncoded``).
``split`` reads the package from a file in chunks and writes:

- a *skeleton*: the package's bytes with the content of each ``ContentTransferEncoded`` replaced
  by a placeholder (``QLVBPART<random><n>``): a few kilobytes, parsed and checked exactly like a
  whole package (DTDs, depth, namespaces…) by ``parse`` and ``dsig.verify``;
- each attachment, base64-decoded chunk by chunk into its own temporary file (the content is
  checked as it goes: base64 alphabet, white space, padding, length; ``parse`` refuses a bad
  one with the attachment's name);
- where each content lies in the package file, so that ``dsig.verify`` digests the canonical
  form of the whole package by reading those byte ranges back (base64 needs no escaping in
  canonical XML; line ends are normalised as an XML parser does).

So the memory a package takes is the skeleton plus a chunk (1 MB), whatever the attachments'
size. A ``ContentTransferEncoded`` whose content is not plain base64 text followed by its end tag
(a child element, a comment, a CDATA section, a character reference) is refused
(``bad_base64``), and so is a placeholder found anywhere but as an attachment's whole content.
A package in UTF-16/32 has no ASCII tags to find: it stays whole in the skeleton.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from .errors import EdxmlError

CHUNK = 1024 * 1024
_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?ContentTransferEncoded(?:\s[^<>]{0,1000})?>")
_KEEP = 1100  # bytes kept back at a chunk's end: an opening tag may be cut there
_WHITESPACE = b" \t\r\n"
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/=]")


@dataclass
class Part:
    """One attachment's content: where it lies in the package file and its decoded file."""

    token: str
    start: int
    end: int
    path: str
    size: int = 0
    error: str = ""  # "invalid", "truncated" or "empty": parse refuses the package, naming the file


@dataclass
class Split:
    """A package read by ``split``: call ``close`` (or use ``with``) to remove the files."""

    source: IO[bytes]
    skeleton: bytes
    parts: dict[str, Part] = field(default_factory=dict)
    prefix: str = ""

    def __enter__(self) -> Split:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for part in self.parts.values():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(part.path)

    def raw_content(self, token: str) -> Iterator[bytes]:
        """The attachment's base64 text as an XML parser reads it (line ends normalised), in chunks."""
        part = self.parts[token]
        self.source.seek(part.start)
        remaining, pending_cr = part.end - part.start, False
        while remaining > 0:
            chunk = self.source.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            if pending_cr:
                chunk = b"\r" + chunk
                pending_cr = False
            if chunk.endswith(b"\r") and remaining > 0:
                chunk, pending_cr = chunk[:-1], True
            yield chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if pending_cr:
            yield b"\n"


class _Decoder:
    """Base64 to a file, chunk by chunk, as strict as ``parse._decode``. A fault is noted in
    ``error`` ("invalid", "truncated", "empty"): ``parse`` refuses it with the attachment's name."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out, self.left, self.length, self.padded, self.size = out, b"", 0, False, 0
        self.error = ""

    def feed(self, raw: bytes) -> None:
        if self.error:
            return
        compact = raw.translate(None, _WHITESPACE)
        if not compact:
            return
        if _NOT_BASE64.search(compact) or self.padded:
            self.error = "invalid"
            return
        self.length += len(compact)
        data = self.left + compact
        cut = len(data) // 4 * 4
        block, self.left = data[:cut], data[cut:]
        if b"=" in block:
            if block.index(b"=") < len(block) - 2 or self.left:
                self.error = "invalid"
                return
            self.padded = True
        if block:
            try:
                decoded = base64.b64decode(block, validate=True)
            except (binascii.Error, ValueError):
                self.error = "invalid"
                return
            self.out.write(decoded)
            self.size += len(decoded)

    def finish(self) -> None:
        if self.error:
            return
        if not self.length:
            self.error = "empty"
        elif self.length % 4 or self.left:
            self.error = "truncated"


def split(source: IO[bytes], *, directory: str | None = None) -> Split:
    """Read a package from a seekable binary file: its skeleton in memory, its attachments
    decoded into temporary files (in ``directory``). ``EdxmlError`` for bad base64."""
    source.seek(0)
    prefix = "QLVBPART" + secrets.token_hex(16)
    result = Split(source=source, skeleton=b"", prefix=prefix)
    skeleton: list[bytes] = []
    buffer, offset = b"", 0  # offset: the position in the file of buffer[0]
    inside: tuple[Part, _Decoder, IO[bytes]] | None = None
    try:
        while True:
            chunk = source.read(CHUNK)
            at_end = not chunk
            buffer += chunk
            while True:
                if inside is None:
                    match = _OPEN.search(buffer)
                    if match is None:
                        keep = 0 if at_end else min(len(buffer), _KEEP)
                        skeleton.append(buffer[:len(buffer) - keep])
                        offset += len(buffer) - keep
                        buffer = buffer[len(buffer) - keep:]
                        break
                    skeleton.append(buffer[:match.end()])
                    offset += match.end()
                    buffer = buffer[match.end():]
                    token = f"{prefix}{len(result.parts):06d}"
                    handle: IO[bytes] = tempfile.NamedTemporaryFile(dir=directory, prefix="qlvb-edxml-", delete=False)  # noqa: SIM115 - closed at its end tag or on failure
                    part = Part(token=token, start=offset, end=offset, path=handle.name)
                    result.parts[token] = part
                    inside = (part, _Decoder(handle), handle)
                    skeleton.append(token.encode("ascii"))
                else:
                    part, decoder, handle = inside
                    end = buffer.find(b"<")
                    if end < 0:
                        if at_end:
                            raise EdxmlError("malformed", detail="the package ends inside an attachment")
                        decoder.feed(buffer)
                        offset += len(buffer)
                        buffer = b""
                        break
                    if len(buffer) < end + 2 and not at_end:
                        decoder.feed(buffer[:end])
                        offset += end
                        buffer = buffer[end:]
                        break
                    if buffer[end:end + 2] != b"</":
                        raise EdxmlError("bad_base64", detail="markup inside ContentTransferEncoded")
                    decoder.feed(buffer[:end])
                    decoder.finish()
                    offset += end
                    buffer = buffer[end:]
                    part.end, part.size, part.error = offset, decoder.size, decoder.error
                    handle.close()
                    inside = None
            if at_end:
                break
        if inside is not None:
            raise EdxmlError("malformed", detail="the package ends inside an attachment")
        result.skeleton = b"".join(skeleton)
        if result.skeleton.count(prefix.encode("ascii")) != len(result.parts):
            raise EdxmlError("bad_base64", detail="placeholder collision")
    except BaseException:
        if inside is not None:
            inside[2].close()
        result.close()
        raise
    return result

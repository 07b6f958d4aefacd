"""Hardened XML reading shared by the parser and the signature check.

A package is refused before parsing when it is too large or declares a DTD / entities (no
legitimate edXML package has one: QCVN 102 packages are plain namespaced XML). The parser never
resolves entities, loads a DTD or touches the network, and elements may not nest deeper than
``MAX_DEPTH``. Every failure is an :class:`EdxmlError`.
"""

from __future__ import annotations

import re

from lxml import etree

from .errors import EdxmlError
from .i18n import gettext_lazy as _

DEFAULT_MAX_BYTES = 100 * 1024 * 1024  # a package with ~70 MB of attachments
MAX_MARKUP = 200_000  # "<" characters: about 100,000 elements; a real package has a few hundred
MAX_DEPTH = 40  # the samples nest 8 deep (edXML/…/ReceiverList/Receiver/OrganId)
# libxml2 refuses a single text node over 10 MB unless "huge" parsing is on. A package's
# attachments are one base64 text node each, so big packages need it; it is safe here because a
# DTD is refused before parsing (no entity can expand) and the size is capped by max_bytes.
HUGE_TREE_FROM = 8 * 1024 * 1024

_DECL = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)


def _as_text_for_scan(data: bytes) -> bytes:
    """The bytes to scan for declarations: UTF-16/32 packages are decoded first."""
    head = data[:4]
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                       (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return data.decode(codec, errors="replace").encode("utf-8", errors="replace")
    if b"\x00" in data[:200]:
        for codec in ("utf-16-le", "utf-16-be"):
            text = data.decode(codec, errors="replace")
            if "<" in text[:100]:
                return text.encode("utf-8", errors="replace")
    return data


def check_input(data: object, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    if isinstance(data, memoryview | bytearray):
        data = bytes(data)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, bytes):
        raise EdxmlError("malformed", detail=f"expected bytes, got {type(data).__name__}")
    if len(data) > max_bytes:
        raise EdxmlError("too_large", detail=f"{len(data)} > {max_bytes} bytes")
    if not data.strip():
        raise EdxmlError("malformed", detail="empty")
    text = _as_text_for_scan(data)
    if _DECL.search(text):
        raise EdxmlError("entity")
    if text.count(b"<") > MAX_MARKUP:  # millions of tiny elements would take gigabytes in memory
        raise EdxmlError("too_large", _("The package holds too many elements."), detail=f"> {MAX_MARKUP // 2}")
    return data


def parser(size: int, *, remove_comments: bool = True) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=size >= HUGE_TREE_FROM, remove_comments=remove_comments, remove_pis=remove_comments,
        remove_blank_text=False, collect_ids=False,
    )


def check_depth(root: etree._Element) -> None:
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise EdxmlError("too_deep", detail=f"> {MAX_DEPTH}")
        stack.extend((child, depth + 1) for child in element)


def read(data: object, *, max_bytes: int = DEFAULT_MAX_BYTES, remove_comments: bool = True) -> etree._Element:
    """The root element of a well-formed, declaration-free, not too deep document."""
    data = check_input(data, max_bytes=max_bytes)
    try:
        root = etree.fromstring(data, parser(len(data), remove_comments=remove_comments))
    except etree.XMLSyntaxError as error:
        line = getattr(error, "lineno", None) or (error.position[0] if getattr(error, "position", None) else 0)
        message = str(error.msg if hasattr(error, "msg") and error.msg else error)
        if "Excessive depth" in message or "depth" in message.lower() and "exceeds" in message.lower():
            raise EdxmlError("too_deep", detail=message[:200]) from None
        if "entity" in message.lower() and ("amplification" in message.lower() or "loop" in message.lower()):
            raise EdxmlError("entity", detail=message[:200]) from None
        raise EdxmlError("malformed", _("The package is not well-formed XML (line %(line)s): %(message)s"),
                         line=line, message=message[:300]) from None
    except (ValueError, TypeError, LookupError, MemoryError) as error:  # odd encodings, NUL bytes
        raise EdxmlError("malformed", detail=str(error)[:200]) from None
    if root is None:
        raise EdxmlError("malformed", detail="no root element")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise EdxmlError("entity")
    check_depth(root)
    return root


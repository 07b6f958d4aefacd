"""Serving stored files. The files app has no URL of its own: a domain app checks that the viewer
may see the document, then answers with ``file_response``. Never route by SHA-256: content is
shared across documents and agencies, and a URL by hash would tell who holds what."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from django.http import FileResponse, HttpRequest, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control, patch_vary_headers

from qlvb.core.http import no_store
from qlvb.files.models import StoredFile
from qlvb.files.services import clean_name, open_stored

# Shown in the browser only for what browsers render safely by themselves; the rest downloads.
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif"})


def _ascii_fallback(filename: str) -> str:
    """'Công văn số 12.pdf' → 'Cong van so 12.pdf', for clients that ignore filename*."""
    decomposed = unicodedata.normalize("NFD", filename.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "_" for ch in text)
    return text.strip() or "file"


def content_disposition(filename: str, *, inline: bool) -> str:
    """RFC 6266 header with an ASCII ``filename`` and an RFC 5987 UTF-8 ``filename*``."""
    # A document's number often holds a slash (12/UBND-VP): keep it readable, not a folder.
    filename = clean_name(filename.replace("/", "-").replace("\\", "-"))
    disposition = "inline" if inline else "attachment"
    fallback = _ascii_fallback(filename)
    if fallback == filename:
        return f'{disposition}; filename="{filename}"'
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_response(request: HttpRequest, stored: StoredFile, *, filename: str, inline: bool,
                  secret: bool = False) -> HttpResponseBase:
    """Send a stored file. Call it only after the domain app's permission check.

    ``inline`` is honoured only for PDFs and images browsers show by themselves (PNG, JPEG,
    GIF); everything else is sent as an attachment. The ETag is the content's hash, so a page
    shown again costs a 304. The response may be kept by the browser only (``private``) and is
    revalidated every time, so access withdrawn takes effect at once. A file of a secret
    document (``secret``) is kept by no cache at all (``no-store``, R7).
    """
    etag = f'"{stored.sha256}"'
    inline = inline and stored.kind in {StoredFile.Kind.PDF, StoredFile.Kind.IMAGE} and (
        stored.content_type in INLINE_TYPES)
    if_none_match = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
    response: HttpResponseBase
    if request.method in {"GET", "HEAD"} and etag in if_none_match:
        response = HttpResponseNotModified()
    else:
        response = FileResponse(open_stored(stored), content_type=stored.content_type)
        response["Content-Length"] = str(stored.size)
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return no_store(response, secret)

"""HTTP helpers every app may use."""

from __future__ import annotations

from typing import TypeVar

from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control

R = TypeVar("R", bound=HttpResponseBase)


def no_store(response: R, secret: bool = True) -> R:
    """A page, file or API answer about a secret document (R7) is kept by no cache, the browser's
    included (`Cache-Control: no-store`): once the person's access ends, nothing of it is left on
    the machine. `secret` False leaves the response as it is."""
    if secret:
        patch_cache_control(response, no_store=True, private=True, no_cache=True, max_age=0)
    return response


SECRET_FLAG = "_qlvb_secret_answer"


def mark_secret(request: object, secret: bool) -> None:
    """Note that the answer to this request shows a secret document (the API's viewsets then send
    it with no_store in their finalize_response: see secret_marked)."""
    if secret:
        setattr(request, SECRET_FLAG, True)


def secret_marked(request: object) -> bool:
    return bool(getattr(request, SECRET_FLAG, False))

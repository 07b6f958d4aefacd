"""The public verification pages (no sign-in): /verify/ to type a code, /verify/<code>/ for what
the code may tell this caller (selectors.look_up) and to compare a file with the issued one."""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from qlvb.core.actor import actor_from_request, effective_person
from qlvb.core.http import no_store
from qlvb.core.ratelimit import RateLimited
from qlvb.files.services import max_upload_bytes
from qlvb.outgoing import services as outgoing
from qlvb.verify import limits, selectors
from qlvb.verify.forms import CodeForm
from qlvb.verify.uploads import Hashed, HashingUploadHandler

SCOPE = "outgoing"  # a delegate may see here what the delegation opens in outgoing


def wait_words(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    return (ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds} if seconds < 60 else
            ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})


def _limited(request: HttpRequest, error: RateLimited) -> HttpResponse:
    response = render(request, "verify/limited.html", {"wait": wait_words(error.retry_after)}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


def _person(request: HttpRequest) -> Any:
    return effective_person(request, SCOPE) if request.user.is_authenticated else None


@require_http_methods(["GET", "HEAD"])
def home(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("verify:code", form.cleaned_data["code"])
    return render(request, "verify/home.html", {"form": form})


def _page(request: HttpRequest, code: str, *, comparison: selectors.Comparison | None = None,
          upload_error: str = "") -> HttpResponse:
    found = selectors.look_up(code, _person(request))
    if found is None:
        return render(request, "verify/not_found.html", {"code": code[:40]}, status=404)
    if found.full and found.may_open and found.document.secrecy:
        outgoing.record_opening(by=actor_from_request(request, SCOPE), document=found.document)
    response = render(request, "verify/code.html", {
        "found": found, "d": found.document, "comparison": comparison, "upload_error": upload_error,
        "max_size": max_upload_bytes()})
    return no_store(response, bool(found.document.secrecy))


@csrf_exempt  # the form's token is checked below, once the file is read our way (Django's docs)
@require_http_methods(["GET", "HEAD", "POST"])
def code_page(request: HttpRequest, code: str) -> HttpResponse:
    try:  # counted before the body is read
        limits.count(request, limits.uploads() if request.method == "POST" else limits.lookups())
    except RateLimited as error:
        return _limited(request, error)
    if request.method == "POST":
        # Read the file only to hash it: nothing of it is kept, not even in a temporary file.
        request.upload_handlers = [HashingUploadHandler(request, max_bytes=max_upload_bytes())]
        return _compare(request, code)
    return _page(request, code)


@csrf_protect
def _compare(request: HttpRequest, code: str) -> HttpResponse:
    found = selectors.look_up(code, _person(request))
    if found is None or not found.full:  # nothing is compared with what the caller may not see
        return _page(request, code)
    upload = request.FILES.get("file")
    if not isinstance(upload, Hashed) or upload.size == 0:
        return _page(request, code, upload_error=_("Choose the file to compare."))
    if upload.too_large:
        return _page(request, code, upload_error=_("The file is larger than %(size)s: it cannot be the issued "
                                                   "one.") % {"size": filesizeformat(max_upload_bytes())})
    return _page(request, code, comparison=selectors.compare(found.document, upload.sha256))

"""A test-only page loading vgca.js as the signing page will (static file, the site's Content
Security Policy widened to the plugin's address only), with buttons that call it and show what it
answered. Served by pytest-django's live server under @pytest.mark.urls, beside the site's own URLs."""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import include, path
from django.utils.html import format_html

LOOPBACK = re.compile(r"wss://127\.0\.0\.1:\d{1,5}")

PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Ký số VGCA (thử)</title>
<script src="{vgca}" data-vgca-base="{base}"
 data-text-bad-hash="Giá trị băm (từ máy chủ) không đúng định dạng."></script>
<script src="{harness}" defer></script></head>
<body><label>Giá trị băm <input id="hash" size="60"></label>
<button id="probe" type="button">Kiểm tra phần mềm ký số</button>
<button id="certificate" type="button">Lấy chứng thư số</button>
<button id="sign" type="button">Ký số</button>
<output id="result" data-state="idle"></output>
<pre id="signature"></pre><pre id="cert"></pre><p id="code"></p><p id="message"></p></body></html>"""

HARNESS = """"use strict";
const $ = (id) => document.getElementById(id);
function show(state, fields) {
  for (const id of ["signature", "cert", "code", "message"]) $(id).textContent = fields[id] || "";
  $("result").textContent = state;
  $("result").dataset.state = state;
}
function fail(error) { show("failed", { code: error.code, message: error.message }); }
$("probe").addEventListener("click", () => {
  show("busy", {});
  QLVBVgca.available().then((ok) => show(ok ? "available" : "unavailable", {}));
});
$("certificate").addEventListener("click", () => {
  show("busy", {});
  QLVBVgca.certificate().then((r) => show("done", { cert: r.certificate }), fail);
});
$("sign").addEventListener("click", () => {
  show("busy", {});
  QLVBVgca.signHash($("hash").value).then((r) => show("done", { signature: r.signature, cert: r.certificate }), fail);
});
"""


def harness_page(request: HttpRequest) -> HttpResponse:
    base = request.GET.get("base", "")
    if not LOOPBACK.fullmatch(base):
        raise Http404
    response = HttpResponse(format_html(PAGE, vgca=static("signatures/vgca.js"), base=base,
                                        harness="/vgca-harness.js"))
    response._csp_update = {"connect-src": [base]}  # type: ignore[attr-defined]  # as csp_update does
    return response


def harness_script(request: HttpRequest) -> HttpResponse:
    return HttpResponse(HARNESS, content_type="text/javascript; charset=utf-8")


urlpatterns = [
    path("vgca-harness/", harness_page),
    path("vgca-harness.js", harness_script),
    path("", include("qlvb.urls")),  # the site around it, as for the signing page (its 404 page, favicon…)
]

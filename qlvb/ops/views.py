"""/health/ for load balancers and monitors, /metrics for Prometheus, and the health page."""

from __future__ import annotations

import socket
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4

from qlvb.core import health
from qlvb.ops import access, selectors
from qlvb.ops.metrics import exposition
from qlvb.org.http import PersonRequest


def _as_json(result: health.Result) -> dict[str, Any]:
    return {"name": result.name, "label": str(result.label), "ok": result.probe.ok,
            "critical": result.probe.critical, "detail": str(result.probe.detail),
            "value": result.probe.value, "seconds": round(result.seconds, 6)}


@never_cache
@require_safe
def endpoint(request: HttpRequest) -> JsonResponse:
    """200 while every critical check passes, 503 otherwise. Anyone gets the verdict alone; the
    monitoring token or a signed-in installation administrator gets every check's result."""
    found = selectors.results()
    body: dict[str, Any] = {"status": "ok" if selectors.serving(found) else "unavailable"}
    if access.may_read_details(request):
        body = {"status": selectors.status(found), "host": socket.gethostname(),
                "checks": [_as_json(result) for result in found]}
    return JsonResponse(body, status=200 if selectors.serving(found) else 503)


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    if not access.may_read_metrics(request):
        if access.token_configured():
            response = HttpResponse("Bearer token required\n", status=401, content_type="text/plain")
            response["WWW-Authenticate"] = 'Bearer realm="qlvb-metrics"'
            return response
        return HttpResponse("Set QLVB_METRICS_TOKEN to read the metrics from elsewhere\n", status=403,
                            content_type="text/plain")
    # Text format 0.0.4, which every Prometheus reads (Debian 12's is 2.42); our names need nothing newer.
    return HttpResponse(exposition(selectors.results()), content_type=CONTENT_TYPE_PLAIN_0_0_4)


@login_required
@never_cache
def page(request: PersonRequest) -> HttpResponse:
    if not access.is_installation_admin(request):
        raise Http404()
    found = selectors.results(fresh=True)
    rows = [{"result": result, "milliseconds": result.seconds * 1000,
             "state": "ok" if result.probe.ok else "failed" if result.probe.critical else "warning"}
            for result in found]
    return render(request, "ops/health.html", {
        "rows": rows, "status": selectors.status(found), "host": socket.gethostname(),
        "token_configured": access.token_configured(),
    })

"""QLVB's addresses plus /bench/bare/ (bench/bench_settings.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from qlvb.urls import urlpatterns as qlvb_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    # The ceiling a page is compared with: Django and every middleware of QLVB, no session, no
    # query, no template.
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *qlvb_urlpatterns]

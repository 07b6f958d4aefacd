"""A page with the PDF viewer and a route to the file, for the browser test only."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import Context, Template
from django.urls import path

from qlvb.files.models import StoredFile
from qlvb.files.views import file_response

PAGE = Template("""{% load static %}<!doctype html><html lang="vi"><head><meta charset="utf-8">
<link rel="stylesheet" href="{% static 'vendor/bootstrap/bootstrap.min.css' %}"><title>{{ title }}</title></head>
<body><main class="container py-3">{% include "files/_pdf_viewer.html" with url=url title=title %}</main>
</body></html>""")


def viewer(request, pk: int):
    return HttpResponse(PAGE.render(Context({"url": f"/file/{pk}/", "title": "Công văn số 12/UBND-VP"})))


def file(request, pk: int):
    return file_response(request, get_object_or_404(StoredFile, pk=pk), filename="Công văn số 12.pdf", inline=True)


urlpatterns = [
    path("viewer/<int:pk>/", viewer),
    path("file/<int:pk>/", file),
    path("favicon.ico", lambda request: HttpResponse(status=204)),
]

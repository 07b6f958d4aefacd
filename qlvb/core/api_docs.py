"""The OpenAPI schema and its documentation pages are for signed-in people only (a session or an
API token): they map every endpoint of the installation, which a stranger has no need to read.
Anonymous: the schema answers 401 (a program), the documentation pages send to the log-in page
(a person)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import IsAuthenticated


class SchemaView(SpectacularAPIView):
    permission_classes = [IsAuthenticated]


class _SignInFirst:
    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, NotAuthenticated):
            return redirect_to_login(self.request.get_full_path())  # type: ignore[attr-defined]
        return super().handle_exception(exc)  # type: ignore[misc]


class SwaggerView(_SignInFirst, SpectacularSwaggerSplitView):
    permission_classes = [IsAuthenticated]


class RedocView(_SignInFirst, SpectacularRedocView):
    permission_classes = [IsAuthenticated]

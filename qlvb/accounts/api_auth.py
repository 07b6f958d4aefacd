from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from qlvb.accounts.services import authenticate_token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer qlvb_…` with a personal token created on the account page."""

    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[Any, None] | None:
        header = authentication.get_authorization_header(request).decode(errors="replace").split()
        if not header or header[0] not in (self.keyword, "Token"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        person = authenticate_token(header[1])
        if person is None:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        return person, None

    def authenticate_header(self, request: Any) -> str:
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "qlvb.accounts.api_auth.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "qlvb_<prefix>_<secret>"}

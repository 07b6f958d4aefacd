"""The OpenAPI schema says every answer an endpoint gives (schemathesis checks it,
tests/test_api_fuzz.py): beside what each view declares, the answers every endpoint shares —
404 where the path names an object (one the caller may not see looks like one that does not
exist) and on every write (a service's NotAllowed), 400 where the caller sends a body or filters,
401 without valid credentials."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

SHARED = {
    "400": "Invalid input: `{field: [messages]}` (in Vietnamese); `non_field_errors` for the rest.",
    "401": "No credentials, or an invalid or expired API token.",
    "404": "No such object visible to the caller, or the caller may not do this with it.",
}


class ApiSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        shared = []
        if "{" in self.path or self.method in ("POST", "PUT", "PATCH", "DELETE"):
            shared.append("404")  # a write the caller may not do is refused as NotAllowed → 404
        if self.method in ("POST", "PUT", "PATCH") or self._get_filter_parameters():
            shared.append("400")
        if self.get_auth() and {} not in self.get_auth():
            shared.append("401")
        for code in shared:
            if code not in responses:
                responses[code] = self._get_response_for_code(OpenApiResponse(description=SHARED[code]), code,
                                                              direction=direction)
        return dict(sorted(responses.items()))

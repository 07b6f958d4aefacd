"""GET /api/v1/verify/<code>/: the public verification page's answer as JSON, with or without
credentials, under the same rules and the same rate limit (selectors.look_up)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core.http import no_store
from qlvb.core.ratelimit import RateLimited
from qlvb.verify import limits, selectors, views
from qlvb.verify import serializers as s


@extend_schema(
    operation_id="v1_verify_retrieve", summary="Verify an issued document by its verification code", tags=["verify"],
    description="Open to anyone, signed in or not. For a secret or internal document the caller may not open, "
                "only `exists` is told (`public` false, the rest null). Rate-limited per address "
                "(per person when signed in): 429 past the limit.",
    responses={200: s.VerificationSerializer,
               404: OpenApiResponse(description="No document has this code"),
               429: OpenApiResponse(s.LimitedSerializer, description="Too many look-ups: wait `retry_after` seconds")})
@api_view(["GET"])
@permission_classes([AllowAny])
def verification(request: Request, code: str) -> Response:
    try:
        limits.count(request, limits.lookups())
    except RateLimited as error:
        return Response({"detail": _("Too many look-ups from your address. Please try again in %(wait)s.") % {
            "wait": views.wait_words(error.retry_after)}, "retry_after": error.retry_after},
            status=429, headers={"Retry-After": str(error.retry_after)})
    found = selectors.look_up(code, views._person(request))
    if found is None:
        return Response({"detail": _("No document has this verification code.")}, status=404)
    if found.full and found.may_open and found.document.secrecy:
        from qlvb.core.actor import actor_from_request
        from qlvb.outgoing import services as outgoing

        outgoing.record_opening(by=actor_from_request(request, views.SCOPE), document=found.document)
    return no_store(Response(s.VerificationSerializer(found).data), bool(found.document.secrecy))

"""REST endpoints of signing sessions (docs/signing.md): a session's state, and completing it with
a signature made at the user's side (the VGCA token through the page). Sessions are started by the
document's own endpoints (outgoing: ``POST /api/v1/outgoing/documents/{id}/issue/`` with a signer
whose key is at a signing service answers with the session). A session the caller may not follow
is a 404, like one that does not exist."""

from __future__ import annotations

import base64
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core.api import service_call, validated
from qlvb.org.http import signed_in
from qlvb.signatures import deferred
from qlvb.signatures.models import SigningSession

NOT_FOUND = OpenApiResponse(description="No such signing session that the caller follows.")
BAD_INPUT = OpenApiResponse(description="Refused: `{non_field_errors: [messages]}` (Vietnamese); nothing was "
                                        "kept and the session still waits, unless it expired.")


class SigningSessionSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The session's one-time name.")
    state = serializers.ChoiceField(choices=SigningSession.State.choices)
    purpose = serializers.ChoiceField(choices=SigningSession.Purpose.choices)
    provider = serializers.CharField()
    hash = serializers.CharField(help_text="Base64 of the SHA-256 digest to sign (of the CMS signed attributes).")
    hash_alg = serializers.CharField()
    expires_at = serializers.DateTimeField()
    error_code = serializers.CharField(allow_blank=True)
    error_message = serializers.CharField(allow_blank=True)
    signed_file = serializers.CharField(allow_null=True, help_text="Where the signed PDF is (page URL), once signed.")


class SigningCompleteSerializer(serializers.Serializer):
    signature = serializers.CharField(help_text="Base64 of the raw signature value over `hash`.")
    certificate = serializers.CharField(required=False, allow_blank=True,
                                        help_text="Base64 DER of the certificate that signed, if known.")


def session_data(session: SigningSession) -> dict[str, Any]:
    from django.urls import reverse

    return {"token": session.token, "state": session.state, "purpose": session.purpose,
            "provider": session.provider, "hash": base64.b64encode(bytes(session.digest)).decode("ascii"),
            "hash_alg": session.hash_alg, "expires_at": session.expires_at, "error_code": session.error_code,
            "error_message": session.error_message,
            "signed_file": (session.continuation.get("done_url") or reverse("signatures:session_file",
                                                                             args=[session.token]))
            if session.state == SigningSession.State.COMPLETED else None}


def _session(request: Request, token: str) -> SigningSession:
    session = SigningSession.objects.filter(token=token).first()
    if session is None or not session.may_see(signed_in(request.user)):
        raise NotFound()
    deferred.expire_if_due(session)
    return session


@extend_schema(summary="A signing session's state", responses={200: SigningSessionSerializer, 404: NOT_FOUND},
               tags=["signatures"])
@api_view(["GET"])
def session_state(request: Request, token: str) -> Response:
    return Response(SigningSessionSerializer(session_data(_session(request, token))).data)


@extend_schema(summary="Complete a signing session with a signature made at the user's side",
               request=SigningCompleteSerializer,
               responses={200: SigningSessionSerializer, 400: BAD_INPUT, 404: NOT_FOUND}, tags=["signatures"])
@api_view(["POST"])
def session_complete(request: Request, token: str) -> Response:
    """The signer's own session only. The signature must verify with the certificate chosen when
    the session started, over its `hash`; a session completes once."""
    session = _session(request, token)
    if session.person_id != signed_in(request.user).pk:
        raise NotFound()
    data = validated(SigningCompleteSerializer, request)

    def complete() -> None:
        signature = deferred.b64decode(data["signature"])
        certificate = deferred.b64decode(data["certificate"]) if data.get("certificate") else None
        deferred.complete(session, signature, certificate)

    service_call(complete)
    session.refresh_from_db()
    return Response(SigningSessionSerializer(session_data(session)).data)

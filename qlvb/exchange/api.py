"""Exchange API: the endpoint peers POST edXML packages to, and the clerks' reception queue
and the senders' statuses for programs (same services and selectors as the pages)."""

from __future__ import annotations

import os
import tempfile
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import authentication, exceptions, serializers, status
from rest_framework.decorators import api_view
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from qlvb.core.api import caller
from qlvb.exchange import selectors, services, transport
from qlvb.exchange.models import ReceptionItem
from qlvb.exchange.peers import peer_for_token
from qlvb.org.http import signed_in

CHUNK = 1024 * 1024


class RawParser(BaseParser):
    media_type = "*/*"

    # The stubs allow only a mapping; DRF takes whatever the parser returns as `request.data`.
    def parse(self, stream: Any, media_type: str | None = None,  # type: ignore[override]
              parser_context: Any = None) -> bytes:
        return stream.read()


class PeerAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>`: the token the administrator set for that peer."""

    def authenticate(self, request: Request) -> Any:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith("Bearer "):
            return None
        peer = peer_for_token(header[7:].strip())
        if peer is None:
            raise exceptions.AuthenticationFailed(_("Unknown or inactive peer."))
        request.peer = peer  # type: ignore[attr-defined]  # read back by PackageEndpoint.post
        return (None, peer)

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"


class PeerAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "qlvb.exchange.api.PeerAuthentication"
    name = "peerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "The token set for this peer by the administrator"}


class PackageEndpoint(APIView):
    """A peer posts one edXML package (document or status). 2xx only once it is stored."""

    authentication_classes = [PeerAuthentication]
    permission_classes = [AllowAny]
    parser_classes = [RawParser]

    @extend_schema(
        operation_id="exchange_receive_package", tags=["exchange"],
        request={"application/xml": OpenApiTypes.BINARY},
        responses={201: OpenApiResponse(description="Stored (or already received)"),
                   400: OpenApiResponse(description="Refused, with the reason"),
                   401: OpenApiResponse(description="Unknown peer")})
    def post(self, request: Request) -> Response:
        peer = getattr(request._request, "peer", None) or getattr(request, "peer", None)
        if peer is None:
            raise exceptions.NotAuthenticated(_("Peer token required."))
        limit = transport.max_package_bytes()
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > limit:
            return Response({"reason": _("The package is too large.")}, status=413)
        # Read the stream ourselves, into a temporary file in 1 MB chunks: request.body would stop at
        # DATA_UPLOAD_MAX_MEMORY_SIZE (10 MB) and hold the package in memory; the package is read
        # from the file (transport.receive), so memory does not grow with its size.
        with tempfile.TemporaryFile(dir=getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)) as spool:
            total = 0
            while chunk := request._request.read(min(CHUNK, limit + 1 - total)):
                spool.write(chunk)
                total += len(chunk)
                if total > limit:
                    return Response({"reason": _("The package is too large.")}, status=413)
            result = transport.receive(spool, source=ReceptionItem.Source.PEER, peer=peer,
                                       require_signature=peer.require_signature)
        if not result.ok:
            return Response({"reason": result.reason, "code": result.code}, status=status.HTTP_400_BAD_REQUEST)
        delay = os.environ.get("QLVB_EXCHANGE_FAULT_DELAY")  # fault injection for the kill test only
        if delay:
            time.sleep(float(delay))
        return Response({"received": [i.pk for i in result.items or []], "duplicate": result.duplicate},
                        status=status.HTTP_200_OK if result.duplicate else status.HTTP_201_CREATED)


class ItemSerializer(serializers.ModelSerializer):
    receiver_code = serializers.CharField(source="receiver.code", default="")
    files = serializers.SerializerMethodField()

    class Meta:
        model = ReceptionItem
        fields = ["id", "receiver_code", "source", "kind", "state", "sender_code", "sender_name", "document_id",
                  "reference", "summary", "doc_type", "urgent", "reason", "received_at", "decided_at", "incoming",
                  "fields", "files"]

    def get_files(self, obj: ReceptionItem) -> list[dict[str, Any]]:
        return [{"id": f.pk, "name": f.name, "role": f.role, "size": f.stored.size} for f in obj.files.all()]


@extend_schema(tags=["exchange"], responses=ItemSerializer(many=True))
@api_view(["GET"])
def reception_list(request: Request) -> Response:
    """The reception queue of the agencies the caller is clerk of (state=waiting by default)."""
    state = request.query_params.get("state", "waiting")
    items = selectors.queue(signed_in(request.user), state=state if state in ReceptionItem.State.values else "waiting",
                            q=request.query_params.get("q", "")[:200])
    items = items.select_related("receiver").prefetch_related("files__stored")[:200]
    return Response(ItemSerializer(items, many=True).data)


@extend_schema(tags=["exchange"], responses=ItemSerializer)
@api_view(["GET"])
def reception_detail(request: Request, pk: int) -> Response:
    return Response(ItemSerializer(selectors.get_item(signed_in(request.user), pk)).data)


@extend_schema(tags=["exchange"], request=inline_serializer("Reason", {"reason": serializers.CharField()}),
               responses=ItemSerializer)
@api_view(["POST"])
def reception_reject(request: Request, pk: int) -> Response:
    item = selectors.get_item(signed_in(request.user), pk)
    data = request.data if isinstance(request.data, dict) else {}  # a JSON array or string gives no reason
    try:
        item = services.reject(by=caller(request), item=item, reason=str(data.get("reason", "")))
    except DjangoValidationError as error:
        return Response({"errors": error.messages}, status=400)
    return Response(ItemSerializer(item).data)


@extend_schema(tags=["exchange"], request=None,
               responses=inline_serializer("Accepted", {"incoming": serializers.IntegerField()}))
@api_view(["POST"])
def reception_accept(request: Request, pk: int) -> Response:
    """Opens the incoming draft filled from the package; register it with the incoming API."""
    item = selectors.get_item(signed_in(request.user), pk)
    try:
        if item.kind in (ReceptionItem.Kind.RECALL, ReceptionItem.Kind.UPDATE):
            services.agree_change(by=caller(request), item=item)
            return Response({"incoming": item.incoming_id})
        document = services.accept(by=caller(request), item=item)
    except DjangoValidationError as error:
        return Response({"errors": error.messages}, status=400)
    return Response({"incoming": document.pk})


@extend_schema(tags=["exchange"], responses=inline_serializer("RecipientStatus", {
    "code": serializers.CharField(), "name": serializers.CharField(), "latest": serializers.CharField(),
    "history": serializers.ListField(child=serializers.DictField())}, many=True))
@api_view(["GET"])
def outgoing_statuses(request: Request, pk: int) -> Response:
    """Each recipient agency's latest status and history for an outgoing document the caller sees."""
    from qlvb.outgoing.selectors import get_document

    document = get_document(signed_in(request.user), pk)
    rows = selectors.status_panel(document)
    return Response([{
        "code": r["code"], "name": r["name"], "latest": r["latest"].code if r["latest"] else "",
        "history": [{"code": s.code, "label": s.label, "description": s.description,
                     "arrival_number": s.arrival_number, "at": s.at} for s in r["history"]],
    } for r in rows])

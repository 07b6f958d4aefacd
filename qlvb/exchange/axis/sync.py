"""The axis as a transport of the exchange, behind the same outbound queue and reception path as
the peer-to-peer one (transport.py): the rest of the system does not care how a package travels.

- Configuration: an AxisConnection (endpoint, system id, secret stored encrypted) and its route,
  a Peer with transport "axis" whose agency codes are the destinations reached through the axis
  (one choice per destination: an agency of this installation, a QLVB peer, or the axis).
- Sending: transport.send_one calls ``deliver`` for a message whose peer is an axis route:
  ``sendEdoc`` with the edXML bytes already signed in the queue; the axis's DocId is kept.
- Receiving: ``poll`` lists what waits (documents, then statuses), fetches each with ``getEdoc``,
  hands it to transport.receive (idempotent on the edXML DocumentId), records an AxisReceipt
  (idempotent on the axis's docId), and only then, committed, acknowledges it with
  ``updateStatus`` (``done``, or ``fail`` for a refused package). A crash between fetching and
  acknowledging leaves the package listed: the next poll takes it again and registers it once.
- The directory: ``sync_directory`` streams getAgenciesList into org's DirectoryAgency;
  ``register_agencies`` registers this installation's agencies (registerAgency).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.exchange.axis.client import AxisClient, AxisError, AxisRefused, AxisUnavailable
from qlvb.exchange.models import AxisConnection, AxisReceipt, OutboundMessage, Peer, ReceptionItem
from qlvb.org import directory
from qlvb.org.models import Agency, agency_code_validator

log = logging.getLogger(__name__)


# --- Configuration -------------------------------------------------------------------------

def _context(connection: AxisConnection) -> str:
    return f"exchange-axis:{connection.pk}"


def client_for(connection: AxisConnection, **options: Any) -> AxisClient:
    from qlvb.exchange.peers import unseal

    return AxisClient(endpoint=connection.endpoint, system_id=connection.system_id,
                      secret=unseal(connection.secret, _context(connection)), file_path=connection.file_path,
                      **options)


def route_of(connection: AxisConnection) -> Peer:
    """The Peer through which packages go to and come from this connection."""
    peer = connection.routes.order_by("id").first()
    if peer is None:
        peer = Peer.objects.create(name=connection.name, transport=Peer.Transport.AXIS, axis=connection,
                                   agency_codes="", inbound_token_hash=f"axis:{connection.pk}",
                                   is_active=connection.is_active)
    return peer


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.replace(",", "\n").splitlines() if c.strip()]


@transaction.atomic
def save_connection(*, by: Actor, connection: AxisConnection | None = None, name: str, endpoint: str,
                    system_id: str, secret: str = "", file_path: str = "", agency_codes: str = "",
                    kind: str = AxisConnection.Kind.VXP, is_active: bool = True,
                    require_signature: bool | None = None) -> AxisConnection:
    """Add or change the installation's connection to the axis (the installation's administrator).
    `agency_codes`: the destinations reached through the axis, one per line. The secret is stored
    encrypted; empty keeps it. The event names what changed, the secret only as "changed"."""
    if by.person is None or not by.person.is_superuser:
        raise NotAllowed()
    errors: dict[str, str] = {}
    if kind == AxisConnection.Kind.LGSP:
        errors["kind"] = _("The provincial gateway (LGSP) is not yet supported: its REST paths are not published. "
                           "Connect to the national axis's adapter instead.")
    if not name.strip():
        errors["name"] = _("Give the connection a name.")
    if not endpoint.strip().startswith(("http://", "https://")):
        errors["endpoint"] = _("The endpoint must be an http:// or https:// address.")
    if not system_id.strip():
        errors["system_id"] = _("Give the system id the axis issued to this installation.")
    if connection is None and not secret:
        errors["secret"] = _("Give the secret the axis issued with the system id.")
    codes = _codes(agency_codes)
    for code in codes:
        try:
            agency_code_validator(code)
        except ValidationError as error:
            errors["agency_codes"] = f"{code}: {error.messages[0]}"
    served = [c for c in codes for p in Peer.objects.filter(is_active=True, transport=Peer.Transport.QLVB)
              if c in p.codes]
    if served:
        errors["agency_codes"] = _("Already reached through another installation: %(codes)s.") % {
            "codes": ", ".join(served[:10])}
    if errors:
        raise ValidationError(errors)
    before = _shown(connection) if connection is not None else {}
    connection = connection or AxisConnection()
    connection.name, connection.kind, connection.endpoint = name.strip(), kind, endpoint.strip()
    connection.system_id, connection.file_path, connection.is_active = system_id.strip(), file_path.strip(), is_active
    connection.save()
    if secret:
        from qlvb.exchange.peers import seal

        connection.secret = seal(secret, _context(connection))
        connection.save(update_fields=["secret"])
    route = route_of(connection)
    route.name, route.agency_codes, route.is_active = connection.name, "\n".join(codes), is_active
    if require_signature is not None:
        route.require_signature = require_signature
    route.save()
    after = _shown(connection)
    events.record(verb="exchange.axis_saved", actor=by, target=connection, data={
        "name": connection.name, "endpoint": connection.endpoint, "system_id": connection.system_id,
        "codes": codes, "secret_changed": bool(secret),
        "changes": {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}})
    return connection


def _shown(connection: AxisConnection) -> dict[str, Any]:
    route = connection.routes.order_by("id").first()
    return {"name": connection.name, "endpoint": connection.endpoint, "system_id": connection.system_id,
            "file_path": connection.file_path, "is_active": connection.is_active,
            "agency_codes": route.codes if route is not None else []}


# --- Sending -------------------------------------------------------------------------------

def _sender_of(payload: bytes) -> str:
    from qlvb.exchange.edxml import parse
    from qlvb.exchange.edxml.stream import split
    from qlvb.exchange.transport import max_package_bytes

    with split(io.BytesIO(payload)) as parts:
        return parse(parts.skeleton, max_bytes=max_package_bytes(), parts=parts).from_org.code


def deliver(message: OutboundMessage) -> tuple[str, bool]:
    """(error, permanent) of sending one queued package over the axis; sets ``remote_id``.
    A refusal of the axis is retried with the queue's back-off (the administrator may fix what
    it names, e.g. an agency code not registered to the system); its message is kept for them."""
    from qlvb.exchange.edxml.errors import EdxmlError
    from qlvb.files.services import read_stored

    connection = message.peer.axis
    if connection is None or not connection.is_active:
        return _("The connection to the axis is switched off."), False
    payload = read_stored(message.payload)
    try:
        from_code = _sender_of(payload)
    except EdxmlError as error:
        return f"EdxmlError: {error.reason}", True
    try:
        client = client_for(connection, retries=1)
        doc_id = client.send_edoc(payload, from_code=from_code,
                                  message_type="edoc" if message.kind == OutboundMessage.Kind.DOCUMENT else "status")
    except AxisError as error:
        return f"{type(error).__name__}: {error}", False
    except Exception as error:  # noqa: BLE001 - e.g. the secret cannot be decrypted: kept for the administrator
        log.exception("axis: sending %s", message.pk)
        return f"{type(error).__name__}: {str(error)[:300]}", False
    message.remote_id = doc_id[:100]
    return "", False


# --- Receiving -----------------------------------------------------------------------------

def poll(connection: AxisConnection, *, client: AxisClient | None = None) -> dict[str, int]:
    """Take what waits on the axis for this installation (see the module's docstring). Must run
    outside a transaction: each package is committed before it is acknowledged."""
    client = client or client_for(connection)
    route = route_of(connection)
    counts = {"stored": 0, "duplicate": 0, "refused": 0, "acknowledged": 0, "errors": 0}
    error = ""
    try:
        for message_type in ("edoc", "status"):
            for entry in client.received(message_type):
                try:
                    _take(connection, route, client, entry.doc_id, entry.from_code, message_type, counts)
                except AxisError as failure:  # this package waits for the next poll; the others go on
                    counts["errors"] += 1
                    error = str(failure)
    except AxisError as failure:
        counts["errors"] += 1
        error = str(failure)
    AxisConnection.objects.filter(pk=connection.pk).update(
        last_poll_at=timezone.now(), last_poll_error=error[:1000], last_poll_received=counts["stored"])
    return counts


def _take(connection: AxisConnection, route: Peer, client: AxisClient, doc_id: str, from_code: str,
          message_type: str, counts: dict[str, int]) -> None:
    from qlvb.exchange.transport import receive

    receipt = AxisReceipt.objects.filter(connection=connection, doc_id=doc_id).first()
    if receipt is None:
        data = client.get_edoc(doc_id)
        result = receive(data, source=ReceptionItem.Source.PEER, peer=route,
                         require_signature=route.require_signature, vouched_sender=from_code)
        state = AxisReceipt.State.STORED if result.ok else AxisReceipt.State.REFUSED
        receipt, created = AxisReceipt.objects.get_or_create(connection=connection, doc_id=doc_id[:100], defaults={
            "message_type": message_type, "from_code": from_code[:35], "state": state,
            "reason": result.reason[:1000], "item": result.items[0] if result.items else None})
        if created:
            key = "refused" if not result.ok else "duplicate" if result.duplicate else "stored"
            counts[key] += 1
    if receipt.state in (AxisReceipt.State.STORED, AxisReceipt.State.REFUSED):
        stored = receipt.state == AxisReceipt.State.STORED
        client.update_status(doc_id, "done" if stored else "fail")
        receipt.state = AxisReceipt.State.DONE if stored else AxisReceipt.State.FAILED
        receipt.acknowledged_at = timezone.now()
        receipt.save(update_fields=["state", "acknowledged_at"])
        counts["acknowledged"] += 1
    elif receipt.state in (AxisReceipt.State.DONE, AxisReceipt.State.FAILED):
        # Acknowledged, yet listed again (the axis lost the acknowledgement): say it once more.
        client.update_status(doc_id, "done" if receipt.state == AxisReceipt.State.DONE else "fail")
        counts["acknowledged"] += 1


def poll_all() -> dict[str, int]:
    total: dict[str, int] = {}
    for connection in AxisConnection.objects.filter(is_active=True, kind=AxisConnection.Kind.VXP):
        try:
            counts = poll(connection)
        except Exception as error:  # noqa: BLE001 - e.g. a secret that cannot be decrypted
            log.exception("axis: polling %s", connection.pk)
            AxisConnection.objects.filter(pk=connection.pk).update(
                last_poll_at=timezone.now(), last_poll_error=f"{type(error).__name__}: {str(error)[:900]}")
            continue
        for key, value in counts.items():
            total[key] = total.get(key, 0) + value
    return total


# --- The directory -------------------------------------------------------------------------

def sync_directory(connection: AxisConnection, *, by: Actor | None = None,
                   client: AxisClient | None = None) -> directory.Loaded:
    """The national directory from getAgenciesList, streamed into DirectoryAgency in batches;
    old codes kept as aliases; codes no longer listed retired (kept)."""
    client = client or client_for(connection)
    rows = ({"code": a.code, "name": a.name, "email": a.mail, "axis_id": a.id, "axis_parent_id": a.pid,
             "old_code": a.old_code} for a in client.agencies())
    started = timezone.now()
    try:
        loaded = directory.load_stream(rows, complete=True)
    except AxisError as error:
        AxisConnection.objects.filter(pk=connection.pk).update(directory_result={
            "at": started.isoformat(), "error": str(error)[:500]})
        raise
    result = {"at": started.isoformat(), "added": loaded.added, "updated": loaded.updated,
              "retired": loaded.retired, "seconds": round((timezone.now() - started).total_seconds(), 1)}
    AxisConnection.objects.filter(pk=connection.pk).update(directory_synced_at=timezone.now(),
                                                           directory_result=result)
    events.record(verb="exchange.axis_directory_synced", actor=by, target=connection, data=result)
    return loaded


def local_agencies() -> list[Agency]:
    """The agencies of this installation: active, not reached through a peer or the axis."""
    elsewhere = {c for p in Peer.objects.filter(is_active=True) for c in p.codes}
    return [a for a in Agency.objects.filter(is_active=True).select_related("parent").order_by("code")
            if a.code not in elsewhere]


def register_agencies(*, by: Actor, connection: AxisConnection, agencies: Iterable[Agency],
                      client: AxisClient | None = None) -> list[str]:
    """Register agencies of this installation with the axis as this system's (registerAgency,
    the parent's code as `pcode`), so packages may be sent from and to them. Stops at the first
    refusal (AxisRefused, with the axis's message); the ones registered before it stay."""
    if by.person is None or not by.person.is_superuser:
        raise NotAllowed()
    client = client or client_for(connection)
    done = []
    for agency in agencies:
        client.register_agency(code=agency.code, name=agency.name,
                               parent_code=agency.parent.code if agency.parent_id and agency.parent else "",
                               mail=agency.email, mobile=agency.phone)
        done.append(agency.code)
        events.record(verb="exchange.axis_agency_registered", actor=by, agency=agency, target=connection,
                      data={"code": agency.code, "name": agency.name})
    return done


__all__ = ["AxisRefused", "AxisUnavailable", "client_for", "deliver", "poll", "poll_all", "register_agencies",
           "route_of", "save_connection", "sync_directory"]

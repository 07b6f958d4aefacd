"""edXML between installations (QCVN 102:2016): building and signing packages, the persistent
outbound queue with retries and back-off, and receiving packages (from a peer's POST or an
official mailbox) into reception queues and statuses into the sender's history.

Delivery is at-least-once: a package stays in the outbound queue until the peer answers 2xx,
which it does only after the package is committed on its side; the receiver registers a package
received twice once (ReceptionItem is unique on receiver, sender, document id and kind; a status
on outgoing document, recipient, code and time). So either side may be killed mid-transfer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import events
from qlvb.exchange.edxml import model as edxml
from qlvb.exchange.edxml import parse as parse_package
from qlvb.exchange.edxml.build import build_document, build_status
from qlvb.exchange.edxml.codes import BusinessDocType
from qlvb.exchange.edxml.errors import EdxmlError
from qlvb.exchange.edxml.stream import Split
from qlvb.exchange.edxml.stream import split as split_package
from qlvb.exchange.models import OutboundMessage, Peer, ReceptionFile, ReceptionItem
from qlvb.files.services import delete_blobs, read_stored, store_bytes, store_file
from qlvb.org.models import Agency
from qlvb.outgoing.models import OutgoingDocument

log = logging.getLogger(__name__)

ENDPOINT = "/api/v1/exchange/packages/"
MAX_ATTEMPTS = 60
BASE_DELAY = 30  # seconds; doubled at each failure, capped at MAX_DELAY
MAX_DELAY = 3600
KINDS = {BusinessDocType.NEW: ReceptionItem.Kind.NEW, BusinessDocType.REVOCATION: ReceptionItem.Kind.RECALL,
         BusinessDocType.UPDATE: ReceptionItem.Kind.UPDATE, BusinessDocType.REPLACEMENT: ReceptionItem.Kind.REPLACE}
BUSINESS: dict[str, BusinessDocType] = {v: k for k, v in KINDS.items()}
ARRIVAL = re.compile(r"(?:số đến|arrival number)\D{0,5}(\d{1,9})", re.IGNORECASE)


def max_package_bytes() -> int:
    """QLVB_EXCHANGE_MAX_BYTES (setting or environment variable). By default what the largest
    document QLVB itself takes needs: a file at the upload limit (QLVB_MAX_UPLOAD_BYTES, 50 MB) in
    base64 (4/3, 66.7 MB) plus 8 MB for the header and smaller files, 74.7 MB. The package is
    read from a file (see receive), so the limit does not set the memory a package takes."""
    value = getattr(settings, "QLVB_EXCHANGE_MAX_BYTES", None) or os.environ.get("QLVB_EXCHANGE_MAX_BYTES")
    if value:
        return int(value)
    upload = int(getattr(settings, "QLVB_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))
    return upload * 4 // 3 + 8 * 1024 * 1024


# --- Signing -------------------------------------------------------------------------------

def _sign(xml: bytes, agency: Agency) -> bytes:
    from qlvb.exchange.edxml.agency import sign_for_agency

    return sign_for_agency(xml, agency)


def _check_signature(data: bytes, package: edxml.DocumentPackage | edxml.StatusPackage, *,
                     require: bool, parts: Split | None = None) -> tuple[bool, str]:
    """(valid, what the clerk is told). Required: a missing, broken or untrusted signature
    refuses the package (EdxmlError). Not required (a source the administrator set to take
    packages whose signature cannot be checked, e.g. another vendor's samples): the result is
    shown to the clerk, who decides."""
    from qlvb.exchange.edxml import dsig
    from qlvb.exchange.edxml.agency import installation_anchors

    roots, intermediates = installation_anchors()
    try:
        signer = dsig.verify(data, trust_roots=roots, intermediates=intermediates, require=require, parts=parts)
    except EdxmlError as error:
        if require:
            raise
        if error.code != "untrusted":
            return False, _("Signature NOT valid: %(reason)s") % {"reason": error.reason}
        signer = dsig.verify(data, trust_roots=None, require=False, parts=parts)
    if signer is None:
        return False, _("The package is not signed.")
    if signer.agency_code and signer.agency_code != package.from_org.code:
        mismatch = EdxmlError("untrusted", _("The package from %(sender)s is signed with the certificate of another "
                                             "agency (%(signer)s)."), sender=package.from_org.code,
                              signer=signer.agency_code)
        if require:
            raise mismatch
        return False, _("Signature NOT valid: %(reason)s") % {"reason": mismatch.reason}
    note = _("Signed by %(name)s") % {"name": signer.common_name or signer.subject}
    if not signer.trusted:
        return False, note + " " + _("(certificate not from a trusted authority)")
    return True, note


# --- Building ------------------------------------------------------------------------------

def _organization(agency: Agency) -> edxml.Organization:
    in_charge = agency.parent.name if agency.parent_id and agency.parent is not None else agency.name
    return edxml.Organization(code=agency.code, name=agency.name, in_charge=in_charge, address=agency.address,
                              email=agency.email, phone=agency.phone, website=agency.website)


def _signer(document: OutgoingDocument) -> edxml.Signer:
    """SignerInfo as the signature block prints it (NĐ30 Phụ lục VI): the first line is the
    signing authority ("KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN", or the signer's own title when he
    signs in his own name), the last one his position."""
    from qlvb.outgoing.issuing import signer_title

    if document.signer is None:
        return edxml.Signer()
    lines = [line.strip() for line in (document.signer_title or signer_title(document)).splitlines() if line.strip()]
    return edxml.Signer(competence=lines[0] if lines else "", position=lines[-1].title() if lines else "",
                        full_name=document.signer.full_name)


def _staff(document: OutgoingDocument) -> edxml.Staff:
    """The clerk who issued it, with her unit, e-mail and phone."""
    from qlvb.org.models import Post

    person = document.issued_by
    if person is None:
        return edxml.Staff()
    post = (Post.objects.filter(person=person, agency=document.agency, end_date__isnull=True)
            .select_related("unit").order_by("is_concurrent", "id").first())
    return edxml.Staff(department=post.unit.name if post is not None else "", name=person.full_name,
                       email=person.email, mobile=person.phone)


def _to_places(document: OutgoingDocument, receivers: dict[str, Agency], receiver_codes: list[str]) -> tuple[str, ...]:
    """Nơi nhận as the document prints it: every recipient, not only this package's."""
    names = [r.name or (r.agency.name if r.agency is not None else "") or (r.unit.name if r.unit is not None else "")
             or (r.person.full_name if r.person is not None else "")
             for r in document.recipients.select_related("agency", "unit", "person").order_by("id")]
    return tuple(dict.fromkeys(n for n in names if n)) or tuple(
        receivers[c].name if c in receivers else c for c in receiver_codes)


def document_package(document: OutgoingDocument, receiver_codes: list[str], *,
                     kind: str = ReceptionItem.Kind.NEW, reason: str = "",
                     about: OutgoingDocument | None = None, files: list | None = None) -> edxml.DocumentPackage:
    """The edXML package of an issued document (or of its recall/update/replacement; an update
    carries the new files only)."""
    from qlvb.exchange.services import outgoing_document_id
    from qlvb.outgoing.services import settings_for

    receivers = {a.code: a for a in Agency.objects.filter(code__in=receiver_codes)}
    attachments = []
    if files is not None:
        attachments = [edxml.Attachment(content_id=f"cid:{i}", name=name, mime_type=stored.content_type,
                                        data=read_stored(stored)) for i, (name, stored) in enumerate(files, start=1)]
    elif kind == ReceptionItem.Kind.RECALL:
        pass
    elif document.issued_file is not None:
        attachments.append(edxml.Attachment(content_id="cid:1", name=f"{document.reference.replace('/', '-')}.pdf",
                                            mime_type="application/pdf", description=document.summary[:200],
                                            data=read_stored(document.issued_file)))
    appendixes = []  # OtherInfo/Appendixes: the documents sent with it, by name
    for index, attachment in enumerate(document.attachments.order_by("order", "id") if files is None and
                                       kind != ReceptionItem.Kind.RECALL else [], start=2):
        stored = attachment.signed or attachment.stored
        appendixes.append(attachment.name)
        attachments.append(edxml.Attachment(content_id=f"cid:{index}", name=attachment.name,
                                            mime_type=stored.content_type, data=read_stored(stored)))
    issued = timezone.localtime(document.issued_at) if document.issued_at else timezone.localtime()
    business = BUSINESS[kind]
    about_id = outgoing_document_id(about) if about is not None else ""
    extra: dict[str, Any] = {}
    if business == BusinessDocType.UPDATE:
        extra["business_document_id"] = about_id or outgoing_document_id(document)
    if business == BusinessDocType.REPLACEMENT and about is not None:
        extra["replacements"] = [edxml.ReplacementInfo(document_id=about_id, organ_ids=tuple(receiver_codes))]
    return edxml.DocumentPackage(
        document_id=outgoing_document_id(document), from_org=_organization(document.agency),
        to_orgs=tuple(_organization(receivers[c]) if c in receivers else edxml.Organization(code=c)
                      for c in receiver_codes),
        code_number=f"{document.number:02d}" if document.number is not None else "",
        code_notation=document.notation, promulgation_place=settings_for(document.agency).place,
        promulgation_date=issued.date(), document_type=document.doc_type, subject=document.summary,
        content=document.summary, signer=_signer(document), due_date=document.reply_deadline,
        urgency=document.urgency, promulgation_amount=document.copies or None,
        page_amount=document.issued_file.page_count if document.issued_file is not None else None,
        appendixes=tuple(appendixes),
        to_places=_to_places(document, receivers, receiver_codes),
        business_doc_type=business, business_reason=reason, staff=_staff(document),
        traces=(edxml.Trace(organ_id=document.agency.code, timestamp=timezone.now()),),
        attachments=tuple(attachments), **extra)


def _enqueue(*, peer: Peer, kind: str, key: str, payload: bytes, document_id: str = "",
             outgoing: OutgoingDocument | None = None) -> OutboundMessage:
    stored = store_bytes(payload, name="package.edxml")
    message, created = OutboundMessage.objects.get_or_create(key=key[:300], defaults={
        "peer": peer, "kind": kind, "payload": stored, "document_id": document_id[:200], "outgoing": outgoing})
    if created:
        transaction.on_commit(_kick)
    return message


def _kick() -> None:
    """Send at once in the background (huey); the periodic task catches up on what fails."""
    try:
        from qlvb.exchange.tasks import send_exchange_queue

        send_exchange_queue()
    except Exception:  # noqa: BLE001 - the queue is persistent: the periodic task retries
        log.exception("could not schedule the exchange queue")


def enqueue_document(*, document: OutgoingDocument, peer: Peer, receiver_codes: list[str],
                     kind: str = ReceptionItem.Kind.NEW, reason: str = "",
                     about: OutgoingDocument | None = None, files: list | None = None) -> OutboundMessage:
    if document.secrecy:
        raise EdxmlError("secret")
    package = document_package(document, receiver_codes, kind=kind, reason=reason, about=about, files=files)
    payload = _sign(build_document(package), document.agency)
    return _enqueue(peer=peer, kind=OutboundMessage.Kind.DOCUMENT, payload=payload,
                    key=f"doc:{package.document_id}:{kind}:{peer.pk}:{','.join(sorted(receiver_codes))}",
                    document_id=package.document_id, outgoing=document)


def enqueue_status(*, item: ReceptionItem, code: str, description: str, arrival_number: str = "",
                   staff_name: str = "") -> OutboundMessage:
    now = timezone.now()
    if arrival_number and not ARRIVAL.search(description):
        description = f"{description} (Số đến: {arrival_number})"
    fields = item.fields or {}
    promulgated = fields.get("document_date")
    receiver, peer = item.receiver, item.peer
    assert receiver is not None and peer is not None  # send_status: a package from a peer to one of our agencies
    package = edxml.StatusPackage(
        from_org=_organization(receiver),
        to_org=edxml.Organization(code=item.sender_code, name=item.sender_name),
        response_for=edxml.DocumentRef(organ_id=item.sender_code, code=item.reference, document_id=item.document_id,
                                       promulgation_date=dt.date.fromisoformat(promulgated) if promulgated else None),
        status_code=code, timestamp=now, description=description[:1000] or "",
        staff=edxml.Staff(name=staff_name, department=receiver.name))
    payload = _sign(build_status(package), receiver)
    return _enqueue(peer=peer, kind=OutboundMessage.Kind.STATUS, payload=payload, document_id=item.document_id,
                    key=f"status:{receiver.code}:{item.document_id}:{item.kind}:{code}:{now.isoformat()}")


# --- Sending -------------------------------------------------------------------------------

def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(MAX_DELAY, BASE_DELAY * 2 ** max(0, attempts - 1)))


def post(peer: Peer, payload: bytes, key: str, timeout: float = 30.0) -> tuple[int, str]:
    from qlvb.exchange.peers import outbound_token

    request = urllib.request.Request(  # noqa: S310 - http(s) URL set by the administrator
        peer.base_url.rstrip("/") + ENDPOINT, data=payload, method="POST",
        headers={"Content-Type": "application/xml", "Authorization": f"Bearer {outbound_token(peer)}",
                 "Idempotency-Key": hashlib.sha256(key.encode()).hexdigest()})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - admin-set URL
            return response.status, response.read(2000).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read(2000).decode("utf-8", "replace")


def _post_to_peer(message: OutboundMessage) -> tuple[str, bool]:
    """(error, permanent) of one POST to a QLVB peer; no error when it took the package."""
    try:
        status, body = post(message.peer, read_stored(message.payload), message.key)
        error = "" if 200 <= status < 300 else f"HTTP {status}: {body[:300]}"
    except (OSError, urllib.error.URLError) as exc:
        status, error = 0, f"{type(exc).__name__}: {str(exc)[:300]}"
    return error, 400 <= status < 500 and status not in (401, 403, 408, 409, 423, 429)


def send_one(message: OutboundMessage) -> bool:
    """Try to send one message (to a QLVB peer, or over the axis: the peer's transport); True
    when it was taken."""
    now = timezone.now()
    if message.peer.transport == Peer.Transport.AXIS:
        from qlvb.exchange.axis.sync import deliver

        error, permanent = deliver(message)
    else:
        error, permanent = _post_to_peer(message)
    message.attempts += 1
    if not error:
        message.state, message.sent_at, message.last_error = OutboundMessage.State.SENT, now, ""
    else:
        if permanent or message.attempts >= MAX_ATTEMPTS:
            message.state = OutboundMessage.State.FAILED
        message.last_error = error[:500]
        message.next_attempt_at = now + _backoff(message.attempts)
    message.save(update_fields=["state", "sent_at", "last_error", "attempts", "next_attempt_at", "remote_id"])
    return not error


def send_due(*, limit: int = 200, now: dt.datetime | None = None) -> dict[str, int]:
    """Send what is due (the periodic task and `manage.py send_exchange_queue`)."""
    now = now or timezone.now()
    sent = failed = 0
    due = list(OutboundMessage.objects.filter(state=OutboundMessage.State.PENDING, next_attempt_at__lte=now,
                                              peer__is_active=True).select_related("peer", "payload")
               .order_by("next_attempt_at", "id")[:limit])
    down: set[int] = set()
    for message in due:
        if message.peer_id in down:  # one refused connection is enough to wait for this peer
            message.next_attempt_at = now + _backoff(message.attempts + 1)
            message.save(update_fields=["next_attempt_at"])
            continue
        if send_one(message):
            sent += 1
        else:
            failed += 1
            if message.last_error.startswith(("URLError", "ConnectionRefusedError", "TimeoutError", "AxisUnavailable")):
                down.add(message.peer_id)
    return {"sent": sent, "failed": failed}


# --- Receiving -----------------------------------------------------------------------------

@dataclass
class Received:
    ok: bool
    reason: str = ""
    code: str = ""
    items: list[ReceptionItem] | None = None
    duplicate: bool = False


def _sha256(stream: IO[bytes]) -> tuple[str, int]:
    stream.seek(0)
    hasher, size = hashlib.sha256(), 0
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        hasher.update(chunk)
        size += len(chunk)
    return hasher.hexdigest(), size


def _refuse(*, reason: str, code: str, source: str, data: IO[bytes], peer: Peer | None = None, mailbox: Any = None,
            sender_code: str = "", receiver: Agency | None = None) -> Received:
    """Record why a package was refused (shown to the administrator and, when the receiving
    agency is known, in its queue) and keep nothing of the package: no file, only this audit
    record (an `invalid` item named by the package's SHA-256, never by its DocumentId)."""
    digest, size = _sha256(data)
    with transaction.atomic():
        try:
            with transaction.atomic():
                item = ReceptionItem.objects.create(
                    receiver=receiver, source=source, peer=peer, mailbox=mailbox, sender_code=sender_code[:35],
                    document_id=f"invalid:{digest[:64]}", state=ReceptionItem.State.INVALID, reason=reason[:2000],
                    summary=_("Package refused: %(reason)s") % {"reason": reason[:400]})
        except IntegrityError:
            item = None
        if item is not None:
            events.record(verb="exchange.invalid", agency=receiver, target=item,
                          data={"code": code, "reason": reason[:300], "peer": peer.pk if peer else None,
                                "sha256": digest, "size": size})
    return Received(ok=False, reason=reason, code=code)


def _local_agencies(codes: list[str]) -> list[Agency]:
    """The agencies of this installation a package is addressed to; a code the directory keeps as
    an alias of a newer one (the axis's oldCode) finds the agency under its new code."""
    from qlvb.org.models import DirectoryAgency

    served_elsewhere = {c for p in Peer.objects.filter(is_active=True) for c in p.codes}
    wanted = [c for c in codes if c not in served_elsewhere]
    found = list(Agency.objects.filter(code__in=wanted, is_active=True))
    unknown = set(wanted) - {a.code for a in found}
    if unknown:
        renamed = set(DirectoryAgency.objects.filter(code__in=unknown).exclude(replaced_by="")
                      .values_list("replaced_by", flat=True)) - served_elsewhere - {a.code for a in found}
        found += list(Agency.objects.filter(code__in=renamed, is_active=True))
    return found


def _fields_of(package: edxml.DocumentPackage) -> dict[str, Any]:
    return {
        "number": package.code_number[:11], "notation": package.code_notation[:30],
        "document_date": package.promulgation_date.isoformat() if package.promulgation_date else "",
        "doc_type": package.document_type, "type_name": package.document_type_name, "summary": package.subject,
        "urgency": package.urgency, "signer_name": package.signer.full_name,
        "signer_position": " ".join(p for p in (package.signer.competence, package.signer.position) if p),
        "pages": package.page_amount, "copies": package.promulgation_amount,
        "reply_deadline": package.due_date.isoformat() if package.due_date else "",
        "place": package.promulgation_place, "reason": package.business_reason,
        "warnings": [str(w) for w in package.warnings][:20],
    }


def receive(data: bytes | IO[bytes], *, source: str, peer: Peer | None = None, mailbox: Any = None,
            require_signature: bool = True, default_receiver: Agency | None = None,
            vouched_sender: str = "") -> Received:
    """Take one edXML package (bytes, or a seekable binary file: the endpoint spools the request
    body to one): verify, parse, and store it for every local agency it is for, in one
    transaction; or refuse it with a reason. Never raises for bad input.

    The package is read by ``edxml.stream.split``: its attachments are decoded into temporary
    files and stored from there, so a package takes about a megabyte of memory plus its header,
    whatever its size. A refused package, or one every receiver already has (a duplicate),
    leaves nothing but its audit record: nothing is stored before that is known.

    `vouched_sender`: the agency code the transport authenticated (the axis's `from`): a package
    saying it is from another agency is refused. A QLVB peer vouches for the codes it serves."""
    stream: IO[bytes] = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    size = stream.seek(0, os.SEEK_END)
    if size > max_package_bytes():
        return _refuse(reason=str(EdxmlError("too_large").reason), code="too_large", source=source,
                       data=io.BytesIO(_head(stream)), peer=peer, mailbox=mailbox)
    try:
        parts = split_package(stream, directory=getattr(settings, "FILE_UPLOAD_TEMP_DIR", None))
    except EdxmlError as error:
        return _refuse(reason=error.reason, code=error.code, source=source, data=stream, peer=peer, mailbox=mailbox)
    with parts:
        return _receive_split(parts, stream=stream, source=source, peer=peer, mailbox=mailbox,
                              require_signature=require_signature, default_receiver=default_receiver,
                              vouched_sender=vouched_sender)


def _head(stream: IO[bytes]) -> bytes:
    stream.seek(0)
    return stream.read(1024)


def _receive_split(parts: Split, *, stream: IO[bytes], source: str, peer: Peer | None, mailbox: Any,
                   require_signature: bool, default_receiver: Agency | None, vouched_sender: str = "") -> Received:
    try:
        package = parse_package(parts.skeleton, max_bytes=max_package_bytes(), parts=parts)
        signature_ok, signature = _check_signature(parts.skeleton, package, require=require_signature, parts=parts)
    except EdxmlError as error:
        return _refuse(reason=error.reason, code=error.code, source=source, data=stream, peer=peer, mailbox=mailbox)
    sender = package.from_org.code
    if vouched_sender and sender != vouched_sender:
        return _refuse(reason=_("The package says it is from %(code)s but the axis delivered it from %(vouched)s.") % {
            "code": sender, "vouched": vouched_sender}, code="unknown_agency", source=source, data=stream, peer=peer,
            mailbox=mailbox, sender_code=sender)
    if peer is not None and peer.transport == Peer.Transport.QLVB and sender not in peer.codes:
        return _refuse(reason=_("The sending agency %(code)s is not served by this peer.") % {"code": sender},
                       code="unknown_agency", source=source, data=stream, peer=peer, mailbox=mailbox,
                       sender_code=sender)
    if isinstance(package, edxml.StatusPackage):
        return _receive_status(package, data=stream, source=source, peer=peer, mailbox=mailbox)
    receivers = _local_agencies([o.code for o in package.to_orgs])
    if not receivers and default_receiver is not None:  # mailed to the agency's official mailbox
        receivers = [default_receiver]
    if not receivers:
        return _refuse(reason=_("No agency of this installation has the receiving code (%(codes)s).") % {
            "codes": ", ".join(o.code for o in package.to_orgs)[:300]}, code="unknown_agency", source=source,
            data=stream, peer=peer, mailbox=mailbox, sender_code=sender)
    kind = KINDS[package.business_doc_type]
    have = {item.receiver_id: item for item in ReceptionItem.objects.filter(
        receiver__in=receivers, sender_code=sender, document_id=package.document_id, kind=kind)}
    if all(receiver.pk in have for receiver in receivers):  # a duplicate: keep nothing of it
        return Received(ok=True, items=[have[receiver.pk] for receiver in receivers], duplicate=True)
    items, created_any, written = [], False, []
    with transaction.atomic():
        try:
            stored_package, wrote = store_file(stream, name="package.edxml")
            written += [stored_package.storage_name] if wrote else []
            stored_files = []
            for attachment in package.attachments:
                if not attachment.size:
                    continue
                with attachment.open() as handle:
                    stored, wrote = store_file(handle, name=attachment.name)
                written += [stored.storage_name] if wrote else []
                stored_files.append((attachment, stored))
            for receiver in receivers:
                item, created = _store_item(package, receiver=receiver, kind=kind, source=source, peer=peer,
                                            mailbox=mailbox, stored_package=stored_package, files=stored_files,
                                            signature=signature, signature_ok=signature_ok)
                items.append(item)
                created_any = created_any or created
            if not created_any:  # another worker took the same package meanwhile: ours is a duplicate
                delete_blobs(written)  # while our rows still hold the content's unique key
                transaction.set_rollback(True)
        except BaseException:
            delete_blobs(written)
            raise
    return Received(ok=True, items=items, duplicate=not created_any)


def _store_item(package: edxml.DocumentPackage, *, receiver: Agency, kind: str, source: str, peer: Peer | None,
                mailbox: Any, stored_package: Any, files: list, signature: str,
                signature_ok: bool) -> tuple[ReceptionItem, bool]:
    from qlvb.exchange.services import send_status

    sender = package.from_org.code
    existing = ReceptionItem.objects.filter(receiver=receiver, sender_code=sender, document_id=package.document_id,
                                            kind=kind).first()
    if existing is not None:
        return existing, False
    original = None
    if kind != ReceptionItem.Kind.NEW:
        about = [package.document_id, *package.replaced_document_ids]
        original = (ReceptionItem.objects.filter(receiver=receiver, sender_code=sender, document_id__in=about,
                                                 kind=ReceptionItem.Kind.NEW).order_by("-received_at").first())
    fields = _fields_of(package)
    fields["signature"], fields["signature_ok"] = signature, signature_ok
    try:
        with transaction.atomic():
            item = ReceptionItem.objects.create(
                receiver=receiver, source=source, peer=peer, mailbox=mailbox, kind=kind, sender_code=sender[:35],
                sender_name=package.from_org.name[:200],
                sender_agency=Agency.objects.filter(code=sender).first(), document_id=package.document_id[:200],
                package=stored_package, fields=fields, reference=package.number_notation[:60],
                summary=package.subject[:500], doc_type=package.document_type[:4], urgent=bool(package.urgency),
                reason=package.business_reason[:2000] if kind != ReceptionItem.Kind.NEW else "", original=original)
    except IntegrityError:  # the same package, received at the same moment by another worker
        return ReceptionItem.objects.get(receiver=receiver, sender_code=sender, document_id=package.document_id,
                                         kind=kind), False
    for order, (attachment, stored) in enumerate(files):
        ReceptionFile.objects.create(item=item, stored=stored, name=attachment.name[:255], order=order,
                                     role=ReceptionFile.Role.MAIN if order == 0 else ReceptionFile.Role.ATTACHMENT)
    events.record(verb="exchange.arrived", agency=receiver, target=item,
                  data={"from": sender, "kind": kind, "document_id": item.document_id, "source": source})
    if kind == ReceptionItem.Kind.NEW:
        send_status(item, "01", _("Arrived in the reception queue."))
    return item, True


def _receive_status(package: edxml.StatusPackage, *, data: IO[bytes], source: str, peer: Peer | None,
                    mailbox: Any) -> Received:
    from qlvb.exchange.services import record_status

    sent = (OutboundMessage.objects.filter(kind=OutboundMessage.Kind.DOCUMENT, document_id=package.document_id,
                                           outgoing__isnull=False).select_related("outgoing").first())
    if sent is None:
        received = (ReceptionItem.objects.filter(sender_code=package.from_org.code, document_id=package.document_id,
                                                 kind=ReceptionItem.Kind.NEW).select_related("receiver").first())
        if received is not None:
            return _status_from_sender(package, received, source=source, peer=peer, mailbox=mailbox)
        return _refuse(reason=_("The status is about a document this installation did not send (%(id)s).") % {
            "id": package.document_id[:200]}, code="unknown_document", source=source, data=data, peer=peer,
            mailbox=mailbox, sender_code=package.from_org.code)
    assert sent.outgoing is not None  # filtered on outgoing__isnull=False
    match = ARRIVAL.search(package.description or "")
    with transaction.atomic():
        record_status(outgoing=sent.outgoing, recipient_code=package.from_org.code,
                      recipient_name=package.from_org.name, code=package.status_code,
                      description=package.description, arrival_number=match.group(1) if match else "",
                      staff_name=package.staff.name if package.staff else "",
                      at=package.timestamp or timezone.now(),
                      recipient_agency=Agency.objects.filter(code=package.from_org.code).first())
    return Received(ok=True)


def _status_from_sender(package: edxml.StatusPackage, original: ReceptionItem, *, source: str, peer: Peer | None,
                        mailbox: Any) -> Received:
    """A status the sender sends about a document it sent us: 13 asks to take it back (a recall
    for the clerk to agree to or refuse); anything else is noted on the item's timeline."""
    with transaction.atomic():
        if package.status_code == "13":
            item, _created = ReceptionItem.objects.get_or_create(
                receiver=original.receiver, sender_code=original.sender_code, document_id=original.document_id,
                kind=ReceptionItem.Kind.RECALL, defaults={
                    "source": source, "peer": peer, "mailbox": mailbox, "sender_name": original.sender_name,
                    "sender_agency": original.sender_agency, "fields": original.fields,
                    "reference": original.reference, "summary": original.summary, "doc_type": original.doc_type,
                    "urgent": original.urgent, "reason": package.description[:2000], "original": original})
            return Received(ok=True, items=[item], duplicate=not _created)
        events.record(verb="exchange.status_received", agency=original.receiver_id, target=original, data={
            "from": package.from_org.code, "code": package.status_code, "description": package.description[:300]})
    return Received(ok=True, items=[original])

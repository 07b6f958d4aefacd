"""Exchange between agencies (R8, R16): packages into reception queues, the clerk's acceptance
or rejection, statuses back to the sender, recall/update/replacement.

Inside the installation a package is the issued document itself (rows, no XML): a ReceptionItem
for each receiving agency, and statuses written straight into the sender's history. Towards other
installations the same steps go through edXML packages and the outbound queue (see transport.py).
Rows are locked in the one order of docs/architecture.md ("Lock order"): documents first, the event
chains of several agencies last and all at once (events.lock_chains).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.core.doctypes import DOCUMENT_TYPE_NAMES
from qlvb.core.errors import NotAllowed
from qlvb.core.text import as_id
from qlvb.exchange.models import STATUS_CODES, DeliveryStatus, Peer, ReceptionFile, ReceptionItem
from qlvb.incoming import rules as incoming_rules
from qlvb.incoming import services as incoming
from qlvb.incoming.models import IncomingDocument
from qlvb.org.models import Agency
from qlvb.outgoing import rules as outgoing_rules
from qlvb.outgoing import services as outgoing
from qlvb.outgoing.models import Delivery, OutgoingDocument

CHANGE_KINDS = (ReceptionItem.Kind.RECALL, ReceptionItem.Kind.UPDATE, ReceptionItem.Kind.REPLACE)


def peer_for_code(code: str) -> Peer | None:
    """The active peer that serves this agency code, if the agency lives on another installation."""
    for peer in Peer.objects.filter(is_active=True):
        if code in peer.codes:
            return peer
    return None


# --- Sending -------------------------------------------------------------------------------

def _outgoing_fields(document: OutgoingDocument) -> dict[str, Any]:
    issued = timezone.localtime(document.issued_at).date() if document.issued_at else timezone.localdate()
    return {
        "number": f"{document.number:02d}" if document.number is not None else "", "notation": document.notation,
        "document_date": issued.isoformat(), "doc_type": document.doc_type, "summary": document.summary,
        "urgency": document.urgency, "secrecy": document.secrecy, "priority": document.priority,
        "signer_name": document.signer.full_name if document.signer is not None else "",
        "signer_position": (document.signer_title or "").split("\n")[-1].title(),
        "pages": document.issued_file.page_count if document.issued_file is not None else None,
        "copies": document.copies,
        # The reply deadline the drafter asked for, never the agency's own handling deadline.
        "reply_deadline": document.reply_deadline.isoformat() if document.reply_deadline else "",
    }


def outgoing_document_id(document: OutgoingDocument) -> str:
    """edXML DocumentId: `agency code,yyyy/MM/dd,number/notation`."""
    issued = timezone.localtime(document.issued_at) if document.issued_at else timezone.localtime()
    return f"{document.agency.code},{issued:%Y/%m/%d},{document.reference}"


def _copy_files(item: ReceptionItem, document: OutgoingDocument) -> None:
    order = 0
    if document.issued_file is not None:
        ReceptionFile.objects.create(item=item, stored=document.issued_file, role=ReceptionFile.Role.MAIN,
                                     name=f"{document.reference.replace('/', '-')}.pdf", order=order)
    for index, attachment in enumerate(document.attachments.order_by("order", "id"), start=1):
        ReceptionFile.objects.create(item=item, stored=attachment.signed or attachment.stored,
                                     role=ReceptionFile.Role.ATTACHMENT, name=attachment.name, order=order + index)


def _arrive_inside(document: OutgoingDocument, receiver: Agency, *, kind: str = ReceptionItem.Kind.NEW,
                   reason: str = "", original: ReceptionItem | None = None) -> ReceptionItem:
    """Put the issued document (or a change of it) into the reception queue of an agency of this
    installation, and tell the sender it arrived (01)."""
    item, created = ReceptionItem.objects.get_or_create(
        receiver=receiver, sender_code=document.agency.code, document_id=outgoing_document_id(document), kind=kind,
        defaults={
            "source": ReceptionItem.Source.INSTALLATION, "sender_name": document.agency.name,
            "sender_agency": document.agency, "outgoing": document, "fields": _outgoing_fields(document),
            "reference": document.reference, "summary": document.summary[:500], "doc_type": document.doc_type,
            "urgent": bool(document.urgency), "reason": reason, "original": original,
        })
    if not created:
        return item
    if kind in (ReceptionItem.Kind.NEW, ReceptionItem.Kind.REPLACE, ReceptionItem.Kind.UPDATE):
        _copy_files(item, document)
    events.record(verb="exchange.arrived", agency=receiver, target=item,
                  data={"from": document.agency.code, "kind": kind, "document_id": item.document_id})
    if kind == ReceptionItem.Kind.NEW:
        send_status(item, "01", _("Arrived in the reception queue."))
    return item


def on_issued(event: Any) -> None:
    """Subscriber of "outgoing.issued" (in the issuing transaction)."""
    dispatch_issued(by=events.actor_of(event), document=event.target_object)


def dispatch_issued(*, by: Actor, document: OutgoingDocument) -> list[ReceptionItem]:
    """When a document is issued (in the issuing transaction): every pending delivery to another
    agency goes to its reception queue here, or into the outbound queue of the peer that serves
    it."""
    items = []
    pending = list(document.deliveries.filter(state=Delivery.State.PENDING).select_related("recipient_agency"))
    events.lock_chains([document.agency_id], (d.recipient_agency_id for d in pending))
    for delivery in pending:
        agency = delivery.recipient_agency
        peer = peer_for_code(agency.code)
        if peer is not None:
            from qlvb.exchange import transport
            from qlvb.exchange.edxml.errors import EdxmlError

            try:
                transport.enqueue_document(document=document, peer=peer, receiver_codes=[agency.code])
            except EdxmlError as error:
                raise ValidationError(_("The package for %(agency)s cannot be sent: %(reason)s") % {
                    "agency": agency.name, "reason": error.reason}) from None
        else:
            items.append(_arrive_inside(document, agency))
        outgoing.mark_delivered(delivery=delivery)
    if items or document.deliveries.exists():
        events.record(verb="exchange.sent", actor=by, agency=document.agency_id, target=document,
                      data={"to": [d.recipient_agency.code for d in document.deliveries.select_related(
                          "recipient_agency")]})
    return items


# --- Statuses ------------------------------------------------------------------------------

def send_status(item: ReceptionItem, code: str, description: str = "", *, arrival_number: str = "",
                by: Actor | None = None) -> None:
    """Tell the sender what became of its document: straight into its history inside the
    installation, as an edXML status package to a peer."""
    staff = by.effective.full_name if by is not None and by.effective is not None else ""
    if item.source == ReceptionItem.Source.INSTALLATION and item.outgoing is not None:
        receiver = item.receiver
        assert receiver is not None  # the agency of this installation it was sent to
        record_status(outgoing=item.outgoing, recipient_code=receiver.code, recipient_name=receiver.name,
                      recipient_agency=receiver, code=code, description=description,
                      arrival_number=arrival_number, staff_name=staff, at=timezone.now())
    elif item.source == ReceptionItem.Source.PEER and item.peer_id:
        from qlvb.exchange import transport
        from qlvb.exchange.edxml.errors import EdxmlError

        try:
            transport.enqueue_status(item=item, code=code, description=description, arrival_number=arrival_number,
                                     staff_name=staff)
        except EdxmlError as error:  # e.g. no key to sign with: the decision stands, the sender is not told
            events.record(verb="exchange.status_not_sent", agency=item.receiver_id, target=item,
                          data={"code": code, "reason": error.reason[:300]})


def record_status(*, outgoing: OutgoingDocument, recipient_code: str, recipient_name: str, code: str,
                  description: str = "", arrival_number: str = "", staff_name: str = "", at: Any = None,
                  recipient_agency: Agency | None = None) -> DeliveryStatus | None:
    """One status in the sender's history (a status received twice is recorded once)."""
    at = at or timezone.now()
    if DeliveryStatus.objects.filter(outgoing=outgoing, recipient_code=recipient_code, code=code, at=at).exists():
        return None
    try:
        with transaction.atomic():
            status = DeliveryStatus.objects.create(
                outgoing=outgoing, recipient_agency=recipient_agency, recipient_code=recipient_code,
                recipient_name=recipient_name[:200], code=code, description=description[:1000],
                arrival_number=str(arrival_number or "")[:20], staff_name=staff_name[:200], at=at)
    except IntegrityError:
        return None
    events.record(verb="exchange.status_received", agency=outgoing.agency_id, target=outgoing, data={
        "from": recipient_code, "name": recipient_name, "code": code, "label": str(STATUS_CODES.get(code, code)),
        "description": description[:300], "arrival_number": arrival_number})
    return status


def _item_for(document: IncomingDocument) -> ReceptionItem | None:
    if document.source != IncomingDocument.Source.ELECTRONIC:
        return None
    return (ReceptionItem.objects.filter(incoming=document, kind__in=[ReceptionItem.Kind.NEW,
                                                                      ReceptionItem.Kind.REPLACE])
            .select_related("receiver", "outgoing").first())


def on_incoming_registered(event: Any) -> None:
    """Subscriber of "incoming.registered": the package accepted from the reception queue is
    registered; the sender gets 03 with the arrival number."""
    if (event.data or {}).get("from_draft") is False:
        return  # made by this registration: no package can hold it (a package makes a draft)
    by, document = events.actor_of(event), event.target_object
    item = _item_for(document)
    if item is None or item.state != ReceptionItem.State.WAITING:
        return
    item.state, item.decided_at, item.decided_by = ReceptionItem.State.ACCEPTED, timezone.now(), by.person
    item.save(update_fields=["state", "decided_at", "decided_by"])
    events.record(verb="exchange.accepted", actor=by, agency=item.receiver_id, target=item,
                  data={"incoming": document.pk, "arrival_number": document.arrival_number})
    send_status(item, "03", _("Accepted and registered with arrival number %(n)s.") % {"n": document.arrival_number},
                arrival_number=str(document.arrival_number or ""), by=by)
    if item.kind == ReceptionItem.Kind.REPLACE and item.original is not None and item.original.incoming is not None:
        _cancel(by, item.original.incoming, _("Replaced by %(ref)s.") % {"ref": item.reference})


PROGRESS_CODES = {"incoming.routed": "04", "incoming.progress": "05", "incoming.proposal": "05",
                  "incoming.completed": "06"}


def on_incoming_progressed(event: Any) -> None:
    """Subscriber: the leader routed it (04), a handler works on it (05), it is completed (06)."""
    if event.verb == "incoming.routed" and (event.data or {}).get("parent") is not None:
        return  # passing it down inside the receiver is not the sender's business
    by, document, code = events.actor_of(event), event.target_object, PROGRESS_CODES[event.verb]
    item = _item_for(document)
    if item is None or item.state != ReceptionItem.State.ACCEPTED:
        return
    assert item.receiver is not None  # accepted by its clerk (_check_clerk)
    if code == "05" and item.outgoing is not None and DeliveryStatus.objects.filter(
            outgoing=item.outgoing, recipient_code=item.receiver.code, code="05").exists():
        return  # "in progress" is told once, not for every note
    # The receiver's internal directives and notes (`text`) stay inside: the sender is told the step.
    send_status(item, code, str(STATUS_CODES[code]), by=by)


# --- The clerk's decision ------------------------------------------------------------------

def _check_clerk(by: Actor, item: ReceptionItem) -> None:
    if item.receiver_id is None or not incoming_rules.is_clerk(by.effective, item.receiver_id):
        raise NotAllowed()


def _parse_date(value: Any) -> date | None:
    if not value:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _draft_fields(item: ReceptionItem) -> dict[str, Any]:
    f: dict[str, Any] = item.fields or {}
    doc_type = f.get("doc_type") or "CV"
    if doc_type not in DOCUMENT_TYPE_NAMES:
        doc_type = "CV"
    pages: Any = f.get("pages")
    copies: Any = f.get("copies")
    return {
        "received_at": item.received_at, "source": IncomingDocument.Source.ELECTRONIC,
        "issuer_agency": item.sender_agency, "issuer_name": (item.sender_name or item.sender_code)[:200],
        "issuer_code": item.sender_code[:35], "number": str(f.get("number") or "")[:11],
        "notation": str(f.get("notation") or "")[:30], "national_id": item.document_id[:100],
        "document_date": _parse_date(f.get("document_date")) or timezone.localdate(), "doc_type": doc_type,
        "summary": (item.summary or f.get("summary") or "")[:500], "urgency": f.get("urgency") or "",
        "secrecy": f.get("secrecy") or "", "priority": f.get("priority") or "",
        "pages": as_id(pages),
        "copies": as_id(copies),
        "signer_name": str(f.get("signer_name") or "")[:100],
        "signer_position": str(f.get("signer_position") or "")[:100],
        "reply_deadline": _parse_date(f.get("reply_deadline")),
    }


@transaction.atomic
def accept(*, by: Actor, item: ReceptionItem) -> IncomingDocument:
    """The clerk accepts a document from the queue: a draft incoming document filled from the
    package, files included, which she checks and registers with the usual registration form
    (incoming.services.register_document). The sender gets 03 when it is registered."""
    item = ReceptionItem.objects.select_for_update().get(pk=item.pk)
    _check_clerk(by, item)
    if item.state != ReceptionItem.State.WAITING or item.kind not in (ReceptionItem.Kind.NEW,
                                                                      ReceptionItem.Kind.REPLACE):
        raise ValidationError(_("This package has already been dealt with."))
    if item.incoming is not None and item.incoming.status == IncomingDocument.Status.DRAFT:
        return item.incoming
    files = [incoming.ReceivedFile(stored=f.stored, name=f.name, main=f.role == ReceptionFile.Role.MAIN)
             for f in item.files.select_related("stored").order_by("order", "id")]
    assert item.receiver is not None  # _check_clerk: the clerk's agency
    document = incoming.draft_from_package(by=by, agency=item.receiver, fields=_draft_fields(item), files=files,
                                           reception_item=item.pk)
    item.incoming = document
    item.save(update_fields=["incoming"])
    return document


def _lock_incoming_of(item: ReceptionItem | None) -> None:
    """The incoming document made from a package is locked before the package (lock order):
    registering it locks the document and then marks the package accepted."""
    incoming_id = ReceptionItem.objects.filter(pk=item.pk).values_list("incoming_id", flat=True).first() \
        if item is not None else None
    if incoming_id:
        list(IncomingDocument.objects.select_for_update(no_key=True).filter(pk=incoming_id).values_list("pk"))


@transaction.atomic
def reject(*, by: Actor, item: ReceptionItem, reason: str) -> ReceptionItem:
    """The clerk rejects a package with a reason; the sender gets 02 with it (16 for a change)."""
    _lock_incoming_of(item)
    item = ReceptionItem.objects.select_for_update().get(pk=item.pk)
    _check_clerk(by, item)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please give the reason.")})
    if item.state != ReceptionItem.State.WAITING:
        raise ValidationError(_("This package has already been dealt with."))
    draft = (item.incoming if item.incoming is not None and item.incoming.status == IncomingDocument.Status.DRAFT
             else None)
    item.state, item.reason = ReceptionItem.State.REJECTED, reason[:2000]
    item.decided_at, item.decided_by, item.incoming = timezone.now(), by.person, None
    item.save()
    if draft is not None:
        incoming.delete_draft(by=by, document=draft)
    if item.kind in CHANGE_KINDS:
        events.record(verb="exchange.change_refused", actor=by, agency=item.receiver_id, target=item,
                      data={"reason": reason[:300], "kind": item.kind})
        send_status(item, "16", reason, by=by)
    else:
        events.record(verb="exchange.rejected", actor=by, agency=item.receiver_id, target=item,
                      data={"reason": reason[:300]})
        send_status(item, "02", reason, by=by)
    return item


def _cancel(by: Actor, document: IncomingDocument, reason: str) -> None:
    if document.status == IncomingDocument.Status.CANCELLED:
        return
    incoming.cancel_by_sender(by=by, document=document, reason=reason)
    events.record(verb="exchange.cancelled", actor=by, agency=document.agency_id, target=document,
                  data={"reason": reason[:300]})


@transaction.atomic
def agree_change(*, by: Actor, item: ReceptionItem) -> ReceptionItem:
    """The receiver agrees to a recall (its incoming document is cancelled) or an update (the new
    files are added to it); the sender gets 15. A replacement is accepted like a new document."""
    _lock_incoming_of(item.original if item.original_id else None)
    item = ReceptionItem.objects.select_for_update().get(pk=item.pk)
    _check_clerk(by, item)
    if item.kind not in (ReceptionItem.Kind.RECALL, ReceptionItem.Kind.UPDATE) or \
            item.state != ReceptionItem.State.WAITING:
        raise ValidationError(_("This package has already been dealt with."))
    original = item.original
    target = original.incoming if original is not None and original.incoming_id else None
    if item.kind == ReceptionItem.Kind.RECALL:
        if original is not None and original.state == ReceptionItem.State.WAITING:
            draft = original.incoming if original.incoming_id else None
            original.state, original.reason, original.incoming = (ReceptionItem.State.REJECTED,
                                                                  _("Recalled by the sender."), None)
            original.decided_at = timezone.now()
            original.save()
            if draft is not None and draft.status == IncomingDocument.Status.DRAFT:
                incoming.delete_draft(by=by, document=draft)
        elif target is not None:
            _cancel(by, target, _("Recalled by the sender: %(reason)s") % {"reason": item.reason or "—"})
    elif target is not None:
        incoming.add_sender_files(by=by, document=target, files=[
            incoming.ReceivedFile(stored=f.stored, name=f.name, main=f.role != ReceptionFile.Role.ATTACHMENT)
            for f in item.files.select_related("stored").order_by("order", "id")])
    item.state, item.decided_at, item.decided_by, item.incoming = (ReceptionItem.State.ACCEPTED, timezone.now(),
                                                                   by.person, target)
    item.save()
    events.record(verb="exchange.change_agreed", actor=by, agency=item.receiver_id, target=item,
                  data={"kind": item.kind, "incoming": target.pk if target else None})
    send_status(item, "15", _("Agreed."), by=by)
    return item


# --- The sender's recall, update, replacement ----------------------------------------------

def _receivers(document: OutgoingDocument) -> list[ReceptionItem]:
    return list(ReceptionItem.objects.filter(outgoing=document, kind=ReceptionItem.Kind.NEW)
                .exclude(state=ReceptionItem.State.REJECTED).select_related("receiver"))


def send_change(*, by: Actor, document: OutgoingDocument, kind: str, reason: str,
                replacement: OutgoingDocument | None = None, uploads: Sequence[Any] = ()) -> int:
    """The issuer clerk recalls, updates or replaces an issued document: each receiver gets a
    package in its queue to agree to or refuse. Returns how many receivers it went to."""
    from qlvb.files.services import prepare_uploads, staged_uploads

    if not outgoing_rules.is_clerk(by.effective, document.agency_id):
        raise NotAllowed()
    if kind not in CHANGE_KINDS:
        raise ValidationError(_("Unknown kind of change."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please give the reason.")})
    if document.status != OutgoingDocument.Status.ISSUED:
        raise ValidationError(_("Only an issued document can be recalled, updated or replaced."))
    if kind == ReceptionItem.Kind.REPLACE and (
            replacement is None or replacement.status != OutgoingDocument.Status.ISSUED
            or replacement.agency_id != document.agency_id):
        raise ValidationError({"replacement": _("Choose the issued document that replaces this one.")})
    if kind == ReceptionItem.Kind.UPDATE and not uploads:
        raise ValidationError({"uploads": _("Attach the updated file.")})
    prepared = prepare_uploads(uploads, field="uploads") if uploads else []
    with transaction.atomic(), staged_uploads(prepared) as staged:
        list(OutgoingDocument.objects.select_for_update(no_key=True).filter(pk=document.pk).values_list("pk"))
        receivers = _receivers(document)
        events.lock_chains([document.agency_id], (r.receiver_id for r in receivers))
        count = 0
        # What the receivers get: the replacement (checked above) or the document itself.
        source = replacement if kind == ReceptionItem.Kind.REPLACE and replacement is not None else document
        for original in receivers:
            item, created = ReceptionItem.objects.get_or_create(
                receiver=original.receiver, sender_code=document.agency.code,
                document_id=outgoing_document_id(source), kind=kind,
                defaults={"source": ReceptionItem.Source.INSTALLATION, "sender_name": document.agency.name,
                          "sender_agency": document.agency, "outgoing": source, "fields": _outgoing_fields(source),
                          "reference": source.reference, "summary": source.summary[:500],
                          "doc_type": source.doc_type, "urgent": bool(source.urgency), "reason": reason[:2000],
                          "original": original})
            if not created:
                continue
            if kind == ReceptionItem.Kind.REPLACE:
                _copy_files(item, source)
            for index, s in enumerate(staged):
                ReceptionFile.objects.create(item=item, stored=s.stored, name=s.name, order=index)
            events.record(verb="exchange.arrived", agency=original.receiver_id, target=item,
                          data={"from": document.agency.code, "kind": kind, "reason": reason[:300]})
            if original.incoming_id:
                events.record(verb=f"exchange.{kind}_sent", agency=original.receiver_id, target=original.incoming,
                              data={"reason": reason[:300]})
            assert original.receiver is not None  # a package inside the installation (_arrive_inside)
            record_status(outgoing=document, recipient_code=original.receiver.code,
                          recipient_name=original.receiver.name, recipient_agency=original.receiver, code="13",
                          description=reason, staff_name=by.person.full_name if by.person else "")
            count += 1
        for delivery in document.deliveries.select_related("recipient_agency"):
            peer = peer_for_code(delivery.recipient_agency.code)
            if peer is None:
                continue
            from qlvb.exchange import transport

            agency = delivery.recipient_agency
            transport.enqueue_document(
                document=source, peer=peer,
                receiver_codes=[agency.code], kind=kind, reason=reason, about=document,
                files=[(s.name, s.stored) for s in staged] if kind == ReceptionItem.Kind.UPDATE else None)
            record_status(outgoing=document, recipient_code=agency.code, recipient_name=agency.name,
                          recipient_agency=agency, code="13", description=reason,
                          staff_name=by.person.full_name if by.person else "")
            count += 1
        if not count:
            raise ValidationError(_("No receiver has this document in its queue or registers."))
        events.record(verb=f"exchange.{kind}_sent", actor=by, agency=document.agency_id, target=document,
                      data={"reason": reason[:300], "receivers": count,
                            "replacement": replacement.pk if replacement else None})
    return count

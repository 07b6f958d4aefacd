"""Official mailboxes (hộp thư công vụ) read over IMAP: every unread message's edXML attachment
goes through the same import as a peer's package; a message with only PDFs becomes a reception
item from its sender's address, for the clerk to check. A message is marked as read only after
what it carried is committed, and the import deduplicates, so a crash in between loses nothing
and registers nothing twice."""

from __future__ import annotations

import contextlib
import email
import email.policy
import hashlib
import imaplib
import logging
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import events
from qlvb.exchange import transport
from qlvb.exchange.models import Mailbox, ReceptionFile, ReceptionItem
from qlvb.exchange.peers import unseal
from qlvb.files.services import store_bytes

log = logging.getLogger(__name__)
MAX_MESSAGES = 200
TIMEOUT = 30


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    if mailbox.use_ssl:
        return imaplib.IMAP4_SSL(mailbox.host, mailbox.port, timeout=TIMEOUT)
    return imaplib.IMAP4(mailbox.host, mailbox.port, timeout=TIMEOUT)


def _is_package(part: EmailMessage) -> bool:
    name = (part.get_filename() or "").lower()
    return name.endswith((".edxml", ".xml")) or part.get_content_type() in ("application/xml", "text/xml")


def _pdf_item(mailbox: Mailbox, message: EmailMessage, pdfs: list[tuple[str, bytes]]) -> ReceptionItem | None:
    """A message with PDFs but no edXML package: the clerk sees the mail's subject and files."""
    sender_name, sender_address = parseaddr(str(message.get("From", "")))
    message_id = str(message.get("Message-ID", "")).strip() or "mail:" + hashlib.sha256(
        message.as_bytes()).hexdigest()[:40]
    try:
        received = parsedate_to_datetime(str(message.get("Date")))
    except (TypeError, ValueError):
        received = None
    with transaction.atomic():
        try:
            with transaction.atomic():
                item = ReceptionItem.objects.create(
                    receiver=mailbox.agency, source=ReceptionItem.Source.MAILBOX, mailbox=mailbox,
                    sender_code=sender_address[:35], sender_name=(sender_name or sender_address)[:200],
                    document_id=message_id[:200], summary=str(message.get("Subject", ""))[:500],
                    fields={"document_date": received.date().isoformat() if received else "",
                            "signature": "", "from": sender_address},
                    received_at=timezone.now())
        except IntegrityError:
            return None
        for order, (name, data) in enumerate(pdfs):
            ReceptionFile.objects.create(item=item, stored=store_bytes(data, name=name), name=name[:255],
                                         order=order, role=ReceptionFile.Role.MAIN if order == 0
                                         else ReceptionFile.Role.ATTACHMENT)
        events.record(verb="exchange.arrived", agency=mailbox.agency, target=item,
                      data={"from": sender_address, "source": "mailbox", "files": len(pdfs)})
    return item


def import_message(mailbox: Mailbox, raw: bytes) -> int:
    """Put what one e-mail carries into the reception queue; how many items it gave."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    count = 0
    pdfs = []
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        if not payload or not isinstance(payload, bytes):  # decoded, a leaf part's payload is bytes
            continue
        if _is_package(part):
            result = transport.receive(payload, source=ReceptionItem.Source.MAILBOX, mailbox=mailbox,
                                       require_signature=mailbox.require_signature,
                                       default_receiver=mailbox.agency)
            count += len(result.items or []) if result.ok else 0
        elif part.get_content_type() == "application/pdf" or (part.get_filename() or "").lower().endswith(".pdf"):
            pdfs.append((part.get_filename() or "van-ban.pdf", payload))
    if pdfs and not count:
        count += 1 if _pdf_item(mailbox, message, pdfs) else 0
    return count


def read_mailbox(mailbox: Mailbox) -> int:
    """Read the unread messages of one mailbox; mark each read once imported."""
    imported = 0
    try:
        client = _connect(mailbox)
        try:
            client.login(mailbox.username, unseal(mailbox.password, f"exchange-mailbox:{mailbox.pk}"))
            client.select(mailbox.folder)
            _status, data = client.search(None, "UNSEEN")
            for number in (data[0] or b"").decode("ascii").split()[:MAX_MESSAGES]:
                _status, parts = client.fetch(number, "(RFC822)")
                raw = next((p[1] for p in parts if isinstance(p, tuple)), b"")
                imported += import_message(mailbox, raw)
                client.store(number, "+FLAGS", "(\\Seen)")
        finally:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                client.logout()
        mailbox.last_error = ""
    except (OSError, imaplib.IMAP4.error, ValueError) as error:
        log.warning("mailbox %s: %s", mailbox.pk, error)
        mailbox.last_error = (_("Cannot read the mailbox: %(error)s") % {"error": str(error)})[:500]
    mailbox.last_checked_at = timezone.now()
    mailbox.save(update_fields=["last_error", "last_checked_at"])
    return imported


def read_all() -> int:
    return sum(read_mailbox(m) for m in Mailbox.objects.filter(is_active=True).select_related("agency"))


def mailbox_summary(mailbox: Mailbox) -> dict[str, Any]:
    return {"host": mailbox.host, "user": mailbox.username, "checked": mailbox.last_checked_at,
            "error": mailbox.last_error}

"""Peers (other installations) and official mailboxes: configured by the installation's
administrator. Tokens: the one a peer presents to us is stored hashed; the one we present to it,
and mailbox passwords, are stored encrypted (like signing keys, qlvb.signatures.crypto)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.exchange.models import Mailbox, Peer
from qlvb.org.models import agency_code_validator


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def seal(value: str, context: str) -> bytes:
    from qlvb.signatures.crypto import encrypt

    return encrypt(value.encode(), context=context)


def unseal(blob: Any, context: str) -> str:
    from qlvb.signatures.crypto import decrypt

    blob = bytes(blob or b"")
    return decrypt(blob, context=context).decode() if blob else ""


def outbound_token(peer: Peer) -> str:
    return unseal(peer.outbound_secret, f"exchange-peer:{peer.pk}")


def peer_for_token(token: str) -> Peer | None:
    if not token:
        return None
    return Peer.objects.filter(inbound_token_hash=hash_token(token), is_active=True).first()


@transaction.atomic
def save_peer(*, by: Actor, peer: Peer | None = None, name: str, base_url: str, agency_codes: str,
              inbound_token: str = "", outbound_token: str = "", is_active: bool = True,
              require_signature: bool | None = None) -> Peer:
    """Add or change a peer (None for require_signature keeps it). The event names what changed,
    from what to what; tokens only as "changed", never their value."""
    if by.person is None or not by.person.is_superuser:
        raise NotAllowed()
    codes = [c.strip() for c in agency_codes.replace(",", "\n").splitlines() if c.strip()]
    if not codes:
        raise ValidationError({"agency_codes": _("Give at least one agency code.")})
    for code in codes:
        try:
            agency_code_validator(code)
        except ValidationError as error:
            raise ValidationError({"agency_codes": f"{code}: {error.messages[0]}"}) from None
    if peer is None and not inbound_token:
        raise ValidationError({"inbound_token": _("Give the token the peer will use to send to us.")})
    if inbound_token and len(inbound_token) < 16:
        raise ValidationError({"inbound_token": _("A token needs at least 16 characters.")})
    if not name.strip():
        raise ValidationError({"name": _("Give the peer a name.")})
    before = _shown(peer) if peer is not None else {}
    peer = peer or Peer(inbound_token_hash=hash_token(secrets.token_hex(16)))
    peer.name, peer.base_url, peer.is_active = name.strip(), base_url.strip(), is_active
    if require_signature is not None:
        peer.require_signature = require_signature
    peer.agency_codes = "\n".join(codes)
    if inbound_token:
        if Peer.objects.filter(inbound_token_hash=hash_token(inbound_token)).exclude(pk=peer.pk).exists():
            raise ValidationError({"inbound_token": _("Another peer already uses this token.")})
        peer.inbound_token_hash = hash_token(inbound_token)
    peer.save()
    if outbound_token:
        peer.outbound_secret = seal(outbound_token, f"exchange-peer:{peer.pk}")
        peer.save(update_fields=["outbound_secret"])
    after = _shown(peer)
    changes: dict[str, list[Any]] = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    tokens = [name for name, given in (("inbound_token", inbound_token), ("outbound_token", outbound_token)) if given]
    events.record(verb="exchange.peer_saved", actor=by, target=peer,
                  data={"name": peer.name, "url": peer.base_url, "codes": codes, "active": is_active,
                        "changes": changes, "tokens_changed": tokens})
    return peer


def _shown(peer: Peer) -> dict[str, Any]:
    return {"name": peer.name, "base_url": peer.base_url, "agency_codes": peer.codes, "is_active": peer.is_active,
            "require_signature": peer.require_signature}


@transaction.atomic
def set_peer_active(*, by: Actor, peer: Peer, active: bool) -> Peer:
    """Stop exchanging with a peer (its token is refused, nothing new is queued for it) or resume.
    Kept, not deleted: its packages and statuses name it."""
    if by.person is None or not by.person.is_superuser:
        raise NotAllowed()
    peer = Peer.objects.select_for_update().get(pk=peer.pk)
    if peer.is_active != active:
        peer.is_active = active
        peer.save(update_fields=["is_active"])
        events.record(verb="exchange.peer_enabled" if active else "exchange.peer_disabled", actor=by, target=peer,
                      data={"changes": {"is_active": [not active, active]}})
    return peer


@transaction.atomic
def save_mailbox(*, by: Actor, mailbox: Mailbox | None = None, agency: Any, host: str, port: int,
                 use_ssl: bool, username: str, password: str = "", folder: str = "INBOX",
                 is_active: bool = True) -> Mailbox:
    if by.person is None or not (by.person.is_superuser or (
            by.person.is_agency_admin and by.person.agency_id == agency.pk)):
        raise NotAllowed()
    mailbox = mailbox or Mailbox(agency=agency)
    mailbox.host, mailbox.port, mailbox.use_ssl = host.strip(), port, use_ssl
    mailbox.username, mailbox.folder, mailbox.is_active = username.strip(), folder.strip() or "INBOX", is_active
    mailbox.save()
    if password:
        mailbox.password = seal(password, f"exchange-mailbox:{mailbox.pk}")
        mailbox.save(update_fields=["password"])
    events.record(verb="exchange.mailbox_saved", actor=by, agency=agency, target=mailbox,
                  data={"host": mailbox.host, "user": mailbox.username})
    return mailbox

"""Issuing when a key is not on the server (docs/signing.md "Outgoing documents with a remote
signer"): the signer's key at a signing service or on her USB token, the agency's key on the
clerk's token or at a service. The document is numbered and dated when the clerk issues; then each
signature that waits for its holder is a signing session, one after the other:

    signer's signature (each signer's, in order, when there are several) → agency's seal on the
    main file → agency's signature on each attachment

Every session carries in its ``continuation`` what the next step needs (the clerk, the agency's
certificate, the files signed so far). A key on the server signs its step at once; a step whose
key is elsewhere starts a session and the chain goes on when it completes (``on_completed``,
called by the signing core inside the session's completion). When the last step is done the
document is issued as issuing at once would (``services._complete_issue``). A refusal or a
time-out at any step ends the chain: the document keeps its number, and issuing it again starts
the chain again from the signer."""

from __future__ import annotations

import base64
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.translation import gettext as _

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.files.services import read_stored
from qlvb.outgoing import issuing
from qlvb.outgoing.models import OutgoingDocument

SIGNING_KIND = "outgoing.outgoingdocument"


def is_remote(certificate: Any) -> bool:
    """The key answers later (a signing service, a token at someone's computer)."""
    return certificate is not None and certificate.kind == "remote"


def _actor(data: dict[str, Any]) -> Actor:
    from qlvb.org.models import Person

    clerk = Person.objects.filter(pk=data["clerk"]).first() if data.get("clerk") else None
    behalf = Person.objects.filter(pk=data["on_behalf_of"]).first() if data.get("on_behalf_of") else None
    return Actor(clerk, on_behalf_of=behalf)


def _watchers(by: Actor) -> tuple[int, ...]:
    return tuple(p.pk for p in (by.person, by.effective) if p)


def start(by: Actor, document: OutgoingDocument, authorisations: list[Any], *, stamp_at: Any,
          agency_certificate: Any, agency_secret: str | None, signature_at: Any) -> OutgoingDocument:
    """The clerk issues: the number and date are kept on the document and the chain begins — with
    the signer's session, or, when her key is on the server, with her signature made now."""
    pdf = issuing.main_pdf(document, authorisations[0], stamp_at)
    certificate = agency_certificate or issuing.agency_certificate_for(document)
    continuation = {
        "clerk": by.person.pk if by.person else None,
        "on_behalf_of": by.on_behalf_of.pk if by.on_behalf_of else None,
        "agency_certificate": certificate.pk,
        "agency_secret": (base64.b64encode(issuing.seal_secret(document.pk, agency_secret)).decode("ascii")
                          if agency_secret else ""),
        "done_url": reverse("outgoing:issued_file", args=[document.pk, "view"]),
        "stage": "signer", "attachments": {}, "signer": 0,
        # Each signer's layout, computed once on the numbered file (a box is a JSON list).
        "signers": [{**args, "box": list(args["box"]) if args["box"] is not None else None}
                    for args in ([issuing.signer_signature_args(document, pdf, signature_at)]
                                 if len(authorisations) == 1 else
                                 issuing.several_signer_args(document, pdf, signature_at))],
    }
    document.save()
    _signers_from(document, by, continuation, pdf, 0)
    return document


def _signers_from(document: OutgoingDocument, by: Actor, data: dict[str, Any], pdf: bytes, first: int) -> None:
    """The signers' signatures from the ``first``-th on: those whose key is on the server at once,
    until one whose key is elsewhere (a session, the chain goes on when it completes)."""
    from qlvb.signatures import services as signing

    authorisations = issuing.authorisations_in_order(document)
    for index in range(first, len(authorisations)):
        authorisation = authorisations[index]
        args = dict(data["signers"][index])
        args["box"] = tuple(args["box"]) if args["box"] is not None else None
        if is_remote(authorisation.certificate):
            session = signing.start_signer_session(
                pdf, by=Actor(authorisation.signer), certificate=authorisation.certificate, target_kind=SIGNING_KIND,
                target_id=document.pk, continuation={**data, "stage": "signer", "signer": index},
                watchers=_watchers(by), **args)
            _requested(by, document, session)
            return
        pdf = signing.sign_as_signer(
            pdf, by=Actor(authorisation.signer), certificate=authorisation.certificate,
            passphrase_or_pin=issuing.open_secret(document.pk, authorisation.secret) or None, **args)
    _next(document, by, {**data, "stage": "signer"}, pdf)


def _requested(by: Actor, document: OutgoingDocument, session: Any) -> None:
    events.record(verb="outgoing.signature_requested", actor=by, agency=document.agency_id, target=document,
                  data={"number": document.number, "notation": document.notation, "provider": session.provider,
                        "session": session.pk, "purpose": session.purpose, "person": session.person_id})


def _agency_secret(document: OutgoingDocument, data: dict[str, Any]) -> str | None:
    blob = data.get("agency_secret")
    return issuing.open_secret(document.pk, base64.b64decode(blob)) if blob else None


def _next(document: OutgoingDocument, by: Actor, data: dict[str, Any], signed: bytes) -> None:
    """Go on after a step: ``signed`` is what that step made (the signer's or the sealed PDF, or
    an attachment). A server key does the rest at once; a remote one starts the next session."""
    from qlvb.signatures import services as signing
    from qlvb.signatures.models import Certificate

    certificate = Certificate.objects.select_related("agency").get(pk=data["agency_certificate"])
    if not is_remote(certificate):
        produced = issuing.produce_after_signer(document=document, pdf=signed, clerk=by,
                                                agency_certificate=certificate,
                                                agency_secret=_agency_secret(document, data))
        _finish(document, by, produced)
        return
    about = f"{document._meta.label_lower}:{document.pk}"
    if data["stage"] == "signer":
        session = signing.start_agency_session(
            signed, by=by, certificate=certificate, target_kind=SIGNING_KIND, target_id=document.pk,
            signer_field=issuing.lead_signer_field(document),
            reason=_("Issued %(reference)s") % {"reference": document.reference}, about=about,
            continuation={**data, "stage": "agency"}, watchers=_watchers(by))
        _requested(by, document, session)
        return
    for attachment in document.attachments.order_by("order", "id"):
        if str(attachment.pk) in data["attachments"]:
            continue
        session = signing.start_attachment_session(
            issuing.attachment_pdf(attachment), by=by, certificate=certificate,
            number_notation=document.reference, signed_at=document.issued_at, about=about,
            target_kind=SIGNING_KIND, target_id=document.pk, watchers=_watchers(by),
            continuation={**data, "stage": "attachment", "attachment": attachment.pk})
        _requested(by, document, session)
        return
    _finish_from_sessions(document, by, data)


def _finish(document: OutgoingDocument, by: Actor, produced: issuing.Produced) -> None:
    from qlvb.outgoing.services import _complete_issue

    assert document.register is not None  # numbered when the chain began
    _complete_issue(by, document, document.register, list(document.authorisations.all()), produced)


def _finish_from_sessions(document: OutgoingDocument, by: Actor, data: dict[str, Any]) -> None:
    """Every step was a session: the sealed main file and the signed attachments are theirs."""
    from qlvb.files.models import StoredFile

    stored = {f.pk: f for f in StoredFile.objects.filter(pk__in=[data["main"], *data["attachments"].values()])}
    name = document.reference.replace("/", "-")
    attachments = [ContentFile(read_stored(stored[data["attachments"][str(a.pk)]]), name=f"{name}-PL{i:02d}.pdf")
                   for i, a in enumerate(document.attachments.order_by("order", "id"), start=1)]
    _finish(document, by, issuing.Produced(main=[ContentFile(read_stored(stored[data["main"]]), name=f"{name}.pdf")],
                                           attachments=attachments))


def on_completed(session: Any, signed_pdf: bytes) -> None:
    """A session of the chain completed (inside its completion: a failure here undoes it, and the
    session then ends refused): record what it made and go on."""
    document = (OutgoingDocument.objects.select_for_update(no_key=True, of=("self",))
                .select_related("agency", "drafting_unit", "register").get(pk=session.target_id))
    if (document.status != OutgoingDocument.Status.SIGNED or not document.authorisations.exists()
            or document.register is None):
        raise ValidationError(_("The document is no longer waiting to be issued."), code="not_issuable")
    data = dict(session.continuation)
    stage = data.get("stage", "signer")
    if stage == "signer" and data.get("signer", 0) + 1 < len(data.get("signers", [])):
        _signers_from(document, _actor(data), data, signed_pdf, data["signer"] + 1)
        return
    if stage == "agency":
        data["main"] = session.signed_id
    elif stage == "attachment":
        data["attachments"] = {**data.get("attachments", {}), str(data["attachment"]): session.signed_id}
    data.setdefault("attachments", {})
    _next(document, _actor(data), data, signed_pdf)


def on_refused(session: Any) -> None:
    """A step was refused (or its time ran out): the document stays signed, waiting to be issued,
    with its number kept; the clerk issues it again."""
    document = OutgoingDocument.objects.filter(pk=session.target_id).first()
    if document is None:
        return
    events.record(verb="outgoing.signature_refused", actor=Actor(session.person), agency=document.agency_id,
                  target=document, data={"code": session.error_code, "message": session.error_message[:300],
                                         "session": session.pk, "purpose": session.purpose})

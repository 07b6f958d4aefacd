"""Producing the issued PDF: number and date filled in (DOCX placeholders) or stamped (PDF),
the signer's signature, then the agency's, and the agency's signature on each attachment."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.files.services import read_stored
from qlvb.org.models import Position, Post
from qlvb.outgoing import codes, marks
from qlvb.outgoing.models import OutgoingDocument


@dataclass
class Produced:
    main: list[ContentFile]
    attachments: list[ContentFile] = field(default_factory=list)
    seconds: float = 0.0


def marks_for(document: OutgoingDocument, place: str) -> marks.Marks:
    return marks.Marks(reference=document.reference, day=timezone.localtime(document.issued_at).date(), place=place)


def signer_title(document: OutgoingDocument, signer: Any = None) -> str:
    """The lines above the signature: e.g. "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC" (NĐ30 signing capacities).
    ``signer``: one of several (cosigning.Signer), who may sign for a co-issuing agency."""
    from qlvb.org.models import Agency

    person = signer.person if signer is not None else document.signer
    agency = document.agency if signer is None or signer.agency_id == document.agency_id else (
        Agency.objects.get(pk=signer.agency_id))
    own = (Post.objects.filter(person=person, agency=agency, end_date__isnull=True)
           .select_related("position").order_by("is_concurrent", "position__order").first())
    own_title = own.position.name.upper() if own else ""
    capacity = document.signing_capacity if signer is None else signer.capacity
    if signer is not None and signer.agency_id != document.agency_id:  # the co-issuing agency's name above
        own_title = f"{agency.name.upper()}\n{own_title}" if not capacity else own_title
    if not capacity:
        return own_title
    if capacity == "TM":
        return f"TM. {agency.name.upper()}\n{own_title}"
    head = (Post.objects.filter(agency=agency, end_date__isnull=True,
                                position__kind=Position.Kind.AGENCY_HEAD).select_related("position").first())
    head_title = head.position.name.upper() if head else _("HEAD").upper()
    return f"{capacity}. {head_title}\n{own_title}"


def _main_pdf(document: OutgoingDocument, version: Any, stamp_at: marks.Spot | tuple[int, float, float] | None,
              place: str, verification_mark: bool = True) -> bytes:
    """The document as it will be signed, carrying its number and date (see outgoing.marks) and,
    unless the agency turned it off, its verification code with the QR code (outgoing.codes)."""
    from qlvb.files import convert

    data = read_stored(version.stored)
    carried = marks_for(document, place)
    assert document.number is not None  # numbered (or given its provisional number) before this
    if version.stored.kind == "docx":
        docx, missing = marks.docx_with_marks(data, carried, document.number, document.notation,
                                              stamp_later=stamp_at is not None)
        pdf = convert.docx_to_pdf(docx)
    else:
        pdf, missing = data, {"number", "date"}
    pdf = marks.stamp(pdf, carried, missing, stamp_at)
    marks.check(pdf, carried)
    if verification_mark and document.verification_code:
        pdf = codes.stamp(pdf, document.verification_code)
    return pdf


def preview(*, document: OutgoingDocument, authorisation: Any, stamp_at: Any, signature_at: Any = None) -> bytes:
    """What `produce` would make of the main file, with the signatures drawn instead of applied
    and a line in the top margin that says it is a preview with a provisional number."""
    from qlvb.files import convert
    from qlvb.outgoing.services import settings_for
    from qlvb.signatures import services as signing

    signer = document.signer
    assert signer is not None  # a signed document has its signer
    config = settings_for(document.agency)
    pdf = _main_pdf(document, authorisation.version, stamp_at, config.place, config.verification_mark)
    pdf = signing.preview_signatures(pdf, signer=signer, agency=document.agency,
                                     position_title=document.signer_title or signer_title(document),
                                     full_name=signer.full_name,
                                     box=signature_at.signer_box(pdf) if signature_at is not None else None)
    width, height = convert.page_size(pdf, 1)
    return convert.stamp_pdf(pdf, page=1, x=min(20.0, width / 4), y=height - 6, font_size=8, lines=[
        _("PREVIEW, NOT ISSUED — provisional number %(reference)s; the number is given when it is issued.")
        % {"reference": document.reference}])


def seal_secret(document_id: int, secret: str) -> bytes:
    from qlvb.signatures.crypto import encrypt

    return encrypt(secret.encode(), context=f"outgoing-authorisation:{document_id}")


def open_secret(document_id: int, blob: Any) -> str:
    from qlvb.signatures.crypto import decrypt

    return decrypt(bytes(blob), context=f"outgoing-authorisation:{document_id}").decode()


def agency_certificate_for(document: OutgoingDocument, agency: Any = None) -> Any:
    from qlvb.signatures.models import Certificate

    certificate = (Certificate.objects.filter(agency=agency or document.agency, is_active=True, revoked_at__isnull=True,
                                              not_after__gt=timezone.now()).order_by("-not_after").first())
    if certificate is None:
        raise ValidationError(_("The agency has no valid certificate to sign with; ask the administrator."))
    return certificate


def signer_signature_args(document: OutgoingDocument, pdf: bytes, signature_at: Any) -> dict[str, Any]:
    """How the signer's signature is laid out on the issued PDF (both ways of signing)."""
    signer = document.signer
    assert signer is not None  # a signed document has its signer
    return {"position_title": document.signer_title or signer_title(document), "full_name": signer.full_name,
            "box": signature_at.signer_box(pdf) if signature_at is not None else None,
            "reason": _("Signed %(reference)s") % {"reference": document.reference},
            "about": f"{document._meta.label_lower}:{document.pk}"}  # the audit log hides a secret one's


# --- Several signers (outgoing/cosigning.py) ---------------------------------------------------

def authorisations_in_order(document: OutgoingDocument) -> list[Any]:
    """The signers' authorisations in signing order; for several signers, [] while one is missing."""
    from qlvb.outgoing import cosigning

    found = list(document.authorisations.select_related("certificate", "version"))
    if not cosigning.is_several(document):
        return found[:1]
    by_signer = {a.signer_id: a for a in found}
    order = cosigning.signing_order(document)
    missing = [s.person for s in order if s.person.pk not in by_signer]
    if missing:
        raise ValidationError(_("The signature of %(names)s is missing: each signer signs before the document is "
                                "issued.") % {"names": ", ".join(p.full_name for p in missing)})
    return [by_signer[s.person.pk] for s in order]


def signer_field(order: int) -> str:
    """The name of the n-th signer's signature field (the seals find their signer's by it)."""
    return f"Signature{order}"


def several_signer_args(document: OutgoingDocument, pdf: bytes, signature_at: Any) -> list[dict[str, Any]]:
    """How each of several signers' signatures is laid out, in order: each in its own box, the
    first where the one signer's goes, the others beside it to the left, then in rows below (above
    when there is no room below), never overlapping (signatures.services.signer_boxes)."""
    from qlvb.outgoing import cosigning
    from qlvb.signatures import services as signing

    signers = cosigning.signing_order(document)
    first = signature_at.signer_box(pdf) if signature_at is not None else None
    boxes = signing.signer_boxes(pdf, len(signers), first=first)
    about = f"{document._meta.label_lower}:{document.pk}"
    return [{"position_title": (document.signer_title if index == 0 and document.signer_title
                                else signer_title(document, signer)),
             "full_name": signer.person.full_name, "box": box, "field_name": signer_field(index + 1),
             "reason": _("Signed %(reference)s") % {"reference": document.reference}, "about": about}
            for index, (signer, box) in enumerate(zip(signers, boxes, strict=True))]


def seal_for(document: OutgoingDocument, co_issuer: Any, pdf: bytes, *, clerk: Any, certificate: Any,
             secret: str | None) -> bytes:
    """A co-issuing agency's seal over its own signer's signature."""
    from qlvb.outgoing import cosigning
    from qlvb.signatures import services as signing

    order = cosigning.signing_order(document)
    index = next((i for i, s in enumerate(order) if s.agency_id == co_issuer.agency_id), None)
    if index is None:
        raise ValidationError(_("No signer signed for %(agency)s.") % {"agency": co_issuer.agency.name})
    return signing.sign_as_agency(pdf, by=clerk, certificate=certificate, passphrase_or_pin=secret,
                                  signer_field=signer_field(index + 1),
                                  reason=_("Issued jointly %(reference)s") % {"reference": document.reference},
                                  about=f"{document._meta.label_lower}:{document.pk}")


def lead_signer_field(document: OutgoingDocument) -> str | None:
    """The field the lead agency's seal goes over: its first signer's (None for one signer)."""
    from qlvb.outgoing import cosigning

    if not cosigning.is_several(document):
        return None
    order = cosigning.signing_order(document)
    index = next((i for i, s in enumerate(order) if s.agency_id == document.agency_id), 0)
    return signer_field(index + 1)


def main_pdf(document: OutgoingDocument, authorisation: Any, stamp_at: Any) -> bytes:
    from qlvb.outgoing.services import settings_for

    config = settings_for(document.agency)
    return _main_pdf(document, authorisation.version, stamp_at, config.place, config.verification_mark)


def produce(*, document: OutgoingDocument, authorisations: list[Any], stamp_at: Any, clerk: Any,
            agency_certificate: Any = None, agency_secret: str | None = None, signature_at: Any = None) -> Produced:
    from qlvb.core.actor import Actor
    from qlvb.signatures import services as signing

    started = time.monotonic()
    signer = document.signer
    assert signer is not None  # a signed document has its signer
    pdf = main_pdf(document, authorisations[0], stamp_at)
    several = [signer_signature_args(document, pdf, signature_at)] if len(authorisations) == 1 else (
        several_signer_args(document, pdf, signature_at))
    # Each signer's consent (his authorisation) is what applies his signature, in his name.
    for authorisation, args in zip(authorisations, several, strict=True):
        pdf = signing.sign_as_signer(
            pdf, by=Actor(signer if authorisation.signer_id == signer.pk else authorisation.signer),
            certificate=authorisation.certificate,
            passphrase_or_pin=open_secret(document.pk, authorisation.secret) or None, **args)
    return produce_after_signer(document=document, pdf=pdf, clerk=clerk, agency_certificate=agency_certificate,
                                agency_secret=agency_secret, started=started)


def attachment_pdf(attachment: Any) -> bytes:
    """An attachment as the agency signs it: a PDF (a DOCX converted)."""
    from qlvb.files import convert

    data = read_stored(attachment.stored)
    if attachment.stored.kind == "docx":
        return convert.docx_to_pdf(data)
    if attachment.stored.kind != "pdf":
        raise ValidationError({"attachments": _("The attachment %(name)s is not a PDF or a DOCX.") % {
            "name": attachment.name}})
    return data


def produce_after_signer(*, document: OutgoingDocument, pdf: bytes, clerk: Any, agency_certificate: Any = None,
                         agency_secret: str | None = None, started: float | None = None) -> Produced:
    """The agency's seal over the signer's signature, and its signature on each attachment."""
    from qlvb.signatures import services as signing

    started = time.monotonic() if started is None else started
    about = f"{document._meta.label_lower}:{document.pk}"
    certificate = agency_certificate or agency_certificate_for(document)
    secret = agency_secret
    pdf = signing.sign_as_agency(pdf, by=clerk, certificate=certificate, passphrase_or_pin=secret,
                                 signer_field=lead_signer_field(document),
                                 reason=_("Issued %(reference)s") % {"reference": document.reference}, about=about)
    name = f"{document.reference.replace('/', '-')}.pdf"
    attachments = []
    for index, attachment in enumerate(document.attachments.order_by("order", "id"), start=1):
        data = attachment_pdf(attachment)
        signed = signing.sign_attachment(data, by=clerk, certificate=certificate, passphrase_or_pin=secret,
                                         number_notation=document.reference, signed_at=document.issued_at,
                                         about=about)
        attachments.append(ContentFile(signed, name=f"{document.reference.replace('/', '-')}-PL{index:02d}.pdf"))
    return Produced(main=[ContentFile(pdf, name=name)], attachments=attachments, seconds=time.monotonic() - started)

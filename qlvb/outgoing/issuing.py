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


def signer_title(document: OutgoingDocument) -> str:
    """The lines above the signature: e.g. "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC" (NĐ30 signing capacities)."""
    own = (Post.objects.filter(person=document.signer, agency=document.agency, end_date__isnull=True)
           .select_related("position").order_by("is_concurrent", "position__order").first())
    own_title = own.position.name.upper() if own else ""
    capacity = document.signing_capacity
    if not capacity:
        return own_title
    if capacity == "TM":
        return f"TM. {document.agency.name.upper()}\n{own_title}"
    head = (Post.objects.filter(agency=document.agency, end_date__isnull=True,
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


def agency_certificate_for(document: OutgoingDocument) -> Any:
    from qlvb.signatures.models import Certificate

    certificate = (Certificate.objects.filter(agency=document.agency, is_active=True, revoked_at__isnull=True,
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


def main_pdf(document: OutgoingDocument, authorisation: Any, stamp_at: Any) -> bytes:
    from qlvb.outgoing.services import settings_for

    config = settings_for(document.agency)
    return _main_pdf(document, authorisation.version, stamp_at, config.place, config.verification_mark)


def produce(*, document: OutgoingDocument, authorisation: Any, stamp_at: Any, clerk: Any,
            agency_certificate: Any = None, agency_secret: str | None = None, signature_at: Any = None) -> Produced:
    from qlvb.core.actor import Actor
    from qlvb.signatures import services as signing

    started = time.monotonic()
    signer = document.signer
    assert signer is not None  # a signed document has its signer
    pdf = main_pdf(document, authorisation, stamp_at)
    # The signer's consent (the authorisation) is what applies his signature, in his name.
    pdf = signing.sign_as_signer(
        pdf, by=Actor(signer), certificate=authorisation.certificate,
        passphrase_or_pin=open_secret(document.pk, authorisation.secret) or None,
        **signer_signature_args(document, pdf, signature_at))
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

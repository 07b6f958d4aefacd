"""Digital signatures on PDF documents (PAdES baseline B, pyHanko), and the certificates,
images and trusted authorities they use.

Signing
    ``sign_as_signer`` (the signer's visible signature), ``sign_as_agency`` (the agency's seal
    over the signer's signature) and ``sign_attachment`` (the agency's signature on each
    attached file) take the PDF's bytes and return new bytes: an incremental update, so every
    earlier signature stays valid. Nothing is stored here; the caller stores the result. Each
    success is recorded in the event log (the key's use), each refusal raises before anything
    is written: ``NotAllowed`` when the certificate is not the actor's to use, ``ValidationError``
    (with a code) when the certificate is expired, not yet valid, revoked or inactive, the
    passphrase or PIN is wrong, or the input is not a PDF or is encrypted.

Who may use which key
    A personal certificate only by its holder, the person at the keyboard (R4: a personal key is
    never used on someone else's behalf, even under a delegation). An agency certificate by the
    agency's clerks (văn thư), with the work authority they act with.

Boxes are ``(page, x1, y1, x2, y2)`` in PDF points from the page's lower-left corner; ``page``
counts from 0 and may be negative (-1 is the last page).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import logging
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.events import record
from qlvb.org.permissions import can_manage_agency, can_manage_person, is_installation_admin
from qlvb.org.roles import roles_of
from qlvb.signatures import appearance, crypto, pki
from qlvb.signatures.models import AgencySigningSettings, Certificate, SignatureImage, SigningSession, TrustAnchor

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer

    from qlvb.org.models import Agency, Person

logger = logging.getLogger(__name__)

Box = tuple[int, float, float, float, float]

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MM = appearance.MM
SIGNER_BOX = (220.0, 120.0)  # width, height in points (about 78 × 42 mm)
PAGE_MARGIN = 20 * MM
DEFAULT_SEAL_MM = Decimal("36.0")
DEFAULT_SIGNATURE_MM = Decimal("50.0")
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 4000 * 4000
DEFAULT_PKCS11_MODULES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
)


# --- Key material -----------------------------------------------------------------------------

def _context(purpose: str, fingerprint: str) -> str:
    return f"{purpose}:{fingerprint}"


def _decrypt(blob: Any, purpose: str, fingerprint: str) -> bytes:
    try:
        return crypto.decrypt(blob, context=_context(purpose, fingerprint))
    except crypto.DecryptionFailed:
        logger.error("Stored %s for certificate %s cannot be decrypted", purpose, fingerprint)
        raise ValidationError(
            _("The stored key cannot be opened: the installation's key encryption key has changed. "
              "Ask the administrator to restore QLVB_KEY_ENCRYPTION_KEY or to import the key file again."),
            code="key_unreadable")


def pkcs11_modules() -> tuple[str, ...]:
    """PKCS#11 modules the server may load (a module is native code: never a path typed in a form)."""
    return tuple(getattr(settings, "QLVB_PKCS11_MODULES", DEFAULT_PKCS11_MODULES))


# --- Permissions ------------------------------------------------------------------------------

def may_sign_as_agency(person: Person | None, agency: Agency | int | None) -> bool:
    """The agency's clerks (văn thư) apply its digital signature (NĐ30)."""
    agency_id = getattr(agency, "pk", agency)
    return bool(person and person.is_active and agency_id and agency_id in roles_of(person).clerk_agency_ids)


def _check_owner(by: Actor, certificate: Certificate, *, agency_signature: bool) -> None:
    if agency_signature:
        if not certificate.agency_id or not may_sign_as_agency(by.effective, certificate.agency_id):
            raise NotAllowed("this agency certificate is not the actor's to use")
    elif not certificate.person_id or by.person is None or certificate.person_id != by.person.pk:
        raise NotAllowed("this personal certificate belongs to someone else")


def _may_manage(by: Actor, *, person: Person | None, agency: Agency | None) -> bool:
    if by.person is None:
        return False
    if person is not None:
        return person.pk == by.person.pk or can_manage_person(by.person, person)
    return can_manage_agency(by.person, agency)


def _check_usable(certificate: Certificate, at: dt.datetime) -> None:
    if certificate.revoked_at is not None:
        raise ValidationError(
            _("The certificate “%(name)s” was revoked on %(date)s and can no longer sign."),
            code="certificate_revoked",
            params={"name": certificate.subject_cn,
                    "date": timezone.localtime(certificate.revoked_at).strftime("%d/%m/%Y")})
    if not certificate.is_active:
        raise ValidationError(_("The certificate “%(name)s” has been deactivated."), code="certificate_inactive",
                              params={"name": certificate.subject_cn})
    if at < certificate.not_before:
        raise ValidationError(
            _("The certificate “%(name)s” is not valid before %(date)s."), code="certificate_not_yet_valid",
            params={"name": certificate.subject_cn,
                    "date": timezone.localtime(certificate.not_before).strftime("%d/%m/%Y %H:%M")})
    if at > certificate.not_after:
        raise ValidationError(
            _("The certificate “%(name)s” expired on %(date)s; it can no longer sign."), code="certificate_expired",
            params={"name": certificate.subject_cn,
                    "date": timezone.localtime(certificate.not_after).strftime("%d/%m/%Y")})


# --- Opening the key --------------------------------------------------------------------------

def _refuse_expired(info: Any) -> None:
    """A certificate being registered must still be able to sign."""
    if info.not_after < timezone.now():
        raise ValidationError(_("The certificate “%(name)s” expired on %(date)s; it can no longer sign."),
                              code="certificate_expired",
                              params={"name": info.subject_cn,
                                      "date": timezone.localtime(info.not_after).strftime("%d/%m/%Y")})


def _asn1(cert_pem: str) -> Any:
    from asn1crypto import pem, x509

    _type, _headers, der = pem.unarmor(cert_pem.encode("ascii"))
    return x509.Certificate.load(der)


def _chain(certificate: Certificate) -> list[Any]:
    from asn1crypto import pem, x509

    data = certificate.chain_pem.encode("ascii")
    if not data.strip():
        return []
    return [x509.Certificate.load(der) for _type, _headers, der in pem.unarmor(data, multiple=True)]


@contextlib.contextmanager
def _open_signer(certificate: Certificate, secret: str | None) -> Iterator[Signer]:
    if certificate.kind == Certificate.Kind.PKCS12:
        yield _pkcs12_signer(certificate, secret)
    else:
        with _pkcs11_signer(certificate, secret) as signer:
            yield signer


def _pkcs12_signer(certificate: Certificate, passphrase: str | None) -> Signer:
    from pyhanko.sign.signers import SimpleSigner

    if not passphrase:
        if not certificate.passphrase_stored or not certificate.passphrase_encrypted:
            raise ValidationError(_("Type the passphrase of the key file to sign."), code="passphrase_required")
        passphrase = _decrypt(certificate.passphrase_encrypted, "passphrase", certificate.fingerprint).decode()
    data = _decrypt(certificate.pkcs12_encrypted, "pkcs12", certificate.fingerprint)
    try:
        return SimpleSigner.load_pkcs12_data(data, other_certs=_chain(certificate), passphrase=passphrase.encode())
    except ValueError:
        raise ValidationError(_("The passphrase is wrong: it does not open the key file."), code="wrong_passphrase")


@contextlib.contextmanager
def _pkcs11_signer(certificate: Certificate, pin: str | None) -> Iterator[Signer]:
    from pkcs11 import exceptions as p11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.pkcs11 import PKCS11Error, PKCS11Signer, open_pkcs11_session

    if certificate.pkcs11_module not in pkcs11_modules():
        raise ValidationError(_("The PKCS#11 module of this certificate is not allowed on this server."),
                              code="pkcs11_module_not_allowed")
    if not pin:
        raise ValidationError(_("Type the PIN of the token to sign."), code="pin_required")
    try:
        session = open_pkcs11_session(certificate.pkcs11_module,
                                      token_criteria=TokenCriteria(label=certificate.pkcs11_token_label),
                                      user_pin=pin)
    except (p11.PinIncorrect, p11.PinInvalid, p11.PinLenRange):
        raise ValidationError(_("The PIN is wrong."), code="wrong_pin")
    except (p11.PinLocked, p11.PinExpired):
        raise ValidationError(_("The token's PIN is locked or expired; unlock it with the token's tools."),
                              code="pin_locked")
    except (PKCS11Error, p11.NoSuchToken, p11.TokenNotPresent, p11.TokenNotRecognised):
        raise ValidationError(_("The token “%(label)s” is not connected."), code="token_missing",
                              params={"label": certificate.pkcs11_token_label})
    try:
        # Hash here and ask the token for the raw operation (CKM_ECDSA, CKM_RSA_PKCS): every
        # token and HSM has those; many (SoftHSM among them) lack the hash-and-sign mechanisms.
        yield PKCS11Signer(session, key_label=certificate.pkcs11_key_label,
                           signing_cert=_asn1(certificate.certificate_pem), ca_chain=_chain(certificate),
                           other_certs_to_pull=(), use_raw_mechanism=True)
    except (PKCS11Error, SigningError) as error:
        if "private key" in str(error) or "Could not find" in str(error):
            raise ValidationError(_("The key “%(label)s” is not on the token."), code="key_missing",
                                  params={"label": certificate.pkcs11_key_label})
        raise
    finally:
        session.close()


# --- Reading the PDF --------------------------------------------------------------------------

def _not_pdf() -> ValidationError:
    return ValidationError(_("The file is not a PDF document or is damaged."), code="not_pdf")


def _read_pdf(pdf: bytes) -> Any:
    """A pypdf reader for geometry; refuses what is not a PDF and encrypted PDFs."""
    from pypdf import PdfReader

    if not isinstance(pdf, bytes | bytearray) or b"%PDF-" not in bytes(pdf[:1024]):
        raise _not_pdf()
    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        encrypted = reader.is_encrypted
        if not encrypted and len(reader.pages) == 0:
            raise _not_pdf()
    except ValidationError:
        raise
    except Exception:
        raise _not_pdf()
    if encrypted:
        raise ValidationError(_("The PDF is encrypted (password-protected); it cannot be signed. "
                                "Remove the protection and try again."), code="encrypted_pdf")
    return reader


def _writer(pdf: bytes) -> Any:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except Exception:
        raise _not_pdf()
    if writer.prev.encrypted:
        raise ValidationError(_("The PDF is encrypted (password-protected); it cannot be signed."),
                              code="encrypted_pdf")
    return writer


def _page_index(reader: Any, page: int) -> int:
    count = len(reader.pages)
    index = page + count if page < 0 else page
    if not 0 <= index < count:
        raise ValidationError(_("The document has no page %(page)s."), code="no_such_page",
                              params={"page": page + 1 if page >= 0 else page})
    return index


def _crop_box(reader: Any, index: int) -> tuple[float, float, float, float]:
    box = reader.pages[index].cropbox
    return float(box.left), float(box.bottom), float(box.right), float(box.top)


def _field_type(field: Any) -> Any:
    while field is not None:
        if "/FT" in field:
            return field["/FT"]
        parent = field.get("/Parent")
        field = parent.get_object() if parent is not None else None
    return None


def _signature_fields(reader: Any) -> list[tuple[str, Any, Any]]:
    """(name, field, widget) for every signature field, in the order of the form's fields."""
    try:
        acroform = reader.trailer["/Root"].get("/AcroForm")
        fields = acroform.get_object().get("/Fields", []) if acroform else []
    except Exception:
        return []
    result = []
    stack = [(f.get_object(), "") for f in fields]
    while stack:
        field, prefix = stack.pop(0)
        name = prefix + str(field.get("/T", ""))
        kids = [k.get_object() for k in field.get("/Kids", [])]
        if kids and any("/T" in kid for kid in kids):
            stack[0:0] = [(kid, name + ".") for kid in kids]
        elif _field_type(field) == "/Sig":
            for widget in kids or [field]:
                result.append((name, field, widget))
    return result


def _field_names(reader: Any) -> set[str]:
    try:
        return set((reader.get_fields() or {}).keys())
    except Exception:
        return {name for name, _field, _widget in _signature_fields(reader)}


def _new_field_name(reader: Any, wanted: str | None, prefix: str) -> str:
    names = _field_names(reader)
    if wanted:
        if not re.fullmatch(r"[\w -]{1,100}", wanted):
            raise ValidationError(_("The signature field name may have letters, digits, spaces, dashes and "
                                    "underscores only."), code="bad_field_name")
        if wanted in names:
            raise ValidationError(_("The document already has a field named “%(name)s”."),
                                  code="field_exists", params={"name": wanted})
        return wanted
    number = 1
    while f"{prefix}{number}" in names:
        number += 1
    return f"{prefix}{number}"


def _page_of(reader: Any, widget: Any) -> int | None:
    page_ref = widget.get("/P")
    for index, page in enumerate(reader.pages):
        if page_ref is not None and page.indirect_reference == page_ref:
            return index
        for annot in page.get("/Annots", []) or []:
            if annot.get_object() is widget:
                return index
    return None


def _check_box(reader: Any, box: Box) -> Box:
    page, x1, y1, x2, y2 = box
    index = _page_index(reader, int(page))
    if x2 - x1 < 10 or y2 - y1 < 10:
        raise ValidationError(_("The signature box is too small."), code="box_too_small")
    return index, float(x1), float(y1), float(x2), float(y2)


def signer_box_at(pdf: bytes, page: int, x: float, y: float) -> Box:
    """The signer's box (its usual size) centred on a point of a page (0-based page, points from
    the lower-left corner), kept inside the page."""
    reader = _read_pdf(pdf)
    index = _page_index(reader, page)
    left, bottom, right, top = _crop_box(reader, index)
    width, height = SIGNER_BOX
    x1 = min(max(left, x - width / 2), right - width)
    y1 = min(max(bottom, y - height / 2), top - height)
    return index, round(x1, 2), round(y1, 2), round(x1 + width, 2), round(y1 + height, 2)


def default_signer_box(pdf: bytes) -> Box:
    """The bottom right of the last page, inside the usual 20 mm margins."""
    reader = _read_pdf(pdf)
    index = len(reader.pages) - 1
    left, bottom, right, _top = _crop_box(reader, index)
    width, height = SIGNER_BOX
    x2 = right - PAGE_MARGIN
    x1 = max(left + PAGE_MARGIN, x2 - width)
    y1 = bottom + PAGE_MARGIN
    return index, round(x1, 2), round(y1, 2), round(x2, 2), round(y1 + height, 2)


def signer_boxes(pdf: bytes, count: int, *, first: Box | None = None, gap: float = 4 * MM) -> list[Box]:
    """Boxes for ``count`` signers on one page, none overlapping another: the first at ``first``
    (default: where the one signer's goes), the next ones to its left in the same row while they
    fit inside the page's margins, then in rows below (above when there is no room below)."""
    reader = _read_pdf(pdf)
    index, fx1, fy1, fx2, fy2 = first if first is not None else default_signer_box(pdf)
    index = _page_index(reader, int(index))
    left, bottom, _right, top = _crop_box(reader, index)
    width, height = fx2 - fx1, fy2 - fy1
    per_row = max(1, 1 + int((fx1 - (left + PAGE_MARGIN / 2)) // (width + gap)))
    rows = -(-count // per_row)
    below = fy1 - (rows - 1) * (height + gap) >= bottom + PAGE_MARGIN / 4
    above = fy2 + (rows - 1) * (height + gap) <= top - PAGE_MARGIN / 4
    if not below and not above:
        raise ValidationError(_("There is no room on the page for %(count)s signatures: choose where the first "
                                "goes."), code="no_room", params={"count": count})
    step = -(height + gap) if below else height + gap
    boxes = []
    for n in range(count):
        row, column = divmod(n, per_row)
        x1 = fx1 - column * (width + gap)
        y1 = fy1 + row * step
        boxes.append((index, round(x1, 2), round(y1, 2), round(x1 + width, 2), round(y1 + height, 2)))
    return boxes


def seal_box(pdf: bytes, *, signer_field: str | None = None, seal_width_mm: float = float(DEFAULT_SEAL_MM)) -> Box:
    """Where the seal goes: at its real size, its right edge a third of the way into the signer's
    handwritten signature image, centred on it vertically (NĐ30 Phụ lục I). The signer is the
    field named ``signer_field``, else the last signature in the document that shows a
    handwritten signature (or, failing that, any visible signature)."""
    reader = _read_pdf(pdf)
    candidates = []
    for name, _field, widget in _signature_fields(reader):
        rect = widget.get("/Rect")
        if rect is None or (signer_field and name != signer_field):
            continue
        x1, y1, x2, y2 = (float(v) for v in rect)
        if abs(x2 - x1) < 1 or abs(y2 - y1) < 1:
            continue  # an invisible signature
        candidates.append((name, widget, (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))))
    if not candidates:
        if signer_field:
            raise ValidationError(_("The document has no visible signature named “%(name)s”."),
                                  code="no_signer_signature", params={"name": signer_field})
        raise ValidationError(_("The document has no signer's signature for the seal to overlap: "
                                "the signer signs first."), code="no_signer_signature")
    with_image = [(n, w, r, _image_rect(w, r)) for n, w, r in candidates]
    chosen = [c for c in with_image if c[3] is not None] or with_image
    _name, widget, (x1, y1, x2, y2), image_rect = chosen[-1]
    page = _page_of(reader, widget)
    index = page if page is not None else len(reader.pages) - 1
    return _seal_box_over(reader, index, (x1, y1, x2, y2), image_rect, seal_width_mm * MM)


def _seal_box_over(reader: Any, index: int, signer_rect: tuple[float, float, float, float],
                   image_rect: tuple[float, float, float, float] | None, size: float) -> Box:
    """The seal's box over the signer's handwritten signature (``image_rect``, or the middle of the
    signer's box when there is no image), kept on the page."""
    x1, y1, x2, y2 = signer_rect
    if image_rect is None:  # no image: the middle of the box stands for it
        image_rect = (x1 + (x2 - x1) * 0.15, y1 + (y2 - y1) * 0.25, (x2 - x1) * 0.7, (y2 - y1) * 0.5)
    ix, iy, iw, ih = image_rect
    right = ix + iw / 3
    centre_y = iy + ih / 2
    left_edge, bottom_edge, _r, top_edge = _crop_box(reader, index)
    sx1 = max(left_edge, right - size)
    sy1 = min(max(bottom_edge, centre_y - size / 2), top_edge - size)
    return index, round(sx1, 2), round(sy1, 2), round(sx1 + size, 2), round(sy1 + size, 2)


def _image_rect(widget: Any, rect: tuple[float, float, float, float]) -> tuple[float, float, float, float] | None:
    """The signer's handwritten signature in page coordinates, read from the widget's appearance."""
    try:
        normal = widget["/AP"]["/N"].get_object()
        found = appearance.signature_image_rect(normal.get_data())
        bbox = [float(v) for v in normal.get("/BBox", [0, 0, rect[2] - rect[0], rect[3] - rect[1]])]
    except Exception:
        return None
    if found is None:
        return None
    sx = (rect[2] - rect[0]) / ((bbox[2] - bbox[0]) or 1)
    sy = (rect[3] - rect[1]) / ((bbox[3] - bbox[1]) or 1)
    x, y, w, h = found
    return rect[0] + (x - bbox[0]) * sx, rect[1] + (y - bbox[1]) * sy, w * sx, h * sy


def attachment_box(pdf: bytes, lines: tuple[str, ...]) -> Box:
    """The top right of the first page, in the top margin: 15 mm from the right edge, 5 mm from
    the top."""
    reader = _read_pdf(pdf)
    left, _bottom, right, top = _crop_box(reader, 0)
    width, height = appearance.attachment_box_size(lines)
    x2 = right - 15 * MM
    x1 = max(left + 5 * MM, x2 - width)
    y2 = top - 5 * MM
    return 0, round(x1, 2), round(y2 - height, 2), round(x2, 2), round(y2, 2)


# --- Signing ----------------------------------------------------------------------------------

def _active_image(*, person: Person | None = None, agency: Agency | None = None, kind: str) -> SignatureImage | None:
    qs = SignatureImage.objects.filter(kind=kind, is_active=True).select_related("stored_file")
    qs = qs.filter(person=person) if person is not None else qs.filter(agency=agency)
    return qs.order_by("-created_at", "-pk").first()


def _image_bytes(image: SignatureImage | None) -> bytes | None:
    from qlvb.files.services import read_stored

    return read_stored(image.stored_file) if image is not None else None


def _check_png(data: bytes) -> None:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != "PNG":
                raise ValidationError(_("The signature image must be a PNG file."), code="image_not_png")
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("The signature image is too large."), code="image_too_large")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("The signature image cannot be read as a PNG file."), code="image_not_png")


def _layout(pdf: bytes, *, box: Box | None, default_box: Any, style: appearance.Appearance | None, reason: str,
            field_name: str | None, prefix: str, signer_name: str, role: str, about: str) -> Any:
    """Where the signature goes and how it shows (refusing a bad PDF, box or field name); no box
    at all (``default_box`` gives None) is an invisible signature."""
    from qlvb.signatures.deferred import Layout

    reader = _read_pdf(pdf)
    name = _new_field_name(reader, field_name, prefix)
    chosen = box if box is not None else default_box()
    box = _check_box(reader, chosen) if chosen is not None else None
    return Layout(style=style, field_name=name, box=box, reason=reason, signer_name=signer_name, role=role,
                  about=about)


def _sign(pdf: bytes, *, by: Actor, certificate: Certificate, secret: str | None, agency_signature: bool,
          box: Box | None, default_box: Any, style: appearance.Appearance | None, reason: str, field_name: str | None,
          prefix: str, signer_name: str, role: str, about: str = "") -> bytes:
    """The common path: check who and what, then sign as an incremental update and record it —
    through the deferred-signing core with the server's key (a transient session that completes
    at once, docs/signing.md). ``about`` names the document signed ("outgoing.outgoingdocument:12"):
    the audit log then shows nothing of the signature to those who may not see that document (R7)."""
    from qlvb.signatures import deferred
    from qlvb.signatures.providers import server

    _check_owner(by, certificate, agency_signature=agency_signature)
    _check_usable(certificate, timezone.now())
    if certificate.kind == Certificate.Kind.REMOTE:
        raise ValidationError(_("This certificate's key is at a signing service: sign with that service."),
                              code="remote_certificate")
    layout = _layout(pdf, box=box, default_box=default_box, style=style, reason=reason, field_name=field_name,
                     prefix=prefix, signer_name=signer_name, role=role, about=about)
    holder = by.person if not agency_signature else (by.person or by.effective)
    assert holder is not None  # _check_owner: a person signs or applies the agency's signature
    with _open_signer(certificate, secret) as signer:
        session = deferred.prepare(pdf, by=by, person=holder, certificate=certificate, layout=layout,
                                   purpose=role, provider="server", keep=False)
        return server.ServerProvider().sign(session, signer)


def _start(pdf: bytes, *, by: Actor, certificate: Certificate, agency_signature: bool, box: Box | None,
           default_box: Any, style: appearance.Appearance | None, reason: str, field_name: str | None, prefix: str,
           signer_name: str, role: str, about: str = "", target_kind: str = "", target_id: int | None = None,
           continuation: dict[str, Any] | None = None, watchers: tuple[int, ...] = ()) -> SigningSession:
    """A kept signing session for the certificate's provider (docs/signing.md), started: the same
    checks as ``_sign``, then the prepared revision stored and the provider asked."""
    from qlvb.signatures import deferred
    from qlvb.signatures.providers import for_certificate

    _check_owner(by, certificate, agency_signature=agency_signature)
    _check_usable(certificate, timezone.now())
    provider = for_certificate(certificate)
    if provider.completes_at_once:
        raise ValidationError(_("This certificate's key is on the server: it signs at once."), code="server_key")
    if not provider.configured():
        raise ValidationError(_("The signing service of this certificate is not available on this server."),
                              code="provider_unavailable")
    layout = _layout(pdf, box=box, default_box=default_box, style=style, reason=reason, field_name=field_name,
                     prefix=prefix, signer_name=signer_name, role=role, about=about)
    holder = certificate.person if not agency_signature else (by.person or by.effective)
    assert holder is not None  # _check_owner
    with transaction.atomic():
        session = deferred.prepare(pdf, by=by, person=holder, certificate=certificate, layout=layout,
                                   purpose=role, provider=provider.name, target_kind=target_kind,
                                   target_id=target_id, continuation=continuation, watchers=watchers,
                                   minutes=provider.session_minutes())
        deferred.start(session)
    return session


def signer_appearance(person: Person | None, *, position_title: str, full_name: str,
                      image: bytes | None = None) -> appearance.SignerAppearance:
    """How the signer's signature looks: ``image`` or the person's active signature image."""
    if image is None and person is not None:
        stored = _active_image(person=person, kind=SignatureImage.Kind.SIGNATURE)
        image = _image_bytes(stored)
        width_mm = float(stored.width_mm) if stored else float(DEFAULT_SIGNATURE_MM)
    else:
        width_mm = float(DEFAULT_SIGNATURE_MM)
    if image:
        _check_png(image)
    title_lines = tuple(line.strip() for line in position_title.splitlines() if line.strip())
    return appearance.SignerAppearance(title_lines=title_lines, full_name=full_name.strip(), image_png=image or None,
                                       image_width_mm=width_mm)


def preview_signatures(pdf: bytes, *, signer: Person, position_title: str, full_name: str,
                       agency: Agency, box: Box | None = None) -> bytes:
    """The PDF with what signing will add drawn where signing puts it — the signer's signature
    (bottom right of the last page) and the agency's seal over it — as plain page content, with
    no signature at all: the clerk's preview before issuing. Nothing is recorded."""
    from pyhanko.pdf_utils.layout import BoxConstraints

    style = signer_appearance(signer, position_title=position_title, full_name=full_name)
    index, x1, y1, x2, y2 = box if box is not None else default_signer_box(pdf)
    writer = _writer(pdf)
    # pyHanko types the position as int; PDF coordinates are real numbers and floats work.
    style.create_stamp(writer, BoxConstraints(width=x2 - x1, height=y2 - y1), {}).apply(
        index, x1, y1)  # type: ignore[arg-type]
    seal = _active_image(agency=agency, kind=SignatureImage.Kind.SEAL)
    if seal is not None:
        inner = style.image_rect(x2 - x1, y2 - y1)
        image_rect = (x1 + inner[0], y1 + inner[1], inner[2], inner[3]) if inner else None
        page, sx1, sy1, sx2, sy2 = _seal_box_over(_read_pdf(pdf), index, (x1, y1, x2, y2), image_rect,
                                                  float(seal.width_mm) * MM)
        seal_style = appearance.SealAppearance(image_png=_image_bytes(seal))
        seal_style.create_stamp(writer, BoxConstraints(width=sx2 - sx1, height=sy2 - sy1), {}).apply(
            page, sx1, sy1)  # type: ignore[arg-type]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _signer_plan(pdf: bytes, *, certificate: Certificate, box: Box | None, position_title: str, full_name: str,
                 image: bytes | None, reason: str, field_name: str | None, about: str) -> dict[str, Any]:
    style = signer_appearance(certificate.person if certificate.person_id else None, position_title=position_title,
                              full_name=full_name, image=image)
    return {"agency_signature": False, "box": box, "default_box": lambda: default_signer_box(pdf), "style": style,
            "reason": reason, "field_name": field_name, "prefix": "Signature",
            "signer_name": full_name.strip() or certificate.subject_cn, "role": "signer", "about": about}


def sign_as_signer(pdf: bytes, *, by: Actor, certificate: Certificate, passphrase_or_pin: str | None = None,
                   box: Box | None = None, position_title: str, full_name: str, image: bytes | None = None,
                   reason: str = "", field_name: str | None = None, about: str = "") -> bytes:
    """The signer's visible signature: ``position_title`` above (one line per ``\\n``, e.g.
    "KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC"), the blue handwritten ``image`` centred (the holder's active
    signature image when None), ``full_name`` below, in ``box`` (default: bottom right of the
    last page). A PKCS#12 key whose passphrase is stored needs no ``passphrase_or_pin``."""
    return _sign(pdf, by=by, certificate=certificate, secret=passphrase_or_pin, **_signer_plan(
        pdf, certificate=certificate, box=box, position_title=position_title, full_name=full_name, image=image,
        reason=reason, field_name=field_name, about=about))


def start_signer_session(pdf: bytes, *, by: Actor, certificate: Certificate, position_title: str, full_name: str,
                         box: Box | None = None, image: bytes | None = None, reason: str = "",
                         field_name: str | None = None, about: str = "", target_kind: str = "",
                         target_id: int | None = None, continuation: dict[str, Any] | None = None,
                         watchers: tuple[int, ...] = ()) -> SigningSession:
    """The signer's signature, laid out as ``sign_as_signer`` does, as a kept signing session for
    a provider that answers later (a remote service, the VGCA token at the signer's computer).
    ``watchers``: who else follows it (the clerk issuing the document)."""
    return _start(pdf, by=by, certificate=certificate, target_kind=target_kind, target_id=target_id,
                  continuation=continuation, watchers=watchers, **_signer_plan(
                      pdf, certificate=certificate, box=box, position_title=position_title, full_name=full_name,
                      image=image, reason=reason, field_name=field_name, about=about))


def _initial_plan(*, certificate: Certificate, full_name: str, reason: str, about: str) -> dict[str, Any]:
    """A reviewer's initial (ký nháy): personal, invisible (no box is drawn on the draft; the
    signer's page shows it, and a PDF reader lists it with the other signatures)."""
    return {"agency_signature": False, "box": None, "default_box": lambda: None, "style": None, "reason": reason,
            "field_name": None, "prefix": "Initial", "signer_name": full_name.strip() or certificate.subject_cn,
            "role": SigningSession.Purpose.INITIAL.value, "about": about}


def sign_initial(pdf: bytes, *, by: Actor, certificate: Certificate, passphrase_or_pin: str | None = None,
                 full_name: str, reason: str = "", about: str = "") -> bytes:
    """A reviewer's initial signature (ký nháy) over a draft's PDF, invisible, with his own
    server-held key (completed at once through the core)."""
    return _sign(pdf, by=by, certificate=certificate, secret=passphrase_or_pin, **_initial_plan(
        certificate=certificate, full_name=full_name, reason=reason, about=about))


def start_initial_session(pdf: bytes, *, by: Actor, certificate: Certificate, full_name: str, reason: str = "",
                          about: str = "", target_kind: str = "", target_id: int | None = None,
                          continuation: dict[str, Any] | None = None) -> SigningSession:
    """The same initial as a kept signing session, for a key at a signing service."""
    return _start(pdf, by=by, certificate=certificate, target_kind=target_kind, target_id=target_id,
                  continuation=continuation, **_initial_plan(certificate=certificate, full_name=full_name,
                                                             reason=reason, about=about))


def _agency_plan(pdf: bytes, *, certificate: Certificate, box: Box | None, seal_image: bytes | None,
                 signer_field: str | None, reason: str, field_name: str | None, about: str) -> dict[str, Any]:
    width_mm = float(DEFAULT_SEAL_MM)
    if seal_image is None and certificate.agency_id:
        stored = _active_image(agency=certificate.agency, kind=SignatureImage.Kind.SEAL)
        seal_image = _image_bytes(stored)
        if stored is not None:
            width_mm = float(stored.width_mm)
    if not seal_image:
        raise ValidationError(_("The agency has no seal image; add one before signing as the agency."),
                              code="no_seal_image")
    _check_png(seal_image)
    style = appearance.SealAppearance(image_png=seal_image)
    agency_name = certificate.agency.name if certificate.agency is not None else certificate.subject_cn
    return {"agency_signature": True, "box": box,
            "default_box": lambda: seal_box(pdf, signer_field=signer_field, seal_width_mm=width_mm), "style": style,
            "reason": reason, "field_name": field_name, "prefix": "Seal", "signer_name": agency_name,
            "role": "agency", "about": about}


def sign_as_agency(pdf: bytes, *, by: Actor, certificate: Certificate, passphrase_or_pin: str | None = None,
                   box: Box | None = None, seal_image: bytes | None = None, signer_field: str | None = None,
                   reason: str = "", field_name: str | None = None, about: str = "") -> bytes:
    """The agency's signature: the red seal at its real size over about the left third of the
    signer's handwritten signature (``box`` computed by ``seal_box`` unless given). The seal is
    the agency's active seal image when ``seal_image`` is None."""
    return _sign(pdf, by=by, certificate=certificate, secret=passphrase_or_pin, **_agency_plan(
        pdf, certificate=certificate, box=box, seal_image=seal_image, signer_field=signer_field, reason=reason,
        field_name=field_name, about=about))


def start_agency_session(pdf: bytes, *, by: Actor, certificate: Certificate, box: Box | None = None,
                         seal_image: bytes | None = None, signer_field: str | None = None, reason: str = "",
                         field_name: str | None = None, about: str = "", target_kind: str = "",
                         target_id: int | None = None, continuation: dict[str, Any] | None = None,
                         watchers: tuple[int, ...] = ()) -> SigningSession:
    """The agency's seal, laid out as ``sign_as_agency`` does, as a kept signing session."""
    return _start(pdf, by=by, certificate=certificate, target_kind=target_kind, target_id=target_id,
                  continuation=continuation, watchers=watchers, **_agency_plan(
                      pdf, certificate=certificate, box=box, seal_image=seal_image, signer_field=signer_field,
                      reason=reason, field_name=field_name, about=about))


def attachment_lines(*, agency_name: str, number_notation: str, signed_at: dt.datetime) -> tuple[str, ...]:
    """The text of an attachment's signature: the agency, the number and notation, and the time
    in ISO 8601 with Vietnam's offset (2026-03-05T14:30:00+07:00)."""
    when = signed_at.astimezone(VIETNAM).replace(microsecond=0).isoformat()
    return tuple(line for line in (agency_name.strip(), number_notation.strip(), when) if line)


def _attachment_plan(pdf: bytes, *, certificate: Certificate, number_notation: str, signed_at: dt.datetime | None,
                     reason: str, field_name: str | None, box: Box | None, about: str) -> dict[str, Any]:
    signed_at = signed_at or timezone.now()
    if timezone.is_naive(signed_at):
        raise ValueError("signed_at must be an aware datetime")
    agency_name = certificate.agency.name if certificate.agency is not None else certificate.subject_cn
    lines = attachment_lines(agency_name=agency_name, number_notation=number_notation, signed_at=signed_at)
    style = appearance.AttachmentAppearance(lines=lines)
    return {"agency_signature": True, "box": box, "default_box": lambda: attachment_box(pdf, lines), "style": style,
            "reason": reason, "field_name": field_name, "prefix": "Attachment", "signer_name": agency_name,
            "role": "attachment", "about": about}


def sign_attachment(pdf: bytes, *, by: Actor, certificate: Certificate, passphrase_or_pin: str | None = None,
                    number_notation: str, signed_at: dt.datetime | None = None, reason: str = "",
                    field_name: str | None = None, box: Box | None = None, about: str = "") -> bytes:
    """The agency's signature on a separately attached file: no image, at the top right of the
    first page, the agency's name, ``number_notation`` (e.g. "12/QĐ-STTTT") and the signing time,
    10 pt black serif."""
    return _sign(pdf, by=by, certificate=certificate, secret=passphrase_or_pin, **_attachment_plan(
        pdf, certificate=certificate, number_notation=number_notation, signed_at=signed_at, reason=reason,
        field_name=field_name, box=box, about=about))


def start_attachment_session(pdf: bytes, *, by: Actor, certificate: Certificate, number_notation: str,
                             signed_at: dt.datetime | None = None, about: str = "", target_kind: str = "",
                             target_id: int | None = None, continuation: dict[str, Any] | None = None,
                             watchers: tuple[int, ...] = ()) -> SigningSession:
    """The agency's signature on an attachment, laid out as ``sign_attachment`` does, as a kept session."""
    return _start(pdf, by=by, certificate=certificate, target_kind=target_kind, target_id=target_id,
                  continuation=continuation, watchers=watchers, **_attachment_plan(
                      pdf, certificate=certificate, number_notation=number_notation, signed_at=signed_at,
                      reason="", field_name=None, box=None, about=about))


# --- Certificates -----------------------------------------------------------------------------

def _owner(person: Person | None, agency: Agency | None) -> None:
    if (person is None) == (agency is None):
        raise ValueError("give exactly one owner: a person or an agency")


def _create_certificate(*, by: Actor, person: Person | None, agency: Agency | None, cert: Any,
                        chain: list[Any], **fields: Any) -> Certificate:
    info = pki.cert_info(cert)
    if Certificate.objects.filter(fingerprint=info.fingerprint).exists():
        raise ValidationError(_("This certificate has already been added."), code="certificate_exists")
    chain_pem = "".join(pki.cert_info(c).pem for c in chain if c != cert)
    certificate = Certificate.objects.create(
        person=person, agency=agency, subject_cn=info.subject_cn, subject=info.subject, issuer=info.issuer,
        serial=info.serial, not_before=info.not_before, not_after=info.not_after, fingerprint=info.fingerprint,
        certificate_pem=info.pem, chain_pem=chain_pem, created_by=by.person, **fields)
    record(verb="signatures.certificate_added", actor=by, agency=certificate.owner_agency_id, target=certificate,
           data={"kind": certificate.kind, "fingerprint": info.fingerprint, "issuer": info.issuer,
                 "not_after": info.not_after})
    return certificate


def _encrypt_pkcs12_fields(fingerprint: str, data: bytes, passphrase: str, store_passphrase: bool) -> dict[str, Any]:
    return {
        "kind": Certificate.Kind.PKCS12,
        "pkcs12_encrypted": crypto.encrypt(data, context=_context("pkcs12", fingerprint)),
        "passphrase_stored": store_passphrase,
        "passphrase_encrypted": (crypto.encrypt(passphrase.encode(), context=_context("passphrase", fingerprint))
                                 if store_passphrase else None),
    }


def add_pkcs12_certificate(*, by: Actor, data: bytes, passphrase: str, person: Person | None = None,
                           agency: Agency | None = None, store_passphrase: bool = False) -> Certificate:
    """Add a key file (.p12/.pfx). The file is kept encrypted; the passphrase is asked at each
    signing unless ``store_passphrase`` (convenient for an agency key its clerks use all day)."""
    _owner(person, agency)
    if not _may_manage(by, person=person, agency=agency):
        raise NotAllowed("may not manage this owner's certificates")
    try:
        _key, cert, chain = pki.open_pkcs12(data, passphrase)
    except pki.WrongPassphrase:
        raise ValidationError({"passphrase": ValidationError(
            _("The passphrase is wrong: it does not open the key file."), code="wrong_passphrase")})
    except pki.NotPkcs12:
        raise ValidationError({"data": ValidationError(
            _("The file is not a PKCS#12 key file (.p12, .pfx) with a key and its certificate."),
            code="not_pkcs12")})
    info = pki.cert_info(cert)
    _refuse_expired(info)
    with transaction.atomic():
        return _create_certificate(by=by, person=person, agency=agency, cert=cert, chain=chain,
                                   **_encrypt_pkcs12_fields(info.fingerprint, data, passphrase, store_passphrase))


def add_pkcs11_certificate(*, by: Actor, module_path: str, token_label: str, key_label: str,
                           person: Person | None = None, agency: Agency | None = None,
                           certificate: bytes | str | None = None, chain: list[bytes | str] | None = None,
                           pin: str | None = None) -> Certificate:
    """Register a key on a token or HSM. The certificate is read from the token (its object with
    the key's label) unless given; with the PIN, the key is checked by signing a test value."""
    _owner(person, agency)
    if not _may_manage(by, person=person, agency=agency):
        raise NotAllowed("may not manage this owner's certificates")
    if module_path not in pkcs11_modules():
        raise ValidationError({"module_path": ValidationError(
            _("This PKCS#11 module is not allowed on this server (setting QLVB_PKCS11_MODULES)."),
            code="pkcs11_module_not_allowed")})
    if certificate is None:
        cert = _read_token_certificate(module_path, token_label, key_label, pin)
    else:
        try:
            cert = pki.load_certificate(certificate)
        except ValueError:
            raise ValidationError({"certificate": ValidationError(_("The certificate cannot be read."),
                                                                  code="bad_certificate")})
    extra = [pki.load_certificate(c) for c in chain or []]
    with transaction.atomic():
        row = _create_certificate(by=by, person=person, agency=agency, cert=cert, chain=extra,
                                  kind=Certificate.Kind.PKCS11, pkcs11_module=module_path,
                                  pkcs11_token_label=token_label, pkcs11_key_label=key_label)
        if pin:
            with _pkcs11_signer(row, pin) as signer:
                asyncio.run(signer.async_sign_raw(b"QLVB key check", "sha256"))
    return row


def add_remote_certificate(*, by: Actor, provider: str, account: str, remote_id: str = "",
                           person: Person | None = None, agency: Agency | None = None) -> Certificate:
    """Register a key held by a remote signing service (CSC, VNPT SmartCA, Viettel MySign): its
    certificate is read from the service (the key ``remote_id`` of ``account``: CSC's credential;
    SmartCA's certificate serial number for the holder's CCCD; MySign's credential id for the
    holder's log-in — left blank when the account has only one certificate); signing with it goes
    through a signing session the job worker completes (docs/signing.md)."""
    from qlvb.signatures.providers import csc
    from qlvb.signatures.providers import provider as provider_named
    from qlvb.signatures.remote import base as remote

    _owner(person, agency)
    if not _may_manage(by, person=person, agency=agency):
        raise NotAllowed("may not manage this owner's certificates")
    unavailable = ValidationError({"provider": ValidationError(
        _("This signing service is not available on this server."), code="provider_unavailable")})
    if provider not in ("csc", *remote.SETTINGS):
        raise unavailable
    if not provider_named(provider).configured():
        raise unavailable
    account = account.strip()
    remote_id = remote_id.strip()
    if provider == "csc":
        try:
            found = csc.client().certificate(remote_id)
        except csc.CscError as error:
            raise ValidationError({"remote_id": ValidationError(error.message, code=error.code)})
    else:
        if not account:
            raise ValidationError({"account": ValidationError(
                _("Give the holder's account at the signing service."), code="required")})
        try:
            listed = remote.client(provider).certificates(account)
        except remote.RemoteRefusal as refusal:
            raise ValidationError({"account": ValidationError(refusal.refused.message, code=refusal.refused.code)})
        matching = [c for c in listed if c.id == remote_id] if remote_id else listed
        if len(matching) != 1:
            raise ValidationError({"remote_id": ValidationError(
                _("Choose which of the account's certificates at the signing service to register."),
                code="choose_certificate" if matching else "not_found")})
        found = matching[0]
        remote_id = found.id
    cert = pki.load_certificate(found.der)
    _refuse_expired(pki.cert_info(cert))
    chain = [pki.load_certificate(der) for der in found.chain]
    with transaction.atomic():
        return _create_certificate(by=by, person=person, agency=agency, cert=cert, chain=chain,
                                   kind=Certificate.Kind.REMOTE, remote_provider=provider,
                                   remote_account=account[:300], remote_id=remote_id[:300])


def _read_token_certificate(module_path: str, token_label: str, label: str, pin: str | None) -> Any:
    from pkcs11 import Attribute, ObjectClass
    from pkcs11 import exceptions as p11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Error, open_pkcs11_session

    try:
        session = open_pkcs11_session(module_path, token_criteria=TokenCriteria(label=token_label), user_pin=pin)
    except (p11.PinIncorrect, p11.PinInvalid, p11.PinLenRange):
        raise ValidationError({"pin": ValidationError(_("The PIN is wrong."), code="wrong_pin")})
    except (PKCS11Error, p11.PKCS11Error):
        raise ValidationError(_("The token “%(label)s” is not connected."), code="token_missing",
                              params={"label": token_label})
    try:
        objects = list(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: label}))
        if len(objects) != 1:
            raise ValidationError(_("The token has no certificate labelled “%(label)s”."), code="key_missing",
                                  params={"label": label})
        return pki.load_certificate(objects[0][Attribute.VALUE])
    finally:
        session.close()


def revoke_certificate(*, by: Actor, certificate: Certificate, reason: str) -> Certificate:
    """Revoke for good (a lost token, a left employee, a compromised key): it signs no more, and
    verification flags signatures made with it."""
    if not _may_manage(by, person=certificate.person, agency=certificate.agency):
        raise NotAllowed("may not manage this certificate")
    if not reason.strip():
        raise ValidationError({"reason": ValidationError(_("Give the reason for revoking."), code="required")})
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_at is not None:
            return certificate
        certificate.revoked_at = timezone.now()
        certificate.revocation_reason = reason.strip()[:300]
        certificate.is_active = False
        certificate.save(update_fields=["revoked_at", "revocation_reason", "is_active"])
        record(verb="signatures.certificate_revoked", actor=by, agency=certificate.owner_agency_id,
               target=certificate, data={"reason": certificate.revocation_reason})
    return certificate


def set_certificate_active(*, by: Actor, certificate: Certificate, active: bool) -> Certificate:
    if not _may_manage(by, person=certificate.person, agency=certificate.agency):
        raise NotAllowed("may not manage this certificate")
    if active and certificate.revoked_at is not None:
        raise ValidationError(_("A revoked certificate cannot be activated again."), code="certificate_revoked")
    with transaction.atomic():
        certificate.is_active = active
        certificate.save(update_fields=["is_active"])
        record(verb="signatures.certificate_activated" if active else "signatures.certificate_deactivated",
               actor=by, agency=certificate.owner_agency_id, target=certificate)
    return certificate


def add_signature_image(*, by: Actor, png: bytes, person: Person | None = None, agency: Agency | None = None,
                        width_mm: Decimal | float | None = None) -> SignatureImage:
    """A person's handwritten signature or an agency's seal (transparent PNG); it replaces the
    owner's previous one. ``width_mm`` is its printed width (a seal's real diameter)."""
    from qlvb.files.services import store_bytes

    _owner(person, agency)
    if not _may_manage(by, person=person, agency=agency):
        raise NotAllowed("may not manage this owner's images")
    return _add_image(by=by, png=png, person=person, agency=agency, width_mm=width_mm, store=store_bytes)


def _add_image(*, by: Actor, png: bytes, person: Person | None, agency: Agency | None,
               width_mm: Decimal | float | None, store: Any) -> SignatureImage:
    if len(png) > MAX_IMAGE_BYTES:
        raise ValidationError(_("The signature image is too large."), code="image_too_large")
    _check_png(png)
    with Image.open(io.BytesIO(png)) as image:
        size = image.size
        has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if not has_alpha:
        raise ValidationError(_("The image must have a transparent background (PNG with transparency)."),
                              code="image_not_transparent")
    kind = SignatureImage.Kind.SIGNATURE if person is not None else SignatureImage.Kind.SEAL
    default = DEFAULT_SIGNATURE_MM if person is not None else DEFAULT_SEAL_MM
    width = Decimal(str(width_mm)).quantize(Decimal("0.1")) if width_mm else default
    if not Decimal("5") <= width <= Decimal("120"):
        raise ValidationError({"width_mm": ValidationError(_("The width must be between 5 and 120 mm."),
                                                           code="bad_width")})
    with transaction.atomic():
        stored = store(png, name=f"{kind}.png")
        current = _active_image(person=person, agency=agency, kind=kind)
        if current is not None and current.stored_file_id == stored.pk and current.width_mm == width:
            return current
        SignatureImage.objects.filter(person=person, agency=agency, kind=kind, is_active=True).update(is_active=False)
        image_row = SignatureImage.objects.create(person=person, agency=agency, kind=kind, stored_file=stored,
                                                  width_px=size[0], height_px=size[1], width_mm=width)
        owner_agency: int | None
        if agency is not None:
            owner_agency = agency.pk
        else:
            assert person is not None  # _owner: a person's or an agency's
            owner_agency = person.agency_id
        record(verb="signatures.image_added", actor=by, agency=owner_agency, target=image_row,
               data={"kind": kind, "sha256": stored.sha256})
    return image_row


def _ca_certificates(data: bytes | str) -> list[Any]:
    """The certificates in an upload: one DER certificate, or one or more PEM ones. Each must be a
    certification authority's (basic constraints: CA). A refusal (nothing read) otherwise."""
    from cryptography import x509

    raw = data.encode("ascii", "ignore") if isinstance(data, str) else bytes(data)
    try:
        certs = (x509.load_pem_x509_certificates(raw) if b"-----BEGIN CERTIFICATE-----" in raw
                 else [x509.load_der_x509_certificate(raw)])
    except ValueError:
        certs = []
    if not certs:
        raise ValidationError({"certificate": ValidationError(
            _("The file is not a certificate (PEM or DER, .cer/.crt)."), code="bad_certificate")})
    for cert in certs:
        try:
            is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        except x509.ExtensionNotFound:
            is_ca = False
        if not is_ca:
            raise ValidationError({"certificate": ValidationError(
                _("“%(name)s” is not a certification authority's certificate (it cannot issue certificates)."),
                code="not_ca", params={"name": pki.cert_info(cert).subject_cn})})
    return certs


def _self_issued(cert: Any) -> bool:
    """A root: issued by itself, with its own key."""
    if cert.issuer != cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except Exception:
        return False
    return True


def _check_trust_admin(by: Actor) -> None:
    if not is_installation_admin(by.person):
        raise NotAllowed("only installation administrators choose trusted authorities")


def add_trust_anchors(*, by: Actor | None, data: bytes | str, name: str = "") -> list[TrustAnchor]:
    """Trust the certification authorities in ``data`` (a root such as the VGCA's or NEAC's national
    root, or an intermediate CA under one; PEM, possibly several, or DER): each is a root when it
    issued itself, else an intermediate (trusted only through a root). Installation
    administrators only (``by=None``: the management command, run by the server's operator).
    Idempotent by fingerprint: one already there is returned as it is (and activated again)."""
    if by is not None:
        _check_trust_admin(by)
    certs = _ca_certificates(data)
    actor = by or Actor.system()
    anchors = []
    with transaction.atomic():
        for cert in certs:
            info = pki.cert_info(cert)
            kind = TrustAnchor.Kind.ROOT if _self_issued(cert) else TrustAnchor.Kind.INTERMEDIATE
            anchor, created = TrustAnchor.objects.get_or_create(
                fingerprint=info.fingerprint,
                defaults={"name": ((name if len(certs) == 1 else "") or info.subject_cn)[:300],
                          "certificate_pem": info.pem, "not_after": info.not_after, "kind": kind,
                          "subject": info.subject, "issuer": info.issuer})
            if created:
                record(verb="signatures.trust_anchor_added", actor=actor, target=anchor,
                       data={"fingerprint": info.fingerprint, "subject": info.subject, "kind": kind})
            elif not anchor.is_active:
                anchor = set_trust_anchor_active(by=by, anchor=anchor, active=True)
            anchors.append(anchor)
    return anchors


def add_trust_anchor(*, by: Actor, certificate: bytes | str, name: str = "") -> TrustAnchor:
    """Trust one certification authority (``add_trust_anchors`` with one certificate)."""
    return add_trust_anchors(by=by, data=certificate, name=name)[0]


def set_trust_anchor_active(*, by: Actor | None, anchor: TrustAnchor, active: bool) -> TrustAnchor:
    """Stop trusting an authority (verification no longer builds paths through it), or again."""
    if by is not None:
        _check_trust_admin(by)
    with transaction.atomic():
        anchor = TrustAnchor.objects.select_for_update().get(pk=anchor.pk)
        if anchor.is_active != active:
            anchor.is_active = active
            anchor.save(update_fields=["is_active"])
            record(verb="signatures.trust_anchor_activated" if active else "signatures.trust_anchor_deactivated",
                   actor=by or Actor.system(), target=anchor, data={"fingerprint": anchor.fingerprint})
    return anchor


def set_long_term_validation(*, by: Actor, agency: Agency, enabled: bool) -> AgencySigningSettings:
    """Whether the agency's signature embeds long-term validation data (PAdES B-LT). The
    agency's administrators."""
    if by.person is None or not can_manage_agency(by.person, agency):
        raise NotAllowed("may not manage this agency's signing settings")
    with transaction.atomic():
        config, _created = AgencySigningSettings.objects.select_for_update().get_or_create(agency=agency)
        if config.long_term_validation != enabled:
            config.long_term_validation = enabled
            config.save(update_fields=["long_term_validation"])
            record(verb="signatures.settings_changed", actor=by, agency=agency.pk, target=config,
                   data={"long_term_validation": enabled})
    return config

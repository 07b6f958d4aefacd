"""Checking the signatures in a PDF (received documents, and our own after signing).

For each signature: who signed (the certificate's CN), when (as the signer's computer said:
baseline-B signatures carry no trusted time), whether the signed bytes are intact, whether the
certificate chains to a trusted authority (``TrustAnchor`` rows: the demo CA, the national root
CA…), and what changed in the document after it was signed (later signatures and form filling
are normal; anything else means the document was altered).

Revocation (``signatures.trust``): where the certificate names a CRL or an OCSP responder, they are
asked (``QLVB_REVOCATION_FETCH``, a short timeout); each report says good, revoked, not checked
(and why: fetching off, the CA unreachable, no trusted path) or that the certificate names no
revocation service. Certificates revoked in QLVB itself are flagged too. The document's own /DSS
(PAdES B-LT) supplies certificates and revocation answers as well.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qlvb.signatures import trust
from qlvb.signatures.models import Certificate

logger = logging.getLogger(__name__)

ACCEPTABLE_LEVELS = ("none", "lta_updates", "form_filling")


@dataclass(frozen=True)
class SignatureReport:
    field_name: str
    signer_name: str
    signer_subject: str
    issuer: str
    fingerprint: str
    signing_time: dt.datetime | None
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the signature matches the signed bytes and the signer's key
    trusted: bool  # the certificate chains to a trusted authority and may sign
    revoked: bool
    coverage: str  # entire_file, entire_revision, partial, unknown
    modification_level: str  # none, lta_updates, form_filling, annotations, other, unknown
    reason: str = ""
    error: str = ""
    # What the certification authority says (signatures.trust): good, revoked, not_checked, no_info;
    # for not_checked, why: off, unreachable, untrusted, failed.
    revocation: str = "not_checked"
    revocation_why: str = ""

    @property
    def covers_whole_document(self) -> bool:
        return self.coverage == "entire_file"

    @property
    def unchanged_since(self) -> bool:
        """Nothing but later signatures or form filling was added after this signature."""
        return self.modification_level in ACCEPTABLE_LEVELS

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and not self.revoked and self.unchanged_since

    @property
    def status(self) -> str:
        """valid, untrusted (sound but from an unknown or unusable certificate), modified, invalid."""
        if not (self.intact and self.valid):
            return "invalid"
        if not self.unchanged_since:
            return "modified"
        if not self.trusted or self.revoked:
            return "untrusted"
        return "valid"

    @property
    def summary(self) -> str:
        """One sentence for people, in the active language."""
        if self.error:
            return _("The signature cannot be checked: %(error)s") % {"error": self.error}
        if not self.intact:
            return _("Invalid: the document was changed after %(name)s signed it.") % {"name": self.signer_name}
        if not self.valid:
            return _("Invalid: the signature does not match %(name)s's certificate.") % {"name": self.signer_name}
        if not self.unchanged_since:
            return _("Invalid: content was added or changed after %(name)s signed.") % {"name": self.signer_name}
        if self.revoked:
            return _("Signed by %(name)s, but the certificate has been revoked.") % {"name": self.signer_name}
        if not self.trusted:
            return _("Signed by %(name)s and unchanged, but the certificate is not from a trusted authority "
                     "or is not valid now.") % {"name": self.signer_name}
        if self.covers_whole_document:
            return _("Valid signature of %(name)s; the document is unchanged since.") % {"name": self.signer_name}
        return _("Valid signature of %(name)s; only further signatures were added since.") % {
            "name": self.signer_name}

    @property
    def revocation_text(self) -> str:
        """What the certification authority says of the certificate, for people."""
        if self.revocation == "good":
            return _("Checked with the certification authority (CRL/OCSP): the certificate is not revoked.")
        if self.revocation == "revoked":
            return _("The certification authority reports the certificate revoked.")
        if self.revocation == "no_info":
            return _("The certificate names no revocation service (CRL or OCSP): revocation was not checked.")
        return {
            "off": _("Revocation not checked: asking the certification authority is turned off on this server."),
            "unreachable": _("Revocation not checked: the certification authority's CRL/OCSP service could not "
                             "be reached."),
            "untrusted": _("Revocation not checked: the certificate does not chain to a trusted authority."),
            "failed": _("Revocation not checked: the certification authority's answer could not be verified."),
        }.get(self.revocation_why, _("Revocation not checked."))


def trust_roots() -> list[Any]:
    """The active root authorities as asn1crypto certificates (intermediates: ``trust.intermediates``)."""
    return trust.roots()


def _enum_name(value: Any) -> str:
    return value.name.lower() if value is not None else "unknown"


def _cn(cert: Any) -> str:
    try:
        return cert.subject.native.get("common_name") or cert.subject.human_friendly
    except Exception:
        return "?"


def verify_pdf(pdf: bytes, *, roots: list[Any] | None = None, fetch: bool | None = None) -> list[SignatureReport]:
    """Check every signature in the PDF, in signing order. An unsigned PDF gives an empty list.
    Raises ValidationError (code not_pdf or encrypted_pdf) when the file cannot be read."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    if not isinstance(pdf, bytes | bytearray) or b"%PDF-" not in bytes(pdf[:1024]):
        raise ValidationError(_("The file is not a PDF document or is damaged."), code="not_pdf")
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        encrypted = reader.encrypted
        signatures = [] if encrypted else list(reader.embedded_regular_signatures)
    except Exception:
        raise ValidationError(_("The file is not a PDF document or is damaged."), code="not_pdf")
    if encrypted:
        raise ValidationError(_("The PDF is encrypted (password-protected); its signatures cannot be checked."),
                              code="encrypted_pdf")
    if not signatures:
        return []
    make_context = _contexts(reader, roots, fetch)
    revoked = set(Certificate.objects.filter(revoked_at__isnull=False).values_list("fingerprint", flat=True))
    usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)
    reports = []
    for embedded in signatures:
        reports.append(_report(embedded, make_context, revoked, usage, validate_pdf_signature))
    return reports


def _contexts(reader: Any, roots: list[Any] | None, fetch: bool | None) -> Any:
    """A maker of validation contexts (one per signature: each keeps its own revocation record):
    the given roots, or the trusted roots and intermediates; the document's /DSS."""
    trust_roots = trust.roots() if roots is None else roots
    others = trust.intermediates() if roots is None else []
    dss = trust.document_dss(reader)
    return lambda: trust.context(trust_roots=trust_roots, others=others, fetch=fetch, dss=dss)


def verify_last(pdf: bytes, *, roots: list[Any] | None = None, fetch: bool | None = None) -> SignatureReport | None:
    """The report of the newest signature only (signing checks what it just made); None if the
    PDF has no signature."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_regular_signatures)
    except Exception:
        raise ValidationError(_("The file is not a PDF document or is damaged."), code="not_pdf")
    if not signatures:
        return None
    usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)
    return _report(signatures[-1], _contexts(reader, roots, fetch), set(), usage, validate_pdf_signature)


def _report(embedded: Any, make_context: Any, revoked: set[str], usage: Any, validate: Any) -> SignatureReport:
    field_name = str(embedded.field_name or "")
    try:
        cert = embedded.signer_cert
        name, subject, issuer = _cn(cert), cert.subject.human_friendly, cert.issuer.human_friendly
        fingerprint = cert.sha256.hex()
    except Exception:
        cert, name, subject, issuer, fingerprint = None, "?", "", "", ""
    reason = str(embedded.sig_object.get("/Reason", "") or "")
    try:
        context = make_context()
        status = validate(embedded, signer_validation_context=context, key_usage_settings=usage)
    except Exception as error:  # a malformed signature must not hide the others
        logger.info("Signature %s cannot be validated: %s", field_name, error)
        return SignatureReport(field_name=field_name, signer_name=name, signer_subject=subject, issuer=issuer,
                               fingerprint=fingerprint, signing_time=embedded.self_reported_timestamp
                               if cert else None, intact=False, valid=False, trusted=False, revoked=False,
                               coverage="unknown", modification_level="unknown", reason=reason,
                               error=str(error)[:300])
    coverage = {"ENTIRE_FILE": "entire_file", "ENTIRE_REVISION": "entire_revision"}.get(
        status.coverage.name if status.coverage else "", "partial")
    return SignatureReport(
        field_name=field_name, signer_name=name, signer_subject=subject, issuer=issuer, fingerprint=fingerprint,
        signing_time=status.signer_reported_dt, intact=bool(status.intact), valid=bool(status.valid),
        trusted=bool(status.trusted), revoked=bool(status.revoked) or fingerprint in revoked, coverage=coverage,
        modification_level=_enum_name(status.modification_level), reason=reason,
        **_revocation(status, context, cert))


def _revocation(status: Any, context: Any, cert: Any) -> dict[str, str]:
    found = trust.revocation_of(status, context, cert)
    if found.detail:
        logger.info("Revocation of %s: %s (%s)", _cn(cert), found.state, found.detail)
    return {"revocation": found.state, "revocation_why": found.why}


def pdfsig_check(pdf_bytes: bytes, *, timeout: float = 60) -> str:
    """poppler's ``pdfsig`` report on the PDF (an independent check, for tests and diagnostics).
    Each signature shows "Signature Validation: Signature is Valid." when intact."""
    executable = shutil.which("pdfsig")
    if executable is None:
        raise FileNotFoundError("pdfsig (Debian: poppler-utils) is not installed")
    with tempfile.TemporaryDirectory(prefix="qlvb-pdfsig-") as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf_bytes)
        result = subprocess.run(  # noqa: S603 - fixed program, our own temporary file, no shell
            [executable, str(path)], capture_output=True, text=True, timeout=timeout, check=False)
    return result.stdout + result.stderr

"""Trust and revocation (issue 21, docs/signing.md "Trust and revocation").

- What verification trusts: the active ``TrustAnchor`` rows; roots are trust anchors, intermediate
  CAs only help build a path to one (a certificate under an intermediate is trusted only when its
  root is trusted too).
- Revocation: where a certificate names a CRL distribution point or an OCSP responder, pyHanko's
  validator asks them (``QLVB_REVOCATION_FETCH``, on by default; each request given up after
  ``QLVB_REVOCATION_TIMEOUT`` seconds). Every report says what came of it: good, revoked, not
  checked (why), or no revocation information in the certificate.
- Long-term validation (PAdES B-LT), where the agency asks for it: after the agency's signature,
  the certificates of every signature's path and the CRLs/OCSP answers fetched for them are added
  to the document's security store (/DSS) in an incremental update; the signatures stay valid.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from qlvb.signatures.models import AgencySigningSettings, TrustAnchor

logger = logging.getLogger(__name__)

# Revocation states of a report, and why a certificate was not checked.
GOOD, REVOKED, NOT_CHECKED, NO_INFO = "good", "revoked", "not_checked", "no_info"
WHY_OFF, WHY_UNREACHABLE, WHY_UNTRUSTED, WHY_FAILED = "off", "unreachable", "untrusted", "failed"
DEFAULT_TIMEOUT = 3.0


def fetching() -> bool:
    return bool(getattr(settings, "QLVB_REVOCATION_FETCH", True))


def timeout() -> float:
    return float(getattr(settings, "QLVB_REVOCATION_TIMEOUT", DEFAULT_TIMEOUT))


def _certificates(kind: str) -> list[Any]:
    from asn1crypto import pem, x509

    found = []
    for row in TrustAnchor.objects.filter(is_active=True, kind=kind).only("certificate_pem"):
        try:
            _type, _headers, der = pem.unarmor(row.certificate_pem.encode("ascii"))
            found.append(x509.Certificate.load(der))
        except Exception:
            logger.warning("Trust anchor %s cannot be read", row.pk)
    return found


def roots() -> list[Any]:
    """The active root authorities (asn1crypto certificates): the trust anchors proper."""
    return _certificates(TrustAnchor.Kind.ROOT)


def intermediates() -> list[Any]:
    """The active intermediate authorities: used to build paths, trusted only through a root."""
    return _certificates(TrustAnchor.Kind.INTERMEDIATE)


def context(*, trust_roots: list[Any], others: list[Any] | None = None, fetch: bool | None = None,
            dss: Any = None) -> Any:
    """A pyHanko validation context: soft-fail revocation (an unreachable CA does not make a
    signature invalid; the report says it was not checked), fetching as configured, with the
    certificates and revocation answers of the document's /DSS when given."""
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.fetchers.api import FetchLimits
    from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

    fetch = fetching() if fetch is None else fetch
    kwargs: dict[str, Any] = {"trust_roots": trust_roots, "other_certs": list(others or []),
                              "allow_fetching": fetch, "revocation_mode": "soft-fail"}
    if fetch:
        # A few requests are enough for a real path (leaf + one or two CAs: OCSP or CRL each, an
        # issuer by AIA); a hostile certificate cannot make the server fetch more.
        kwargs["fetcher_backend"] = RequestsFetcherBackend(
            per_request_timeout=timeout(), limits=FetchLimits(max_requests=12, max_cert_requests=4))
    if dss is not None:
        return dss.as_validation_context(kwargs)
    return ValidationContext(**kwargs)


def document_dss(reader: Any) -> Any:
    """The PDF's document security store, or None."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    try:
        return DocumentSecurityStore.read_dss(reader)
    except Exception:
        return None


def _declares_revocation(cert: Any) -> bool:
    try:
        return bool(cert.crl_distribution_points or cert.ocsp_urls)
    except Exception:
        return False


@dataclass(frozen=True)
class Revocation:
    state: str  # good, revoked, not_checked, no_info
    why: str = ""  # for not_checked: off, unreachable, untrusted, failed
    detail: str = ""  # technical: the error, for logs and the event


def revocation_of(status: Any, validation_context: Any, cert: Any) -> Revocation:
    """What the validation with ``validation_context`` learnt of the signer certificate's
    revocation (and its CAs')."""
    if getattr(status, "revoked", False):
        return Revocation(REVOKED)
    path = getattr(status, "validation_path", None)
    path_certs = list(path.iter_certs(include_root=False)) if path is not None else []
    if not _declares_revocation(cert) and not any(_declares_revocation(c) for c in path_certs):
        return Revocation(NO_INFO)
    if not validation_context.fetching_allowed:
        return Revocation(NOT_CHECKED, WHY_OFF)
    failures = list(validation_context.soft_fail_exceptions)
    if failures:
        return Revocation(NOT_CHECKED, WHY_UNREACHABLE, str(failures[0])[:300])
    if not getattr(status, "trusted", False):
        indication = getattr(getattr(status, "trust_problem_indic", None), "name", "")
        if indication in ("TRY_LATER", "REVOCATION_OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NO_POE"):
            return Revocation(NOT_CHECKED, WHY_FAILED, indication)
        return Revocation(NOT_CHECKED, WHY_UNTRUSTED, indication)
    return Revocation(GOOD)


# --- Long-term validation (PAdES B-LT) -------------------------------------------------------------

def wants_long_term(agency_id: int | None) -> bool:
    if not agency_id:
        return False
    return AgencySigningSettings.objects.filter(agency_id=agency_id, long_term_validation=True).exists()


@dataclass(frozen=True)
class LongTerm:
    pdf: bytes
    state: str  # embedded: certificates and revocation answers; partial: not every answer; none
    crls: int = 0
    ocsps: int = 0
    detail: str = ""


def add_long_term_data(pdf: bytes) -> LongTerm:
    """``pdf`` with a /DSS holding, for every signature in it, its certificate path and the CRLs
    and OCSP answers fetched for it (an incremental update). When an answer cannot be fetched
    (the CA unreachable, fetching off, a path to no trusted root) what could be gathered is still
    embedded and the state says ``partial`` (or ``none`` when nothing would be added)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.dss import DocumentSecurityStore, collect_validation_info

    from qlvb.signatures.deferred import run_async

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    signatures = list(reader.embedded_regular_signatures)
    validation_context = context(trust_roots=roots(), others=intermediates(), dss=document_dss(reader))
    problems: list[str] = []
    paths: list[Any] = []
    def collect(embedded: Any) -> Any:
        return lambda: collect_validation_info(embedded, validation_context)

    for embedded in signatures:
        try:
            paths.extend(run_async(collect(embedded)))
        except Exception as error:  # no path to a trusted root, a damaged signature
            problems.append(f"{embedded.field_name}: {error}"[:300])
    problems += [str(e)[:300] for e in validation_context.soft_fail_exceptions]
    if not validation_context.fetching_allowed:
        problems.append("fetching is turned off (QLVB_REVOCATION_FETCH)")
    crls, ocsps = list(validation_context.crls), list(validation_context.ocsps)
    if not paths:
        return LongTerm(pdf=pdf, state="none", detail="; ".join(problems)[:500])
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    DocumentSecurityStore.supply_dss_in_writer(writer, None, paths=paths, crls=crls, ocsps=ocsps)
    output = io.BytesIO()
    writer.write(output)
    return LongTerm(pdf=output.getvalue(), state="partial" if problems else "embedded", crls=len(crls),
                    ocsps=len(ocsps), detail="; ".join(problems)[:500])

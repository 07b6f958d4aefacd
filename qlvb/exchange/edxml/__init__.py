"""edXML (QCVN 102:2016/BTTTT): document and status packages between agencies.

A pure library (no database): ``parse`` (hardened reading), ``build_document``/``build_status``,
``dsig.sign``/``dsig.verify`` (XML-DSig), the code lists in ``codes``. See docs/exchange-edxml.md.
"""

from collections.abc import Callable, Container

from .build import build_document, build_status
from .dsig import SignerInfo, sign, verify
from .errors import EdxmlError
from .i18n import gettext_lazy as _
from .model import (
    Attachment,
    BusinessDocType,
    BusinessDocumentInfo,
    DocumentPackage,
    DocumentRef,
    Organization,
    Receiver,
    ReplacementInfo,
    Signer,
    Staff,
    Status,
    StatusPackage,
    Trace,
)
from .parse import parse
from .xmlsafe import DEFAULT_MAX_BYTES

__all__ = [
    "Attachment", "BusinessDocType", "BusinessDocumentInfo", "DocumentPackage", "DocumentRef", "EdxmlError",
    "Organization", "Receiver", "ReplacementInfo", "Signer", "Staff", "Status", "StatusPackage", "Trace",
    "build_document", "build_status", "parse", "load", "sign", "verify", "SignerInfo",
]


def load(data: bytes, *, trust_roots: list | None, require_signature: bool = True,
         known_agencies: Container[str] | Callable[[str], bool] | None = None,
         max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[DocumentPackage | StatusPackage, SignerInfo | None]:
    """Import: parse the package, then check its signature on the same bytes.

    When the certificate names an agency code and it is not the sender's, the package is
    refused (``untrusted``): an agency signs only its own packages."""
    package = parse(data, max_bytes=max_bytes, known_agencies=known_agencies)
    signer = verify(data, trust_roots=trust_roots, require=require_signature, max_bytes=max_bytes)
    if signer is not None and signer.agency_code and signer.agency_code != package.from_org.code:
        raise EdxmlError("untrusted", _("The package from %(sender)s is signed with the certificate of another "
                                        "agency (%(signer)s)."), sender=package.from_org.code,
                         signer=signer.agency_code)
    return package, signer

"""edXML (QCVN 102:2016/BTTTT): document and status packages between agencies.

A pure library (no database): ``parse`` (hardened reading), ``build_document``/``build_status``,
``dsig.sign``/``dsig.verify`` (XML-DSig), the code lists in ``codes``. See docs/exchange-edxml.md.
"""

from .build import build_document, build_status
from .errors import EdxmlError
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

__all__ = [
    "Attachment", "BusinessDocType", "BusinessDocumentInfo", "DocumentPackage", "DocumentRef", "EdxmlError",
    "Organization", "Receiver", "ReplacementInfo", "Signer", "Staff", "Status", "StatusPackage", "Trace",
    "build_document", "build_status", "parse",
]

"""What the public verification page may say of a code (docs/verification.md).

- An unknown code, or what cannot be a code: nothing (404).
- A secret document (any secrecy) or an internal one (issued only inside its agency,
  outgoing.selectors.is_internal): only that the code exists, unless the person signed in may open
  the document (the outgoing kind's one rule, core.kinds), who then sees everything.
- Any other issued document: its agency, number and notation, date, type, summary, whether it has
  been cancelled, who signed and whether each signature is valid now, to anyone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from qlvb.core import kinds
from qlvb.outgoing import codes
from qlvb.outgoing import selectors as outgoing
from qlvb.outgoing.models import OutgoingDocument
from qlvb.signatures.selectors import signature_reports
from qlvb.signatures.verification import SignatureReport


@dataclass
class Found:
    code: str  # as printed: "K7QM-3XPA-9DRT"
    document: OutgoingDocument
    full: bool  # False: the caller learns only that the code exists
    may_open: bool  # signed in and may open the document in QLVB
    signatures: list[SignatureReport] = field(default_factory=list)

    @property
    def cancelled(self) -> bool:
        return self.document.status == OutgoingDocument.Status.CANCELLED

    @property
    def all_valid(self) -> bool:
        return bool(self.signatures) and all(report.ok for report in self.signatures)


def look_up(text: str, person: Any = None) -> Found | None:
    """The document a typed or scanned code names, and how much of it this caller may see."""
    code = codes.normalise(text)
    if code is None:
        return None
    document = outgoing.by_verification_code(code)
    if document is None:
        return None
    signed_in = person is not None and getattr(person, "is_authenticated", False)
    may_open = signed_in and kinds.may_see("outgoing", person, document)
    full = may_open or not (document.secrecy or outgoing.is_internal(document))
    found = Found(code=codes.formatted(code), document=document, full=full, may_open=may_open)
    if full and document.issued_file is not None:
        found.signatures = signature_reports(document.issued_file)  # cached by the file's digest
    return found


@dataclass(frozen=True)
class Comparison:
    matches: bool
    which: str = ""  # "issued", or the name of the signed attachment it is


def issued_files(document: OutgoingDocument) -> dict[str, str]:
    """{sha256: what it is} of the files issued: the main PDF and each attachment as signed."""
    found = {}
    if document.issued_file is not None:
        found[document.issued_file.sha256] = "issued"
    for attachment in document.attachments.filter(signed__isnull=False).select_related("signed").order_by(
            "order", "id"):
        assert attachment.signed is not None  # filtered
        found.setdefault(attachment.signed.sha256, attachment.name)
    return found


def compare(document: OutgoingDocument, digest: str) -> Comparison:
    """Whether a file of this SHA-256 is, byte for byte, one the document was issued with."""
    which = issued_files(document).get(digest)
    return Comparison(matches=which is not None, which=which or "")


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

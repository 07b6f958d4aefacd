"""XML-DSig for edXML packages: one enveloped signature over the whole package.

Written like the samples' ``Signature`` (inside ``edXMLHeader``, after ``TraceHeaderList``;
``Reference URI=""`` with the enveloped-signature and exclusive-c14n transforms, SignedInfo
canonicalised with inclusive c14n 1.0, ``X509Data/X509Certificate``), with SHA-256:
``rsa-sha256`` for RSA keys (what the national CAs issue) and ``ecdsa-sha256`` for EC keys (the
demo PKI's). The whole document is covered, attachments included: changing any byte of content
or attachment breaks the signature.

Verification accepts only that shape: exactly one Signature, exactly one Reference with
``URI=""`` and the enveloped transform, known algorithms (SHA-1 is accepted from other vendors'
SDKs, and reported in ``SignerInfo.algorithm``). So what is verified is what ``parse`` reads from
the same bytes: no signature-wrapping trick can sign one part and show another.

Implemented with lxml's c14n and ``cryptography`` (no extra dependency; ``signxml`` was not
needed). Trust: the certificate must chain (by signature and validity dates) to one of the given
roots, through the certificates carried in the package; revocation is not fetched (offline).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, overload

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.x509.oid import NameOID
from lxml import etree

from .errors import EdxmlError
from .i18n import gettext_lazy as _
from .stream import Split
from .xmlsafe import DEFAULT_MAX_BYTES, read

DSIG = "http://www.w3.org/2000/09/xmldsig#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N_COMMENTS = C14N + "#WithComments"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
EXC_C14N_COMMENTS = EXC_C14N + "WithComments"
EXC_C14N_SAMPLES = "http://www.w3.org/TR/xml-exc-c14n#"  # what the samples write (a non-standard URI)
ENVELOPED = DSIG + "enveloped-signature"
CANONICALIZATIONS = {
    C14N: (False, False), C14N_COMMENTS: (False, True),
    EXC_C14N: (True, False), EXC_C14N_COMMENTS: (True, True), EXC_C14N_SAMPLES: (True, False),
}
DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    DSIG + "sha1": hashes.SHA1,
    "http://www.w3.org/2001/04/xmlenc#sha256": hashes.SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#sha384": hashes.SHA384,
    "http://www.w3.org/2001/04/xmlenc#sha512": hashes.SHA512,
}
MORE = "http://www.w3.org/2001/04/xmldsig-more#"
SIGNATURE_METHODS = {
    DSIG + "rsa-sha1": ("rsa", hashes.SHA1),
    MORE + "rsa-sha256": ("rsa", hashes.SHA256),
    MORE + "rsa-sha384": ("rsa", hashes.SHA384),
    MORE + "rsa-sha512": ("rsa", hashes.SHA512),
    MORE + "ecdsa-sha1": ("ec", hashes.SHA1),
    MORE + "ecdsa-sha256": ("ec", hashes.SHA256),
    MORE + "ecdsa-sha384": ("ec", hashes.SHA384),
    MORE + "ecdsa-sha512": ("ec", hashes.SHA512),
}
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
RSA_SHA256 = MORE + "rsa-sha256"
ECDSA_SHA256 = MORE + "ecdsa-sha256"
AGENCY_CODE_IN_CERT = re.compile(r"\b\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}\b")
MAX_CHAIN = 6


@dataclass(frozen=True)
class SignerInfo:
    """Who signed a package, as the certificate says."""

    subject: str
    common_name: str
    organization: str
    serial: str  # hexadecimal, like signatures.pki.cert_info
    issuer: str
    fingerprint: str  # SHA-256 of the certificate
    not_before: dt.datetime
    not_after: dt.datetime
    agency_code: str  # an agency code found in the subject, "" if none
    algorithm: str  # SignatureMethod URI
    trusted: bool  # chains to one of the trust roots (False when none were given)
    certificate: x509.Certificate


def _q(name: str) -> str:
    return f"{{{DSIG}}}{name}"


def _local(element: etree._Element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _child(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    return next((item for item in element if _local(item) == name), None)


def _children(element: etree._Element | None, name: str) -> list[etree._Element]:
    return [item for item in element if _local(item) == name] if element is not None else []


def _c14n(node: etree._Element | etree._ElementTree, method: str) -> bytes:
    exclusive, comments = CANONICALIZATIONS[method]
    return etree.tostring(node, method="c14n", exclusive=exclusive, with_comments=comments)


def _signatures(root: etree._Element) -> list[etree._Element]:
    """Signature elements in any namespace (the samples put theirs in the QCVN namespace)."""
    return [element for element in root.iter() if _local(element) == "Signature"
            and _child(element, "SignedInfo") is not None]


def _remove(element: etree._Element) -> None:
    """Remove an element but keep the text after it (the enveloped-signature transform)."""
    parent = element.getparent()
    if parent is None:  # the document is nothing but a signature
        raise EdxmlError("not_edxml", detail=f"root <{_local(element)}>")
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str | None) -> bytes:
    compact = re.sub(r"\s+", "", text or "")
    return base64.b64decode(compact, validate=True)


# --- Signing ----------------------------------------------------------------------------------

def sign(xml: bytes, *, key: object, cert: x509.Certificate, chain: Iterable[x509.Certificate] = ()) -> bytes:
    """The package signed (any earlier signature is replaced). ``key`` is a ``cryptography``
    RSA or EC private key, ``cert`` its certificate, ``chain`` the issuers to carry along."""
    root = read(xml, remove_comments=False)
    for old in _signatures(root):
        _remove(old)
    if isinstance(key, rsa.RSAPrivateKey):
        method = RSA_SHA256
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        method = ECDSA_SHA256
    else:
        raise EdxmlError("invalid", detail=f"unsupported key type {type(key).__name__}")
    header = _child(_child(root, "edXMLEnvelope"), "edXMLHeader")
    parent = header if header is not None else root
    # The digest of the document as the verifier will see it once the signature is taken out
    # (enveloped transform: the text after the signature stays, appended to the previous tail).
    last = parent[-1] if len(parent) else None
    digest = hashes.Hash(hashes.SHA256())
    if last is not None:
        closing = last.tail or ""
        indent = parent.text if parent.text and not parent.text.strip() else "\n"
        last.tail = indent + closing
        digest.update(_c14n(root.getroottree(), EXC_C14N))
        last.tail = indent
    else:
        closing = None
        digest.update(_c14n(root.getroottree(), EXC_C14N))
    signature = etree.SubElement(parent, _q("Signature"), nsmap={None: DSIG})
    signed_info = etree.SubElement(signature, _q("SignedInfo"))
    etree.SubElement(signed_info, _q("CanonicalizationMethod"), Algorithm=C14N)
    etree.SubElement(signed_info, _q("SignatureMethod"), Algorithm=method)
    reference = etree.SubElement(signed_info, _q("Reference"), URI="")
    transforms = etree.SubElement(reference, _q("Transforms"))
    etree.SubElement(transforms, _q("Transform"), Algorithm=ENVELOPED)
    etree.SubElement(transforms, _q("Transform"), Algorithm=EXC_C14N)
    etree.SubElement(reference, _q("DigestMethod"), Algorithm=SHA256)
    digest_value = etree.SubElement(reference, _q("DigestValue"))
    signature_value = etree.SubElement(signature, _q("SignatureValue"))
    key_info = etree.SubElement(signature, _q("KeyInfo"))
    x509_data = etree.SubElement(key_info, _q("X509Data"))
    etree.SubElement(x509_data, _q("X509SubjectName")).text = cert.subject.rfc4514_string()
    for item in (cert, *chain):
        etree.SubElement(x509_data, _q("X509Certificate")).text = _b64(item.public_bytes(serialization.Encoding.DER))
    signature.tail = closing
    digest_value.text = _b64(digest.finalize())
    data = _c14n(signed_info, C14N)
    if isinstance(key, rsa.RSAPrivateKey):
        raw = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    else:
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        size = (key.curve.key_size + 7) // 8
        raw = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    signature_value.text = _b64(raw)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8") + b"\n"


# --- Verifying --------------------------------------------------------------------------------

def _bad(detail: str) -> EdxmlError:
    return EdxmlError("bad_signature", detail=detail)


def _algorithm(element: etree._Element | None, table: dict, what: str) -> str:
    uri = element.get("Algorithm", "") if element is not None else ""
    if uri not in table:
        raise EdxmlError("bad_signature", _("The signature uses an algorithm QLVB does not accept (%(what)s)."),
                         what=what, detail=uri[:100])
    return uri


def _certificates(signature: etree._Element) -> list[x509.Certificate]:
    out = []
    for x509_data in _children(_child(signature, "KeyInfo"), "X509Data"):
        for item in _children(x509_data, "X509Certificate"):
            try:
                out.append(x509.load_der_x509_certificate(_unb64(item.text)))
            except (binascii.Error, ValueError) as error:
                raise EdxmlError("bad_signature", _("The certificate in the signature cannot be read."),
                                 detail=str(error)[:100]) from None
    if not out:
        raise EdxmlError("bad_signature", _("The signature carries no certificate."))
    return out[:MAX_CHAIN * 2]


def _check_value(cert: x509.Certificate, method: str, data: bytes, value: bytes) -> None:
    kind, hash_class = SIGNATURE_METHODS[method]
    public = cert.public_key()
    try:
        if kind == "rsa" and isinstance(public, rsa.RSAPublicKey):
            public.verify(value, data, padding.PKCS1v15(), hash_class())
        elif kind == "ec" and isinstance(public, ec.EllipticCurvePublicKey):
            size = (public.curve.key_size + 7) // 8
            if len(value) != 2 * size:
                raise InvalidSignature
            der = encode_dss_signature(int.from_bytes(value[:size], "big"), int.from_bytes(value[size:], "big"))
            public.verify(der, data, ec.ECDSA(hash_class()))
        else:
            raise _bad("the certificate's key does not match the signature method")
    except InvalidSignature:
        raise _bad("signature value") from None


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    if cert.issuer != issuer.subject:
        return False
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _valid_at(cert: x509.Certificate, at: dt.datetime) -> bool:
    return cert.not_valid_before_utc <= at <= cert.not_valid_after_utc


def _chains_to(leaf: x509.Certificate, carried: list[x509.Certificate], roots: list[x509.Certificate],
               at: dt.datetime) -> bool:
    current = leaf
    for _step in range(MAX_CHAIN):
        if not _valid_at(current, at):
            return False
        if any(_issued_by(current, root) and _valid_at(root, at) for root in roots):
            return True
        issuer = next((item for item in carried if item is not current and item != current
                       and _issued_by(current, item)), None)
        if issuer is None:
            return False
        current = issuer
    return False


def _name(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    values = cert.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _signer_info(cert: x509.Certificate, method: str, trusted: bool) -> SignerInfo:
    subject = cert.subject.rfc4514_string()
    match = AGENCY_CODE_IN_CERT.search(subject)
    return SignerInfo(
        subject=subject, common_name=_name(cert, NameOID.COMMON_NAME),
        organization=_name(cert, NameOID.ORGANIZATION_NAME), serial=format(cert.serial_number, "x"),
        issuer=cert.issuer.rfc4514_string(), fingerprint=cert.fingerprint(hashes.SHA256()).hex(),
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc,
        agency_code=match.group(0) if match else "", algorithm=method, trusted=trusted, certificate=cert)


@overload
def verify(xml: bytes, *, trust_roots: list[x509.Certificate] | None, require: Literal[True] = True,
           at: dt.datetime | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
           parts: Split | None = None,
           intermediates: list[x509.Certificate] | None = None) -> SignerInfo: ...


@overload
def verify(xml: bytes, *, trust_roots: list[x509.Certificate] | None, require: bool,
           at: dt.datetime | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
           parts: Split | None = None,
           intermediates: list[x509.Certificate] | None = None) -> SignerInfo | None: ...


def verify(xml: bytes, *, trust_roots: list[x509.Certificate] | None, require: bool = True,
           at: dt.datetime | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
           parts: Split | None = None,
           intermediates: list[x509.Certificate] | None = None) -> SignerInfo | None:
    """Check the package's signature; who signed it. Raises EdxmlError ``unsigned`` (no signature
    and ``require``), ``bad_signature`` (altered, or a signature not of the accepted shape),
    ``untrusted`` (``trust_roots`` given and the certificate does not chain to one of them, or
    is not valid ``at``, default now). With ``trust_roots=None`` the chain is not checked and
    ``SignerInfo.trusted`` is False. Returns None when unsigned and not ``require``.
    ``intermediates``: authorities the path may pass through (beside those the package carries),
    trusted only through a root: a certificate issued by one of them alone is not trusted.

    ``parts``: ``xml`` is the skeleton of a package read by ``stream.split``; the digest covers
    the attachments' text read back from the package file, never held in memory whole."""
    try:
        return _verify(xml, trust_roots=trust_roots, require=require, at=at, max_bytes=max_bytes, parts=parts,
                       intermediates=intermediates or [])
    except EdxmlError:
        raise
    except Exception as error:  # never a crash for the caller
        raise _bad(f"{type(error).__name__}: {str(error)[:150]}") from error


def _digest(digest: hashes.Hash, canonical: bytes, parts: Split | None) -> None:
    """Feed the canonical package; with ``parts``, each placeholder stands for an attachment's
    base64 text, read back from the package file (base64 needs no escaping in canonical XML)."""
    if parts is None or not parts.parts:
        digest.update(canonical)
        return
    if any(part.error for part in parts.parts.values()):
        raise EdxmlError("bad_base64")
    position = 0
    for match in re.finditer(re.escape(parts.prefix.encode("ascii")) + rb"\d{6}", canonical):
        digest.update(canonical[position:match.start()])
        for chunk in parts.raw_content(match.group().decode("ascii")):
            digest.update(chunk)
        position = match.end()
    digest.update(canonical[position:])


def _verify(xml: bytes, *, trust_roots: list[x509.Certificate] | None, require: bool, at: dt.datetime | None,
            intermediates: list[x509.Certificate],
            max_bytes: int, parts: Split | None = None) -> SignerInfo | None:
    root = read(xml, max_bytes=max_bytes, remove_comments=False)
    signatures = _signatures(root)
    if not signatures:
        if require:
            raise EdxmlError("unsigned")
        return None
    if len(signatures) > 1:
        raise EdxmlError("bad_signature", _("The package holds more than one signature."))
    signature = signatures[0]
    parent = signature.getparent()
    if parent is None or _local(parent) not in ("edXMLHeader", "edXML"):
        # Only where the samples put it: content hidden inside a signature elsewhere would be unsigned.
        raise EdxmlError("bad_signature", _("The signature is not in the package header."),
                         detail=_local(parent) if parent is not None else "")
    signed_info = _child(signature, "SignedInfo")
    if signed_info is None:  # never: _signatures keeps only signatures with one
        raise _bad("no SignedInfo")
    c14n_method = _algorithm(_child(signed_info, "CanonicalizationMethod"), CANONICALIZATIONS, "c14n")
    method = _algorithm(_child(signed_info, "SignatureMethod"), SIGNATURE_METHODS, "SignatureMethod")
    references = _children(signed_info, "Reference")
    if len(references) != 1 or references[0].get("URI") != "":
        raise EdxmlError("bad_signature", _("The signature does not cover the whole package."))
    reference = references[0]
    transforms = [item.get("Algorithm", "") for item in _children(_child(reference, "Transforms"), "Transform")]
    if not transforms or transforms[0] != ENVELOPED or len(transforms) > 2 or any(
            uri not in CANONICALIZATIONS for uri in transforms[1:]):
        raise EdxmlError("bad_signature", _("The signature does not cover the whole package."),
                         detail="transforms " + " ".join(uri[-30:] for uri in transforms))
    reference_c14n = transforms[1] if len(transforms) == 2 else C14N
    digest_method = _algorithm(_child(reference, "DigestMethod"), DIGESTS, "DigestMethod")
    digest_value, signature_value = _child(reference, "DigestValue"), _child(signature, "SignatureValue")
    if digest_value is None or signature_value is None:
        raise _bad("DigestValue or SignatureValue is not base64")
    try:
        expected_digest = _unb64(digest_value.text)
        value = _unb64(signature_value.text)
    except (binascii.Error, ValueError):
        raise _bad("DigestValue or SignatureValue is not base64") from None
    certificates = _certificates(signature)
    signed_info_bytes = _c14n(signed_info, c14n_method)  # before the signature leaves the tree

    _remove(signature)
    digest = hashes.Hash(DIGESTS[digest_method]())
    _digest(digest, _c14n(root.getroottree(), reference_c14n), parts)
    if digest.finalize() != expected_digest:
        raise EdxmlError("bad_signature", _("The package was altered after it was signed."))
    leaf = certificates[0]
    _check_value(leaf, method, signed_info_bytes, value)

    trusted = False
    if trust_roots is not None:
        when = at or dt.datetime.now(dt.UTC)
        if not _chains_to(leaf, [*certificates[1:], *intermediates], list(trust_roots), when):
            raise EdxmlError("untrusted", detail=leaf.subject.rfc4514_string()[:200])
        trusted = True
    return _signer_info(leaf, method, trusted)

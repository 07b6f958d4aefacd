"""Certificates and keys with the ``cryptography`` package: reading what a certificate says,
opening PKCS#12 files, and issuing the demo certification authority's certificates.

Demo keys are ECDSA P-256: as strong as RSA 3072 and generated in a millisecond, so the demo
province's PKI is made in well under a second.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PrivateKey = ec.EllipticCurvePrivateKey


class WrongPassphrase(Exception):
    pass


class NotPkcs12(Exception):
    pass


@dataclass(frozen=True)
class CertInfo:
    subject_cn: str
    subject: str
    issuer: str
    serial: str
    not_before: dt.datetime
    not_after: dt.datetime
    fingerprint: str
    pem: str


def _cn(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else name.rfc4514_string()


def cert_info(cert: x509.Certificate) -> CertInfo:
    return CertInfo(
        subject_cn=_cn(cert.subject)[:300],
        subject=cert.subject.rfc4514_string()[:1000],
        issuer=cert.issuer.rfc4514_string()[:1000],
        serial=format(cert.serial_number, "x")[:80],
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        fingerprint=cert.fingerprint(hashes.SHA256()).hex(),
        pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
    )


def load_certificate(data: bytes | str) -> x509.Certificate:
    """A certificate from PEM or DER bytes; ValueError if it is neither."""
    raw = data.encode("ascii") if isinstance(data, str) else data
    if b"-----BEGIN CERTIFICATE-----" in raw:
        return x509.load_pem_x509_certificate(raw)
    return x509.load_der_x509_certificate(raw)


def load_certificates(pem: str) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(pem.encode("ascii")) if pem.strip() else []


def open_pkcs12(data: bytes, passphrase: str | None) -> tuple[object, x509.Certificate, list[x509.Certificate]]:
    """The key, certificate and chain in a PKCS#12 file.

    Raises WrongPassphrase when the passphrase does not open it and NotPkcs12 when the bytes are
    not a PKCS#12 file holding a key and its certificate."""
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, passphrase.encode() if passphrase else None)
    except ValueError as error:
        # cryptography says "Invalid password or PKCS12 data" for both: tell them apart by
        # whether the structure parses at all.
        if _looks_like_pkcs12(data):
            raise WrongPassphrase from error
        raise NotPkcs12 from error
    if key is None or cert is None:
        raise NotPkcs12("no key or no certificate inside")
    return key, cert, list(chain)


def _looks_like_pkcs12(data: bytes) -> bool:
    from asn1crypto import pkcs12 as asn1_pkcs12

    try:
        pfx = asn1_pkcs12.Pfx.load(data)
        return int(pfx["version"]) == 3 and pfx["auth_safe"]["content_type"].native is not None
    except Exception:
        return False


def to_pkcs12(key: PrivateKey, cert: x509.Certificate, chain: list[x509.Certificate], passphrase: str,
              name: str) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        name.encode()[:64], key, cert, chain or None, serialization.BestAvailableEncryption(passphrase.encode()))


def new_passphrase() -> str:
    return secrets.token_urlsafe(24)


def _name(common_name: str, organisation: str | None = None, locality: str | None = None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if locality:
        attributes.append(x509.NameAttribute(NameOID.LOCALITY_NAME, locality[:128]))
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]))
    return x509.Name(attributes)


def new_key() -> PrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def make_ca(common_name: str, *, years: int = 10,
            now: dt.datetime | None = None) -> tuple[PrivateKey, x509.Certificate]:
    now = now or dt.datetime.now(dt.UTC)
    key = new_key()
    name = _name(common_name, "QLVB")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def issue(ca_key: PrivateKey, ca_cert: x509.Certificate, *, common_name: str, organisation: str | None = None,
          locality: str | None = None, key: PrivateKey | None = None, not_before: dt.datetime | None = None,
          not_after: dt.datetime | None = None, years: int = 3) -> tuple[PrivateKey, x509.Certificate]:
    """A signing certificate (digital signature and non-repudiation) issued by the CA."""
    now = dt.datetime.now(dt.UTC)
    key = key or new_key()
    not_before = not_before or now - dt.timedelta(days=1)
    not_after = not_after or now + dt.timedelta(days=365 * years)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation, locality)).issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def key_to_pem(key: PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def key_from_pem(data: bytes) -> PrivateKey:
    key = serialization.load_pem_private_key(data, password=None)
    assert isinstance(key, PrivateKey)  # only our own keys (new_key) are stored as PEM
    return key

"""The demo PKI: a demo root CA "QLVB Demo CA", a personal certificate, signature image for each
agency leader (a post of agency head or deputy), and an agency certificate and seal for each
agency. Demo keys are PKCS#12 files with a random passphrase, both stored encrypted, so the demo
signs without typing anything. Nothing secret is printed.

Idempotent: what exists and is usable is kept; only what is missing is made.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.core.events import record
from qlvb.files.services import store_bytes
from qlvb.org.models import Agency, Person, Position
from qlvb.signatures import artwork, crypto, pki
from qlvb.signatures.models import Certificate, SignatureImage, TrustAnchor
from qlvb.signatures.services import _add_image, _create_certificate, _encrypt_pkcs12_fields

DEMO_CA_NAME = "QLVB Demo CA"
LEADER_KINDS = (Position.Kind.AGENCY_HEAD, Position.Kind.AGENCY_DEPUTY)


@dataclass
class DemoResult:
    certificates: int = 0
    images: int = 0
    ca_created: bool = False

    def __iadd__(self, other: DemoResult) -> DemoResult:
        self.certificates += other.certificates
        self.images += other.images
        self.ca_created |= other.ca_created
        return self


@dataclass(frozen=True)
class DemoCA:
    anchor: TrustAnchor
    key: pki.PrivateKey
    cert: pki.x509.Certificate


def _ca_context(fingerprint: str) -> str:
    return f"ca-key:{fingerprint}"


@transaction.atomic
def demo_ca() -> tuple[DemoCA, bool]:
    """The demo CA (made and registered as a trust anchor the first time); True if new."""
    for anchor in TrustAnchor.objects.filter(is_demo=True, is_active=True, private_key_encrypted__isnull=False):
        assert anchor.private_key_encrypted is not None  # the filter above
        try:
            pem = crypto.decrypt(anchor.private_key_encrypted, context=_ca_context(anchor.fingerprint))
            key = pki.key_from_pem(pem)
        except crypto.DecryptionFailed:
            continue  # made under another key: it stays trusted, a new one issues from now on
        if anchor.not_after > timezone.now():
            return DemoCA(anchor, key, pki.load_certificate(anchor.certificate_pem)), False
    key, cert = pki.make_ca(DEMO_CA_NAME)
    info = pki.cert_info(cert)
    anchor = TrustAnchor.objects.create(
        name=DEMO_CA_NAME, certificate_pem=info.pem, fingerprint=info.fingerprint, not_after=info.not_after,
        is_demo=True, private_key_encrypted=crypto.encrypt(pki.key_to_pem(key), context=_ca_context(info.fingerprint)))
    record(verb="signatures.trust_anchor_added", target=anchor,
           data={"fingerprint": info.fingerprint, "subject": info.subject, "demo": True})
    return DemoCA(anchor, key, cert), True


def _has_usable(**owner: object) -> bool:
    now = timezone.now()
    return Certificate.objects.filter(is_active=True, revoked_at__isnull=True, not_before__lte=now,
                                      not_after__gt=now, **owner).exists()


def _issue(ca: DemoCA, *, person: Person | None, agency: Agency | None, common_name: str,
           organisation: str) -> Certificate:
    key, cert = pki.issue(ca.key, ca.cert, common_name=common_name, organisation=organisation)
    passphrase = pki.new_passphrase()
    data = pki.to_pkcs12(key, cert, [ca.cert], passphrase, common_name)
    fingerprint = pki.cert_info(cert).fingerprint
    return _create_certificate(by=Actor.system(), person=person, agency=agency, cert=cert, chain=[ca.cert],
                               **_encrypt_pkcs12_fields(fingerprint, data, passphrase, store_passphrase=True))


def demo_leaders(agency: Agency) -> list[Person]:
    return list(Person.objects.filter(
        Q(posts__agency=agency, posts__end_date__isnull=True, posts__position__kind__in=LEADER_KINDS),
        is_active=True).distinct().order_by("pk"))


def create_demo_pki_for(agency: Agency, *, ca: DemoCA | None = None) -> DemoResult:
    """Certificates and images for one agency and its leaders, where missing."""
    result = DemoResult()
    if ca is None:
        ca, result.ca_created = demo_ca()
    system = Actor.system()
    with transaction.atomic():
        if not _has_usable(agency=agency):
            _issue(ca, person=None, agency=agency, common_name=agency.name, organisation=agency.name)
            result.certificates += 1
        if not SignatureImage.objects.filter(agency=agency, kind=SignatureImage.Kind.SEAL, is_active=True).exists():
            _add_image(by=system, png=artwork.seal_png(agency.name), person=None, agency=agency,
                       width_mm=artwork.SEAL_MM, store=store_bytes)
            result.images += 1
        for person in demo_leaders(agency):
            if not _has_usable(person=person):
                _issue(ca, person=person, agency=None, common_name=person.full_name, organisation=agency.name)
                result.certificates += 1
            if not SignatureImage.objects.filter(person=person, kind=SignatureImage.Kind.SIGNATURE,
                                                 is_active=True).exists():
                _add_image(by=system, png=artwork.signature_png(person.full_name), person=person, agency=None,
                           width_mm=artwork.SIGNATURE_MM, store=store_bytes)
                result.images += 1
    return result


def create_demo_pki(agencies: list[Agency] | None = None) -> DemoResult:
    """The demo CA, then every active agency's certificates and images."""
    ca, created = demo_ca()
    result = DemoResult(ca_created=created)
    for agency in agencies if agencies is not None else Agency.objects.filter(is_active=True).order_by("pk"):
        result += create_demo_pki_for(agency, ca=ca)
    return result

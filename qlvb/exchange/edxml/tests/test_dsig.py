"""XML-DSig: packages signed with the agency's certificate verify; any change, a missing or
foreign signature, or an untrusted certificate is refused."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from qlvb.exchange.edxml import EdxmlError, build_document, dsig, load, parse
from qlvb.signatures import pki

from .helpers import found, sample
from .test_samples import qlvb_package


@pytest.fixture(scope="module")
def ca():
    return pki.make_ca("Test CA edXML")


@pytest.fixture(scope="module")
def ec_signer(ca):
    ca_key, ca_cert = ca
    return pki.issue(ca_key, ca_cert, common_name="Sở TT&TT Sơn La 000.00.15.H51", organisation="UBND tỉnh Sơn La")


@pytest.fixture(scope="module")
def rsa_signer(ca):
    ca_key, ca_cert = ca
    # pki.issue is annotated for the demo PKI's EC keys; it certifies an RSA key just as well.
    key: Any = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return pki.issue(ca_key, ca_cert, common_name="Văn phòng Chính phủ", key=key)


@pytest.fixture(scope="module")
def package():
    return build_document(qlvb_package(b"%PDF-1.7 " + bytes(range(256)) * 40))


@pytest.fixture(scope="module")
def signed(package, ec_signer, ca):
    key, cert = ec_signer
    return dsig.sign(package, key=key, cert=cert, chain=[ca[1]])


def refused(data, code, roots) -> EdxmlError:
    with pytest.raises(EdxmlError) as caught:
        dsig.verify(data, trust_roots=roots)
    assert caught.value.code == code, caught.value
    assert caught.value.reason
    return caught.value


def test_sign_and_verify_ec(signed, ca, package):
    info = dsig.verify(signed, trust_roots=[ca[1]])
    assert info.trusted and info.common_name == "Sở TT&TT Sơn La 000.00.15.H51"
    assert info.organization == "UBND tỉnh Sơn La"
    assert info.agency_code == "000.00.15.H51"
    assert info.algorithm.endswith("ecdsa-sha256")
    assert parse(signed) == parse(package)
    text = signed.decode()
    # where the samples put it, in the xmldsig namespace
    assert re.search(r"</edXML:TraceHeaderList>\s*<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\">", text)
    assert text.index("<Signature") < text.index("</edXML:edXMLHeader>")


def test_sign_and_verify_rsa(package, rsa_signer, ca):
    key, cert = rsa_signer
    signed = dsig.sign(package, key=key, cert=cert)
    info = dsig.verify(signed, trust_roots=[ca[1]])
    assert info.algorithm.endswith("rsa-sha256") and info.agency_code == ""
    assert info.serial == format(cert.serial_number, "x")
    assert dsig.verify(signed, trust_roots=None).trusted is False


def test_signing_again_replaces_the_signature(signed, rsa_signer, ca):
    key, cert = rsa_signer
    twice = dsig.sign(signed, key=key, cert=cert)
    assert twice.count(b"<Signature ") == 1
    assert dsig.verify(twice, trust_roots=[ca[1]]).common_name == "Văn phòng Chính phủ"


def test_a_document_that_is_only_a_signature_is_refused_not_a_crash(ec_signer):
    key, cert = ec_signer
    with pytest.raises(EdxmlError) as caught:
        dsig.sign(b"<Signature><SignedInfo/></Signature>", key=key, cert=cert)
    assert caught.value.code == "not_edxml"


def test_tampered_content(signed, ca):
    assert "Cầm Thị Lan".encode() in signed
    refused(signed.replace("Cầm Thị Lan".encode(), "Cầm Thị Lân".encode()), "bad_signature", [ca[1]])
    refused(signed.replace(b"2026/03/05</edXML:PromulgationDate>", b"2026/03/06</edXML:PromulgationDate>"),
            "bad_signature", [ca[1]])


def test_tampered_attachment(signed, ca):
    match = found(rb"<edXML:ContentTransferEncoded[^>]*>([^<]*)<", signed)
    start = match.start(1) + 400
    flipped = b"B" if signed[start:start + 1] != b"B" else b"C"
    error = refused(signed[:start] + flipped + signed[start + 1:], "bad_signature", [ca[1]])
    assert "altered" in error.reason or "thay đổi" in error.reason


def test_added_element(signed, ca):
    refused(signed.replace(b"</edXML:ToPlaces>", "<edXML:Place>Thêm</edXML:Place></edXML:ToPlaces>".encode()),
            "bad_signature", [ca[1]])


def test_tampered_signature_value(signed, ca):
    value = found(rb"<SignatureValue>([^<]*)<", signed).group(1)
    other = value[:10] + (b"A" if value[10:11] != b"A" else b"B") + value[11:]
    refused(signed.replace(value, other), "bad_signature", [ca[1]])


def test_signature_removed(signed, ca):
    stripped = re.sub(rb"<Signature .*</Signature>", b"", signed, flags=re.S)
    refused(stripped, "unsigned", [ca[1]])
    assert dsig.verify(stripped, trust_roots=[ca[1]], require=False) is None


def test_untrusted_certificate(package):
    other_key, other_ca = pki.make_ca("Rogue CA")
    key, cert = pki.issue(other_key, other_ca, common_name="Kẻ giả mạo")
    signed = dsig.sign(package, key=key, cert=cert, chain=[other_ca])
    ca_key, ca_cert = pki.make_ca("Trusted")
    refused(signed, "untrusted", [ca_cert])
    # self-signed leaf
    self_key, self_cert = pki.make_ca("Tự ký")
    refused(dsig.sign(package, key=self_key, cert=self_cert), "untrusted", [ca_cert])


def test_expired_certificate(package, ca):
    ca_key, ca_cert = ca
    now = dt.datetime.now(dt.UTC)
    key, cert = pki.issue(ca_key, ca_cert, common_name="Hết hạn", not_before=now - dt.timedelta(days=30),
                          not_after=now - dt.timedelta(hours=1))
    signed = dsig.sign(package, key=key, cert=cert)
    refused(signed, "untrusted", [ca_cert])
    assert dsig.verify(signed, trust_roots=[ca_cert], at=now - dt.timedelta(hours=2)).trusted


def test_intermediate_certificate_carried_in_the_package(package, ca):
    ca_key, ca_cert = ca
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    mid_key = pki.new_key()
    now = datetime.datetime.now(datetime.UTC)
    mid = (x509.CertificateBuilder().subject_name(pki._name("Intermediate")).issuer_name(ca_cert.subject)
           .public_key(mid_key.public_key()).serial_number(x509.random_serial_number())
           .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
           .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
           .sign(ca_key, hashes.SHA256()))
    key, cert = pki.issue(mid_key, mid, common_name="Qua trung gian")
    signed = dsig.sign(package, key=key, cert=cert, chain=[mid])
    assert dsig.verify(signed, trust_roots=[ca_cert]).trusted
    refused(dsig.sign(package, key=key, cert=cert), "untrusted", [ca_cert])


@pytest.mark.django_db
def test_an_intermediate_on_the_trust_page_completes_a_path_and_is_never_a_root(package, ca):
    """The installation's intermediates (signatures.TrustAnchor of kind intermediate) may stand
    in for one a package does not carry, but a certificate is trusted only through a root."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    from qlvb.exchange.edxml.agency import verify_for_installation
    from qlvb.signatures.models import TrustAnchor

    ca_key, ca_cert = ca
    mid_key = pki.new_key()
    now = datetime.datetime.now(datetime.UTC)
    mid = (x509.CertificateBuilder().subject_name(pki._name("Trung gian trên trang tin cậy")).issuer_name(
           ca_cert.subject).public_key(mid_key.public_key()).serial_number(x509.random_serial_number())
           .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
           .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
           .sign(ca_key, hashes.SHA256()))
    key, cert = pki.issue(mid_key, mid, common_name="Sở Nội vụ 000.00.12.H51")
    signed = dsig.sign(package, key=key, cert=cert)  # the intermediate not carried

    def pem(certificate) -> str:
        return certificate.public_bytes(serialization.Encoding.PEM).decode()

    def anchor(name: str, kind: str, certificate) -> None:
        TrustAnchor.objects.create(name=name, kind=kind, certificate_pem=pem(certificate),
                                   fingerprint=certificate.fingerprint(hashes.SHA256()).hex(),
                                   not_after=certificate.not_valid_after_utc)

    anchor("Trung gian", TrustAnchor.Kind.INTERMEDIATE, mid)
    with pytest.raises(EdxmlError) as caught:
        verify_for_installation(signed)
    assert caught.value.code == "untrusted"
    anchor("Gốc", TrustAnchor.Kind.ROOT, ca_cert)
    info = verify_for_installation(signed)
    assert info is not None and info.trusted


def test_two_signatures(signed, ca):
    block = found(rb"<Signature .*</Signature>", signed, flags=re.S).group(0)
    refused(signed.replace(b"</edXML:edXMLHeader>", block + b"</edXML:edXMLHeader>"), "bad_signature", [ca[1]])


def test_reference_to_part_of_the_package(signed, ca):
    refused(signed.replace(b'URI=""', b'URI="#x"'), "bad_signature", [ca[1]])


def test_no_enveloped_transform(signed, ca):
    data = re.sub(rb'<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>', b"", signed)
    refused(data, "bad_signature", [ca[1]])


def test_unknown_algorithm(signed, ca):
    refused(signed.replace(b"xmldsig-more#ecdsa-sha256", b"xmldsig-more#hmac-sha256"), "bad_signature", [ca[1]])


def test_samples_signature_is_broken():
    # The samples' certificate is cut short ("MIIFqTCCBJG"): their signature cannot be checked.
    error = refused(sample("edoc_new.edxml"), "bad_signature", None)
    assert "certificate" in error.reason or "chứng thư" in error.reason


def test_status_samples_are_unsigned():
    refused(sample("status_inbox_01.edxml"), "unsigned", None)


def test_load_checks_both(signed, ca, package):
    pkg, signer = load(signed, trust_roots=[ca[1]])
    assert pkg == parse(package) and signer is not None and signer.trusted
    with pytest.raises(EdxmlError) as caught:
        load(package, trust_roots=[ca[1]])
    assert caught.value.code == "unsigned"
    pkg, signer = load(package, trust_roots=[ca[1]], require_signature=False)
    assert signer is None


def test_load_refuses_a_certificate_of_another_agency(ca):
    ca_key, ca_cert = ca
    key, cert = pki.issue(ca_key, ca_cert, common_name="Sở Nội vụ 000.00.03.H51")
    signed = dsig.sign(build_document(qlvb_package(b"x")), key=key, cert=cert)
    with pytest.raises(EdxmlError) as caught:
        load(signed, trust_roots=[ca_cert])
    assert caught.value.code == "untrusted" and "000.00.03.H51" in caught.value.reason


def test_hostile_xml_in_verify(ca):
    data = (b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<edXML>&x;</edXML>")
    refused(data, "entity", [ca[1]])


# --- The agency's key from qlvb.signatures -----------------------------------------------------

@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
def test_sign_for_agency_with_the_demo_pki(org, _media):
    from qlvb.exchange.edxml.agency import agency_certificate, sign_for_agency, trust_roots_for_installation
    from qlvb.signatures.demo import create_demo_pki_for

    create_demo_pki_for(org.agency)
    data = build_document(qlvb_package(b"%PDF"))
    signed = sign_for_agency(data, org.agency)
    info = dsig.verify(signed, trust_roots=trust_roots_for_installation())
    certificate = agency_certificate(org.agency)
    assert certificate is not None
    assert info.trusted and info.fingerprint == certificate.fingerprint
    assert info.common_name == org.agency.name[:64]


@pytest.mark.django_db
def test_agency_without_a_key_file(org):
    from qlvb.exchange.edxml.agency import sign_for_agency

    with pytest.raises(EdxmlError) as caught:
        sign_for_agency(build_document(qlvb_package(b"x")), org.agency)
    assert caught.value.code == "no_key"


@pytest.mark.django_db
def test_revoked_agency_certificate_is_not_used(org, _media):
    from django.utils import timezone

    from qlvb.exchange.edxml.agency import sign_for_agency
    from qlvb.signatures.demo import create_demo_pki_for
    from qlvb.signatures.models import Certificate

    create_demo_pki_for(org.agency)
    Certificate.objects.filter(agency=org.agency).update(revoked_at=timezone.now())
    with pytest.raises(EdxmlError) as caught:
        sign_for_agency(build_document(qlvb_package(b"x")), org.agency)
    assert caught.value.code == "no_key"


def test_signature_moved_into_the_message_header(signed, ca):
    block = found(rb"<Signature .*</Signature>", signed, flags=re.S).group(0)
    moved = signed.replace(block, b"").replace(b"</edXML:MessageHeader>", block + b"</edXML:MessageHeader>")
    error = refused(moved, "bad_signature", [ca[1]])
    assert "header" in error.reason or "tiêu đề" in error.reason
    assert parse(moved).raw_extra == ()  # never shown as content either


def test_status_package_signed(ec_signer, ca):
    key, cert = ec_signer
    data = sample("status_acceptance_03.edxml")
    signed = dsig.sign(data, key=key, cert=cert)
    assert dsig.verify(signed, trust_roots=[ca[1]]).trusted
    assert parse(signed) == parse(data)
    refused(signed.replace(b">03<", b">02<"), "bad_signature", [ca[1]])

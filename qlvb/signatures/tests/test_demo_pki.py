"""The demo PKI: made once, fast, trusted, nothing secret printed; keys encrypted at rest."""

from __future__ import annotations

import io
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from PIL import Image

from qlvb.core.actor import Actor
from qlvb.files.services import read_stored
from qlvb.org.models import Agency
from qlvb.signatures import crypto, pki, services
from qlvb.signatures.demo import DEMO_CA_NAME, create_demo_pki, demo_leaders
from qlvb.signatures.models import Certificate, SignatureImage, TrustAnchor


def _blob(value: bytes | memoryview | None) -> bytes:
    """An encrypted field the demo always fills."""
    assert value is not None
    return bytes(value)


def test_demo_pki_for_the_demo_province_is_fast_and_idempotent(db, capsys):
    from qlvb.org.demo import load_demo

    load_demo()
    agencies = list(Agency.objects.filter(is_active=True))
    leaders = sum(len(demo_leaders(a)) for a in agencies)
    assert len(agencies) >= 4 and leaders >= 8

    # This process's CPU time, not the clock: the work is all here (keys, images, rows), and the
    # clock also counts the other test workers and whoever else shares the machine's cores.
    started = time.process_time()
    call_command("create_demo_pki")
    seconds = time.process_time() - started
    output = capsys.readouterr().out
    with capsys.disabled():
        print(f"\ncreate_demo_pki: {len(agencies)} agencies, {leaders} leaders in {seconds:.2f} s")
    assert seconds < 5

    (anchor,) = TrustAnchor.objects.all()
    assert anchor.name == DEMO_CA_NAME and anchor.is_demo
    ca = pki.load_certificate(anchor.certificate_pem)
    assert ca.not_valid_after_utc.year - ca.not_valid_before_utc.year >= 10
    assert Certificate.objects.filter(agency__isnull=False).count() == len(agencies)
    assert Certificate.objects.filter(person__isnull=False).count() == leaders
    assert SignatureImage.objects.filter(kind="seal").count() == len(agencies)
    assert SignatureImage.objects.filter(kind="signature").count() == leaders
    for certificate in Certificate.objects.all():
        assert certificate.passphrase_stored and certificate.is_usable()
        assert certificate.issuer.endswith(f"CN={DEMO_CA_NAME}") or DEMO_CA_NAME in certificate.issuer

    # Nothing secret on the screen.
    assert "Demo CA created" in output
    for certificate in Certificate.objects.all():
        passphrase = crypto.decrypt(_blob(certificate.passphrase_encrypted),
                                    context=f"passphrase:{certificate.fingerprint}")
        assert passphrase.decode() not in output

    # Again: nothing new.
    counts = (Certificate.objects.count(), SignatureImage.objects.count(), TrustAnchor.objects.count())
    result = create_demo_pki()
    assert (result.certificates, result.images, result.ca_created) == (0, 0, False)
    assert counts == (Certificate.objects.count(), SignatureImage.objects.count(), TrustAnchor.objects.count())


def test_images_are_transparent_blue_and_red(org, keys):
    signature = SignatureImage.objects.get(person=org.head)
    seal = SignatureImage.objects.get(agency=org.agency)
    for row, colour in ((signature, "blue"), (seal, "red")):
        image = Image.open(io.BytesIO(read_stored(row.stored_file))).convert("RGBA")
        corner = image.getpixel((0, 0))
        assert isinstance(corner, tuple) and corner[3] == 0  # transparent corner
        inked = [p for p in image.get_flattened_data() if isinstance(p, tuple) and p[3] > 200]
        assert len(inked) > 500
        r = sum(p[0] for p in inked) / len(inked)
        b = sum(p[2] for p in inked) / len(inked)
        assert (b > r + 60) if colour == "blue" else (r > b + 100)
    assert float(seal.width_mm) == 36.0


def test_pkcs12_is_encrypted_at_rest(org, keys):
    certificate = Certificate.objects.get(pk=keys.head.pk)
    stored = _blob(certificate.pkcs12_encrypted)
    plain = crypto.decrypt(stored, context=f"pkcs12:{certificate.fingerprint}")
    passphrase = crypto.decrypt(_blob(certificate.passphrase_encrypted),
                                context=f"passphrase:{certificate.fingerprint}")
    # The stored bytes are not the PKCS#12 file, do not contain it, and do not open as one.
    assert stored != plain and plain not in stored and plain[:64] not in stored
    with pytest.raises(pki.NotPkcs12):
        pki.open_pkcs12(stored, passphrase.decode())
    assert passphrase not in _blob(certificate.passphrase_encrypted)
    _key, cert, _chain = pki.open_pkcs12(plain, passphrase.decode())
    assert pki.cert_info(cert).fingerprint == certificate.fingerprint

    # Bound to its row: another certificate's blob does not open under this one's name.
    other = Certificate.objects.get(pk=keys.deputy.pk)
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(_blob(other.pkcs12_encrypted), context=f"pkcs12:{certificate.fingerprint}")


def test_another_installation_key_cannot_open_stored_keys(org, keys, document_pdf, settings):
    settings.QLVB_KEY_ENCRYPTION_KEY = "a-different-dedicated-key"
    with pytest.raises(ValidationError) as excinfo:
        services.sign_as_signer(document_pdf, by=Actor(org.head), certificate=keys.head, position_title="GIÁM ĐỐC",
                                full_name=org.head.full_name)
    assert excinfo.value.error_list[0].code == "key_unreadable"
    # Rotating: the old secret as a fallback opens them again.
    settings.QLVB_KEY_ENCRYPTION_KEY_FALLBACKS = [settings.SECRET_KEY]
    signed = services.sign_as_signer(document_pdf, by=Actor(org.head), certificate=keys.head,
                                     position_title="GIÁM ĐỐC", full_name=org.head.full_name)
    assert signed.startswith(document_pdf)


def test_signature_image_upload_rules(org, keys):
    opaque = io.BytesIO()
    Image.new("RGB", (200, 80), "white").save(opaque, "PNG")
    with pytest.raises(ValidationError) as excinfo:
        services.add_signature_image(by=Actor(org.head), png=opaque.getvalue(), person=org.head)
    assert excinfo.value.error_list[0].code == "image_not_transparent"
    jpeg = io.BytesIO()
    Image.new("RGB", (200, 80), "white").save(jpeg, "JPEG")
    with pytest.raises(ValidationError) as excinfo:
        services.add_signature_image(by=Actor(org.head), png=jpeg.getvalue(), person=org.head)
    assert excinfo.value.error_list[0].code == "image_not_png"
    from qlvb.core.errors import NotAllowed
    from qlvb.signatures.artwork import signature_png

    with pytest.raises(NotAllowed):
        services.add_signature_image(by=Actor(org.specialist), png=signature_png("X Y"), person=org.head)
    new = services.add_signature_image(by=Actor(org.head), png=signature_png("Hùng Khác"), person=org.head)
    assert list(SignatureImage.objects.filter(person=org.head, is_active=True)) == [new]

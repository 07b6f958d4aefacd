"""Every refusal says why, and writes nothing: no event, no file."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from pypdf import PdfReader, PdfWriter

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.signatures import pki, services
from qlvb.signatures.demo import demo_ca

TITLE = "GIÁM ĐỐC"


def _sign(org, certificate, pdf, **extra):
    return services.sign_as_signer(pdf, by=Actor(certificate.person), certificate=certificate, position_title=TITLE,
                                   full_name=certificate.person.full_name, **extra)


@pytest.fixture
def untouched(db):
    """Asserts at the end that no event was recorded during the test's refusals."""
    before = Event.objects.count()
    yield
    assert Event.objects.count() == before


def _code(excinfo) -> str:
    return excinfo.value.error_list[0].code


def _message(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def test_expired_certificate(org, keys, document_pdf):
    keys.head.not_after = timezone.now() - timedelta(days=1)
    keys.head.save()
    before = Event.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        _sign(org, keys.head, document_pdf)
    assert _code(excinfo) == "certificate_expired"
    assert keys.head.subject_cn in _message(excinfo)
    assert Event.objects.count() == before


def test_not_yet_valid_certificate(org, keys, document_pdf):
    keys.head.not_before = timezone.now() + timedelta(days=1)
    keys.head.save()
    with pytest.raises(ValidationError) as excinfo:
        _sign(org, keys.head, document_pdf)
    assert _code(excinfo) == "certificate_not_yet_valid"


def test_revoked_certificate(org, keys, document_pdf):
    services.revoke_certificate(by=Actor(org.admin), certificate=keys.head, reason="Mất token")
    keys.head.refresh_from_db()
    before = Event.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        _sign(org, keys.head, document_pdf)
    assert _code(excinfo) == "certificate_inactive" or _code(excinfo) == "certificate_revoked"
    keys.head.is_active = True  # even if someone re-activates the row by hand
    keys.head.save()
    with pytest.raises(ValidationError) as excinfo:
        _sign(org, keys.head, document_pdf)
    assert _code(excinfo) == "certificate_revoked"
    with pytest.raises(ValidationError):
        services.set_certificate_active(by=Actor(org.admin), certificate=keys.head, active=True)
    assert Event.objects.count() == before


def test_inactive_certificate(org, keys, document_pdf):
    services.set_certificate_active(by=Actor(org.admin), certificate=keys.head, active=False)
    with pytest.raises(ValidationError) as excinfo:
        _sign(org, keys.head, document_pdf)
    assert _code(excinfo) == "certificate_inactive"


@pytest.fixture
def own_key(org, keys):
    """A key file whose passphrase is not stored: asked at every signing."""
    ca, _created = demo_ca()
    key, cert = pki.issue(ca.key, ca.cert, common_name=org.head.full_name, organisation=org.agency.name)
    data = pki.to_pkcs12(key, cert, [ca.cert], "Đúng-mật-khẩu-1", "head")
    certificate = services.add_pkcs12_certificate(by=Actor(org.head), data=data, passphrase="Đúng-mật-khẩu-1",
                                                  person=org.head)
    assert not certificate.passphrase_stored and certificate.passphrase_encrypted is None
    return certificate


def test_wrong_and_missing_passphrase(org, own_key, document_pdf, untouched):
    with pytest.raises(ValidationError) as excinfo:
        _sign(org, own_key, document_pdf, passphrase_or_pin="sai-mật-khẩu")
    assert _code(excinfo) == "wrong_passphrase"
    assert _message(excinfo) == "Mật khẩu không đúng: không mở được tệp khóa."  # Vietnamese by default
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        _sign(org, own_key, document_pdf, passphrase_or_pin="sai-mật-khẩu")
    assert _message(excinfo) == "The passphrase is wrong: it does not open the key file."
    with pytest.raises(ValidationError) as excinfo:
        _sign(org, own_key, document_pdf)
    assert _code(excinfo) == "passphrase_required"


def test_right_passphrase_signs(org, own_key, document_pdf):
    from qlvb.signatures.verification import verify_pdf

    signed = _sign(org, own_key, document_pdf, passphrase_or_pin="Đúng-mật-khẩu-1")
    (report,) = verify_pdf(signed)
    assert report.ok


def test_import_refuses_wrong_passphrase_and_junk(org, keys):
    ca, _created = demo_ca()
    key, cert = pki.issue(ca.key, ca.cert, common_name="Người thử")
    data = pki.to_pkcs12(key, cert, [ca.cert], "secret-1", "x")
    with pytest.raises(ValidationError) as excinfo:
        services.add_pkcs12_certificate(by=Actor(org.head), data=data, passphrase="secret-2", person=org.head)
    assert excinfo.value.error_dict["passphrase"][0].code == "wrong_passphrase"
    with pytest.raises(ValidationError) as excinfo:
        services.add_pkcs12_certificate(by=Actor(org.head), data=b"not a key file", passphrase="x", person=org.head)
    assert excinfo.value.error_dict["data"][0].code == "not_pkcs12"
    # Someone else's personal certificate is not theirs to add.
    with pytest.raises(NotAllowed):
        services.add_pkcs12_certificate(by=Actor(org.specialist), data=data, passphrase="secret-1", person=org.head)


def test_certificate_of_someone_else(org, other_org, keys, document_pdf, untouched):
    # A personal key is its holder's alone, even for a delegate acting on their behalf.
    with pytest.raises(NotAllowed):
        services.sign_as_signer(document_pdf, by=Actor(org.deputy), certificate=keys.head, position_title=TITLE,
                                full_name="x")
    with pytest.raises(NotAllowed):
        services.sign_as_signer(document_pdf, by=Actor(org.deputy, on_behalf_of=org.head), certificate=keys.head,
                                position_title=TITLE, full_name="x")
    # The agency's key is for its clerks.
    for person in (org.specialist, org.head, other_org.clerk):
        with pytest.raises(NotAllowed):
            services.sign_attachment(document_pdf, by=Actor(person), certificate=keys.agency, number_notation="1/QĐ")
    # And an agency key is not a personal signature.
    with pytest.raises(NotAllowed):
        services.sign_as_signer(document_pdf, by=Actor(org.clerk), certificate=keys.agency, position_title=TITLE,
                                full_name="x")


def _encrypted(pdf: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt("mật-khẩu", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["text", "png", "truncated", "encrypted", "empty"])
def test_not_a_pdf_or_encrypted(org, keys, document_pdf, kind, untouched):
    from qlvb.signatures.artwork import seal_png
    from qlvb.signatures.verification import verify_pdf

    data = {
        "text": "Không phải PDF".encode(),
        "png": seal_png("Sở Thử"),
        "truncated": document_pdf[:200],
        "encrypted": _encrypted(document_pdf) if kind == "encrypted" else b"",
        "empty": b"",
    }[kind]
    with pytest.raises(ValidationError) as excinfo:
        _sign(org, keys.head, data)
    expected = "encrypted_pdf" if kind == "encrypted" else "not_pdf"
    assert _code(excinfo) == expected
    with pytest.raises(ValidationError) as excinfo:
        verify_pdf(data)
    assert _code(excinfo) == expected


def test_bad_box_and_duplicate_field(org, keys, document_pdf):
    with pytest.raises(ValidationError) as excinfo:
        _sign(org, keys.head, document_pdf, box=(5, 100, 100, 300, 200))
    assert _code(excinfo) == "no_such_page"
    signed = _sign(org, keys.head, document_pdf, field_name="GiamDoc")
    with pytest.raises(ValidationError) as excinfo:
        _sign(org, keys.head, signed, field_name="GiamDoc")
    assert _code(excinfo) == "field_exists"


def test_seal_needs_a_signer_signature(org, keys, document_pdf, untouched):
    with pytest.raises(ValidationError) as excinfo:
        services.sign_as_agency(document_pdf, by=Actor(org.clerk), certificate=keys.agency)
    assert _code(excinfo) == "no_signer_signature"

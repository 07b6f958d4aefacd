"""Trust and revocation (issue 21), against a Certomancer PKI whose CRLs and OCSP responder are
served on loopback (revocation_pki.py): the revocation state of every report, the deferred core
refusing a certificate its CA revoked, the CA unreachable, PAdES B-LT after the agency's signature,
intermediates, the trust page and the import command."""

from __future__ import annotations

import asyncio
import io
import time

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.signatures import deferred, services, trust
from qlvb.signatures.artwork import seal_png
from qlvb.signatures.models import AgencySigningSettings, Certificate, TrustAnchor
from qlvb.signatures.tests.revocation_pki import RevocationPki, revocation_pki
from qlvb.signatures.verification import pdfsig_check, verify_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with revocation_pki(tmp_path_factory.mktemp("pki-live")) as pki:
        yield pki


@pytest.fixture(scope="module")
def down(tmp_path_factory):
    with revocation_pki(tmp_path_factory.mktemp("pki-down"), down=True) as pki:
        yield pki


@pytest.fixture(autouse=True)
def _fetching(settings):
    settings.QLVB_REVOCATION_FETCH = True
    settings.QLVB_REVOCATION_TIMEOUT = 2


def _trust(root_person, pki: RevocationPki) -> None:
    for label in ("root", "interm"):
        services.add_trust_anchor(by=Actor(root_person), certificate=pki.der(label))


def _key(org, pki: RevocationPki, label: str, *, agency: bool = False, chain: bool = True) -> Certificate:
    owner = {"agency": org.agency} if agency else {"person": org.head}
    return services.add_pkcs12_certificate(by=Actor(org.admin if agency else org.head),
                                           data=pki.pkcs12(label, chain=chain), passphrase="matkhau",
                                           store_passphrase=agency, **owner)


def _sign(org, certificate: Certificate, pdf: bytes) -> bytes:
    return services.sign_as_signer(pdf, by=Actor(org.head), certificate=certificate, passphrase_or_pin="matkhau",
                                   position_title="GIÁM ĐỐC", full_name=org.head.full_name)


def _foreign_signed(pki: RevocationPki, label: str, pdf: bytes) -> bytes:
    """Signed outside QLVB (a document received from elsewhere) with the leaf ``label``."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    signer = signers.SimpleSigner(signing_cert=pki.arch.get_cert(label),
                                  signing_key=pki.arch.key_set.get_private_key(label),
                                  cert_registry=SimpleCertificateStore.from_certs([pki.arch.get_cert("interm")]))
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)),
                           signers.PdfSignatureMetadata(field_name="Foreign"), signer=signer)
    return out.getvalue()


def test_a_good_certificate_is_reported_good_by_its_ca(org, root, live, document_pdf):
    _trust(root, live)
    signed = _sign(org, _key(org, live, "signer"), document_pdf)
    (report,) = verify_pdf(signed)
    assert report.ok and report.revocation == "good" and report.revocation_why == ""
    event = Event.objects.filter(verb="signatures.signed").latest("pk")
    assert event.data["revocation"] == "good"
    with translation.override("vi"):
        assert "chưa bị thu hồi" in report.revocation_text
        from django.template.loader import render_to_string

        html = render_to_string("signatures/_report.html", {"reports": [report]})
    assert 'data-revocation="good"' in html and "CRL/OCSP" in html


def test_a_certificate_revoked_by_its_ca_is_reported_and_cannot_complete(org, root, live, document_pdf):
    _trust(root, live)
    (report,) = verify_pdf(_foreign_signed(live, "revoked", document_pdf))
    assert report.revocation == "revoked" and report.revoked and report.status == "untrusted" and not report.ok
    with translation.override("vi"):
        assert "thu hồi" in report.summary and "đã bị thu hồi" in report.revocation_text

    certificate = _key(org, live, "revoked")  # QLVB itself does not know it is revoked
    layout = services._layout(document_pdf, box=None, default_box=lambda: services.default_signer_box(document_pdf),
                              style=services.signer_appearance(org.head, position_title="GIÁM ĐỐC",
                                                               full_name=org.head.full_name),
                              reason="", field_name=None, prefix="Signature", signer_name=org.head.full_name,
                              role="signer", about="")
    session = deferred.prepare(document_pdf, by=Actor(org.head), person=org.head, certificate=certificate,
                               layout=layout, purpose="signer", provider="vgca", target_kind="tests.document",
                               target_id=3)  # a kept session, as the VGCA token's page starts it
    with services._open_signer(certificate, "matkhau") as signer:
        signature = asyncio.run(signer.async_sign_raw(bytes(session.signed_attributes), "sha256"))
    events = Event.objects.count()
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        deferred.complete(session, signature)
    assert refused.value.code == "certificate_revoked"
    assert "tổ chức chứng thực" in refused.value.messages[0] and "thu hồi" in refused.value.messages[0]
    session.refresh_from_db()
    assert session.state == "waiting" and session.signed_id is None and Event.objects.count() == events


def test_the_ca_unreachable_gives_not_checked_and_signing_still_works(org, root, down, document_pdf):
    _trust(root, down)
    started = time.monotonic()
    signed = _sign(org, _key(org, down, "signer"), document_pdf)  # every URL refuses the connection
    event = Event.objects.filter(verb="signatures.signed").latest("pk")
    assert event.data["revocation"] == "not_checked" and event.data["revocation_why"] == "unreachable"
    (report,) = verify_pdf(signed)
    assert time.monotonic() - started < 20
    assert report.ok and report.revocation == "not_checked" and report.revocation_why == "unreachable"
    with translation.override("vi"):
        assert "không kết nối được" in report.revocation_text


def test_fetching_off_or_no_revocation_service_are_said_so(org, root, keys, live, settings, document_pdf):
    _trust(root, live)
    settings.QLVB_REVOCATION_FETCH = False
    (report,) = verify_pdf(_sign(org, _key(org, live, "signer"), document_pdf))
    assert report.ok and (report.revocation, report.revocation_why) == ("not_checked", "off")
    settings.QLVB_REVOCATION_FETCH = True
    demo = services.sign_as_signer(document_pdf, by=Actor(org.head), certificate=keys.head,
                                   position_title="GIÁM ĐỐC", full_name=org.head.full_name)
    (report,) = verify_pdf(demo)  # the demo CA's certificates name no CRL or OCSP
    assert report.ok and report.revocation == "no_info"


def _dss(pdf: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader

    return trust.document_dss(PdfFileReader(io.BytesIO(pdf)))


def _issue(org, live, document_pdf) -> bytes:
    signed = _sign(org, _key(org, live, "signer"), document_pdf)
    agency = _key(org, live, "agency", agency=True)
    return services.sign_as_agency(signed, by=Actor(org.clerk), certificate=agency,
                                   seal_image=seal_png(org.agency.name), signer_field=verify_pdf(signed)[0].field_name)


def test_b_lt_embeds_the_revocation_answers_after_the_agency_signature(org, root, live, document_pdf):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    _trust(root, live)
    services.set_long_term_validation(by=Actor(org.admin), agency=org.agency, enabled=True)
    sealed = _issue(org, live, document_pdf)
    event = Event.objects.filter(verb="signatures.signed").latest("pk")
    assert event.data["role"] == "agency" and event.data["long_term"] == "embedded"
    dss = _dss(sealed)
    assert dss is not None and dss.crls and dss.ocsps and len(list(dss.load_certs())) >= 3
    # LTV-enabled: the DSS alone proves both signatures, the CA asked nothing (no fetching, and
    # revocation information required for every certificate that declares it).
    for embedded in PdfFileReader(io.BytesIO(sealed)).embedded_regular_signatures:
        context = dss.as_validation_context({"trust_roots": trust.roots(), "allow_fetching": False,
                                             "revocation_mode": "hard-fail"})
        status = validate_pdf_signature(embedded, signer_validation_context=context)
        assert status.intact and status.valid and status.trusted and not status.revoked, status.pretty_print_details()
    reports = verify_pdf(sealed)
    assert [(r.ok, r.revocation) for r in reports] == [(True, "good"), (True, "good")]
    assert pdfsig_check(sealed).count("Signature is Valid") == 2


def test_without_the_agency_asking_there_is_no_dss(org, root, live, document_pdf):
    _trust(root, live)
    sealed = _issue(org, live, document_pdf)
    assert _dss(sealed) is None
    assert "long_term" not in Event.objects.filter(verb="signatures.signed").latest("pk").data


def test_b_lt_with_the_ca_unreachable_still_issues_and_says_so(org, root, down, document_pdf):
    _trust(root, down)
    AgencySigningSettings.objects.create(agency=org.agency, long_term_validation=True)
    sealed = _issue(org, down, document_pdf)
    event = Event.objects.filter(verb="signatures.signed").latest("pk")
    assert event.data["long_term"] == "partial" and event.data["long_term_crls"] == 0
    assert [r.intact and r.valid for r in verify_pdf(sealed)] == [True, True]
    assert pdfsig_check(sealed).count("Signature is Valid") == 2


def test_an_intermediate_added_on_the_trust_page_completes_the_path(org, root, live, login, document_pdf):
    signed = _sign(org, _key(org, live, "signer", chain=False), document_pdf)  # the CMS holds no intermediate
    assert not verify_pdf(signed)[0].trusted
    admin = login(root)
    page = reverse("signatures:trust")
    for label, kind in (("root", "root"), ("interm", "intermediate")):
        assert not verify_pdf(signed)[0].trusted  # not before both are there
        upload = io.BytesIO(live.der(label))
        upload.name = f"{label}.cer"
        response = admin.post(page, {"certificate": upload})
        assert response.status_code == 302
        assert TrustAnchor.objects.get(fingerprint=live.cert(label).fingerprint(hashes.SHA256()).hex()).kind == kind
    (report,) = verify_pdf(signed)
    assert report.trusted and report.ok and report.revocation == "good"
    # Deactivated, the intermediate no longer helps.
    anchor = TrustAnchor.objects.get(kind="intermediate")
    assert admin.post(reverse("signatures:trust_active", args=[anchor.pk]), {"active": "0"}).status_code == 302
    assert not verify_pdf(signed)[0].trusted
    assert Event.objects.filter(verb="signatures.trust_anchor_deactivated").exists()


def test_the_trust_page_is_the_installation_admins_only(org, login):
    for person in (org.admin, org.head):
        client = login(person)
        assert client.get(reverse("signatures:trust")).status_code == 404
        assert client.post(reverse("signatures:trust"), {}).status_code == 404
    assert login(org.head).get(reverse("signatures:agency_settings", args=[org.agency.pk])).status_code == 404


def test_a_bad_upload_says_why_in_vietnamese_and_keeps_nothing(root, live, login):
    client = login(root)
    with translation.override("vi"):
        for name, data, words in (("rac.cer", b"not a certificate", "không phải là chứng thư số"),
                                  ("leaf.cer", live.der("signer"), "không phải là chứng thư số của tổ chức")):
            upload = io.BytesIO(data)
            upload.name = name
            response = client.post(reverse("signatures:trust"), {"certificate": upload}, HTTP_ACCEPT_LANGUAGE="vi")
            assert response.status_code == 200
            assert words in response.content.decode()
    assert not TrustAnchor.objects.exists()


def test_the_agency_admin_turns_b_lt_on(org, login):
    client = login(org.admin)
    url = reverse("signatures:agency_settings", args=[org.agency.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"long_term_validation": "on"}).status_code == 302
    assert AgencySigningSettings.objects.get(agency=org.agency).long_term_validation
    assert trust.wants_long_term(org.agency.pk)
    assert Event.objects.filter(verb="signatures.settings_changed").exists()


def test_import_command_is_idempotent(live, tmp_path):
    bundle = tmp_path / "vgca.pem"
    bundle.write_bytes(b"".join(live.cert(label).public_bytes(serialization.Encoding.PEM)
                                for label in ("root", "interm")))
    out = io.StringIO()
    call_command("import_trust_anchors", str(bundle), stdout=out)
    call_command("import_trust_anchors", str(bundle), stdout=out)
    assert sorted(TrustAnchor.objects.values_list("kind", flat=True)) == ["intermediate", "root"]
    assert Event.objects.filter(verb="signatures.trust_anchor_added").count() == 2
    (tmp_path / "bad.cer").write_bytes(b"rubbish")
    with pytest.raises(CommandError):
        call_command("import_trust_anchors", str(tmp_path / "bad.cer"))


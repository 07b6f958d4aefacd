"""Initial signatures (ký nháy) of reviewers on drafts (issue 21): the unit head (and the format
checker) signs the draft version's PDF with his own certificate when approving, through the
deferred-signing core; required/optional per agency; kept with the version, shown to the signer."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import override
from pypdf import PdfReader

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.files.services import read_stored
from qlvb.outgoing import initials, services
from qlvb.outgoing.models import Initial, OutgoingDocument, OutgoingSettings, ReviewStep
from qlvb.outgoing.tests.conftest import docx_upload
from qlvb.signatures import deferred
from qlvb.signatures import pki as keys
from qlvb.signatures import services as signing
from qlvb.signatures.demo import demo_ca
from qlvb.signatures.models import Certificate, SigningSession
from qlvb.signatures.remote.tests.conftest import mysign_double, pki, smartca_double  # noqa: F401  (fixtures)
from qlvb.signatures.remote.tests.doubles import Script
from qlvb.signatures.tests.test_remote_providers import service  # noqa: F401  (fixture)
from qlvb.signatures.verification import pdfsig_check, verify_last, verify_pdf

pytestmark = pytest.mark.django_db

PASSPHRASE = "mat-khau-tp-2026"


def personal_key(person, passphrase: str = PASSPHRASE) -> Certificate:
    """A PKCS#12 key of the person's, issued by the demo CA (trusted), its passphrase not kept."""
    ca, _created = demo_ca()
    key, cert = keys.issue(ca.key, ca.cert, common_name=person.full_name, organisation="Sở TTTT")
    data = keys.to_pkcs12(key, cert, [ca.cert], passphrase, person.full_name)
    return signing.add_pkcs12_certificate(by=Actor(person), data=data, passphrase=passphrase, person=person)


def body_of(response) -> bytes:  # noqa: ANN001
    return b"".join(response.streaming_content) if response.streaming else response.content


def use_initials(org, mode: str) -> None:
    OutgoingSettings.objects.filter(agency=org.agency).update(initials=mode)


@pytest.fixture
def submitted(org, draft):
    services.submit(by=Actor(org.specialist), document=draft, signer=org.deputy)
    draft.refresh_from_db()
    return draft


def _step(document, kind=ReviewStep.Kind.UNIT_HEAD) -> ReviewStep:
    return document.steps.get(kind=kind, state__in=[ReviewStep.State.PENDING, ReviewStep.State.APPROVED])


def test_the_unit_head_initials_the_current_version_valid_in_pyhanko_and_pdfsig(org, submitted):
    use_initials(org, "optional")
    certificate = personal_key(org.unit_head)
    services.approve(by=Actor(org.unit_head), document=submitted, opinion="Đồng ý",
                     initial=initials.Request(certificate, PASSPHRASE))
    step = _step(submitted)
    assert step.state == ReviewStep.State.APPROVED
    initial = Initial.objects.get()
    assert (initial.step, initial.person, initial.version.number, initial.certificate) == (
        step, org.unit_head, 1, certificate)
    assert initial.fingerprint == certificate.fingerprint and "Nguyễn Văn Bình" in initial.subject
    pdf = read_stored(initial.signed)
    report = verify_last(pdf)
    assert report is not None and report.ok and report.signer_name == "Nguyễn Văn Bình"
    assert report.coverage == "entire_file"
    assert "Signature is Valid" in pdfsig_check(pdf)
    # Invisible: the field has no area drawn on the draft.
    widget = next(a.get_object() for page in PdfReader(io.BytesIO(pdf)).pages for a in page.get("/Annots", [])
                  if a.get_object().get("/FT") == "/Sig")
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert x2 - x1 == 0 and y2 - y1 == 0
    event = Event.objects.get(verb="outgoing.initialled")
    assert event.target_id == str(submitted.pk) and event.data["version"] == 1 and event.data["provider"] == "server"
    assert Event.objects.filter(verb="signatures.signed", data__role="initial").count() == 1
    # The approval went on as usual: the format check is next.
    assert _step(submitted, ReviewStep.Kind.OFFICE).state == ReviewStep.State.PENDING


def test_the_docx_is_converted_before_the_document_is_locked(org, submitted, monkeypatch):
    """LibreOffice takes seconds: the draft is not held locked from every other change meanwhile
    (on PostgreSQL the lock is a FOR NO KEY UPDATE; SQLite has one writer and no row locks)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qlvb.files import convert

    use_initials(org, "optional")
    certificate = personal_key(org.unit_head)
    real, locked_during = convert.docx_to_pdf, []
    with CaptureQueriesContext(connection) as queries:
        def docx_to_pdf(data: bytes) -> bytes:
            locked_during.append(any("FOR NO KEY UPDATE" in q["sql"] or "FOR UPDATE" in q["sql"]
                                     for q in queries.captured_queries))
            return real(data)

        monkeypatch.setattr(convert, "docx_to_pdf", docx_to_pdf)
        services.approve(by=Actor(org.unit_head), document=submitted, initial=initials.Request(certificate, PASSPHRASE))
    assert locked_during == [False]  # converted once, before the lock
    assert Initial.objects.get().version.number == 1 and _step(submitted).state == ReviewStep.State.APPROVED


def test_someone_whose_turn_it_is_not_gets_no_conversion(org, submitted, monkeypatch):
    from qlvb.files import convert

    use_initials(org, "optional")
    monkeypatch.setattr(convert, "docx_to_pdf", lambda data: pytest.fail("converted for nobody"))
    with pytest.raises((NotAllowed, ValidationError)):
        services.approve(by=Actor(org.deputy), document=submitted,
                         initial=initials.Request(personal_key(org.deputy), PASSPHRASE))
    assert not Initial.objects.exists()


def test_required_refuses_the_approval_without_an_initial_and_changes_nothing(org, submitted):
    use_initials(org, "required")
    with override("vi"), pytest.raises(ValidationError) as refused:
        services.approve(by=Actor(org.unit_head), document=submitted)
    assert "ký nháy" in refused.value.message_dict["certificate"][0]
    assert _step(submitted).state == ReviewStep.State.PENDING
    assert not Initial.objects.exists() and not Event.objects.filter(verb="outgoing.approved").exists()


def test_optional_lets_the_reviewer_approve_without_and_off_refuses_one(org, submitted):
    use_initials(org, "optional")
    services.approve(by=Actor(org.unit_head), document=submitted)
    assert _step(submitted).state == ReviewStep.State.APPROVED and not Initial.objects.exists()
    use_initials(org, "off")
    with pytest.raises(ValidationError):
        services.approve(by=Actor(org.clerk), document=submitted,
                         initial=initials.Request(personal_key(org.clerk), PASSPHRASE))
    assert _step(submitted, ReviewStep.Kind.OFFICE).state == ReviewStep.State.PENDING


def test_the_format_checker_initials_too(org, submitted):
    use_initials(org, "required")
    services.approve(by=Actor(org.unit_head), document=submitted,
                     initial=initials.Request(personal_key(org.unit_head), PASSPHRASE))
    services.approve(by=Actor(org.clerk), document=submitted,
                     initial=initials.Request(personal_key(org.clerk), PASSPHRASE))
    assert [i.step.kind for i in Initial.objects.order_by("pk")] == ["unit_head", "office"]
    # The signer's step is not initialled: the signer signs.
    services.approve(by=Actor(org.deputy), document=submitted)
    submitted.refresh_from_db()
    assert submitted.status == OutgoingDocument.Status.APPROVED


def test_a_wrong_passphrase_is_refused_and_nothing_changes(org, submitted):
    use_initials(org, "optional")
    certificate = personal_key(org.unit_head)
    events = Event.objects.count()
    with override("vi"), pytest.raises(ValidationError) as refused:
        services.approve(by=Actor(org.unit_head), document=submitted,
                         initial=initials.Request(certificate, "sai-mat-khau"))
    assert refused.value.code == "wrong_passphrase"
    assert _step(submitted).state == ReviewStep.State.PENDING
    assert not Initial.objects.exists() and Event.objects.count() == events


def test_someone_elses_certificate_is_refused_and_nothing_changes(org, submitted):
    use_initials(org, "optional")
    theirs = personal_key(org.specialist)
    with pytest.raises(NotAllowed):
        services.approve(by=Actor(org.unit_head), document=submitted, initial=initials.Request(theirs, PASSPHRASE))
    assert _step(submitted).state == ReviewStep.State.PENDING and not Initial.objects.exists()


def test_a_delegate_cannot_initial_for_the_reviewer(org, submitted):
    use_initials(org, "optional")
    with pytest.raises(ValidationError):
        services.approve(by=Actor(org.specialist, on_behalf_of=org.unit_head), document=submitted,
                         initial=initials.Request(personal_key(org.specialist), PASSPHRASE))
    assert _step(submitted).state == ReviewStep.State.PENDING


def test_a_new_version_marks_the_initial_as_on_an_older_version(org, submitted):
    use_initials(org, "optional")
    services.approve(by=Actor(org.unit_head), document=submitted,
                     initial=initials.Request(personal_key(org.unit_head), PASSPHRASE))
    [shown] = initials.shown(submitted)
    assert shown.on_current_version and shown.status == "valid"
    services.add_version(by=Actor(org.clerk), document=submitted, upload=docx_upload("Nội dung đã sửa thể thức"))
    [shown] = initials.shown(submitted)
    assert not shown.on_current_version and shown.initial.version.number == 1
    with override("vi"):
        assert shown.version_note == "ký trên dự thảo phiên bản 1; dự thảo đã thay đổi sau đó"
    assert shown.status == "valid"  # the initial itself stays valid over what it covers


def test_a_revoked_certificate_shows_the_initial_as_not_trusted(org, submitted):
    use_initials(org, "optional")
    certificate = personal_key(org.unit_head)
    services.approve(by=Actor(org.unit_head), document=submitted, initial=initials.Request(certificate, PASSPHRASE))
    signing.revoke_certificate(by=Actor(org.unit_head), certificate=certificate, reason="Mất thiết bị")
    [shown] = initials.shown(submitted)
    assert shown.status == "untrusted" and "thu hồi" in shown.validity


# --- Pages and permissions ---------------------------------------------------------------------

def test_the_signer_sees_the_initial_and_an_outsider_gets_404_on_its_file(org, other_org, submitted, login):
    use_initials(org, "optional")
    services.approve(by=Actor(org.unit_head), document=submitted,
                     initial=initials.Request(personal_key(org.unit_head), PASSPHRASE))
    initial = Initial.objects.get()
    url = reverse("outgoing:initial_file", args=[submitted.pk, initial.pk])
    signer = login(org.deputy)
    page = signer.get(reverse("outgoing:detail", args=[submitted.pk])).content.decode()
    assert 'id="initials"' in page and "Nguyễn Văn Bình" in page and 'data-status="valid"' in page
    assert "ký trên dự thảo phiên bản 1 (phiên bản hiện tại)" in page
    response = signer.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert login(other_org.specialist).get(url).status_code == 404
    assert login(other_org.head).get(reverse("outgoing:detail", args=[submitted.pk])).status_code == 404
    assert signer.get(reverse("outgoing:initial_file", args=[submitted.pk, initial.pk + 99])).status_code == 404


def test_the_review_form_initials_and_required_is_refused_on_the_page(org, submitted, login):
    use_initials(org, "required")
    certificate = personal_key(org.unit_head)
    client = login(org.unit_head)
    detail = reverse("outgoing:detail", args=[submitted.pk])
    page = client.get(detail).content.decode()
    assert 'id="initial-fields"' in page and 'data-mode="required"' in page
    approve = reverse("outgoing:action", args=[submitted.pk, "approve"])
    page = client.post(approve, {"opinion": "Đồng ý"}, follow=True).content.decode()
    assert "ký nháy" in page and _step(submitted).state == ReviewStep.State.PENDING
    client.post(approve, {"opinion": "Đồng ý", "initial-certificate": certificate.pk, "initial-secret": PASSPHRASE})
    assert _step(submitted).state == ReviewStep.State.APPROVED and Initial.objects.count() == 1


def test_the_flow_settings_page_sets_initials(org, login):
    client = login(org.admin)
    url = reverse("administration:flow", args=[org.agency.pk])
    response = client.post(url, {"review_days": 3, "office_check": "on", "office_checker": org.clerk.pk,
                                 "place": "Sơn La", "verification_mark": "on", "initials": "required"})
    assert response.status_code == 302
    assert services.settings_for(org.agency).initials == "required"
    assert Event.objects.get(verb="outgoing.settings_changed").data["changes"]["initials"] == ["off", "required"]
    with pytest.raises(ValidationError):
        services.update_settings(by=Actor(org.admin), agency=org.agency, review_days=3, office_check=False,
                                 office_checker=None, place="Sơn La", initials="sometimes")


# --- API -----------------------------------------------------------------------------------------

def test_the_api_approves_with_an_initial_and_shows_it(org, other_org, submitted):
    from rest_framework.test import APIClient

    use_initials(org, "required")
    certificate = personal_key(org.unit_head)
    api = APIClient()
    api.force_authenticate(org.unit_head)
    base = f"/api/v1/outgoing/documents/{submitted.pk}"
    assert api.get(f"{base}/").json()["initial_mode"] == "required"
    refused = api.post(f"{base}/approve/", {"opinion": "Đồng ý"}, format="json")
    assert refused.status_code == 400 and "ký nháy" in refused.json()["certificate"][0]
    assert api.post(f"{base}/approve/", {"certificate": personal_key(org.specialist).pk, "secret": PASSPHRASE},
                    format="json").status_code == 400  # not one of his
    wrong = api.post(f"{base}/approve/", {"certificate": certificate.pk, "secret": "sai"}, format="json")
    assert wrong.status_code == 400 and not Initial.objects.exists()
    body = api.post(f"{base}/approve/", {"certificate": certificate.pk, "secret": PASSPHRASE}, format="json").json()
    [initial] = body["initials"]
    assert (initial["person"]["name"], initial["version"], initial["on_current_version"], initial["status"],
            initial["kind"], initial["provider"]) == ("Nguyễn Văn Bình", 1, True, "valid", "unit_head", "server")
    assert body["initial_mode"] == "off"  # no longer his turn
    api.force_authenticate(org.deputy)
    assert api.get(f"{base}/").json()["initials"][0]["id"] == initial["id"]
    file = api.get(initial["url"])
    assert file.status_code == 200 and verify_pdf(body_of(file))[0].ok
    api.force_authenticate(other_org.specialist)
    assert api.get(initial["url"]).status_code == 404


# --- A key at a signing service (SmartCA, MySign: their contract doubles) --------------------------

@pytest.fixture
def remote_initial(org, root, submitted, service, pki):  # noqa: F811
    """The unit head's key at the service (his account there), registered; initials required."""
    use_initials(org, "required")
    signing.add_trust_anchor(by=Actor(root), certificate=pki.authority.der)
    return signing.add_remote_certificate(by=Actor(org.unit_head), provider=service.name, account=service.account,
                                          person=org.unit_head)


def _waiting_session() -> SigningSession:
    return SigningSession.objects.get(target_kind=initials.SESSION_KIND)


def test_a_remote_initial_holds_the_approval_until_the_reviewer_confirms(org, submitted, remote_initial, service):  # noqa: F811
    services.approve(by=Actor(org.unit_head), document=submitted, opinion="Đồng ý nội dung",
                     initial=initials.Request(remote_initial))
    session = _waiting_session()
    assert (session.state, session.purpose, session.person, session.provider) == (
        "waiting", "initial", org.unit_head, service.name)
    assert _step(submitted).state == ReviewStep.State.PENDING and not Initial.objects.exists()
    assert Event.objects.filter(verb="outgoing.initial_requested").exists()
    with pytest.raises(ValidationError):  # not a second time while it waits, nor without it
        services.approve(by=Actor(org.unit_head), document=submitted, initial=initials.Request(remote_initial))
    for _ in range(5):  # sent, three "waiting" answers, then confirmed on the phone
        deferred.advance(session)
    assert session.state == "completed", session.error_message
    step = _step(submitted)
    assert step.state == ReviewStep.State.APPROVED and step.opinion == "Đồng ý nội dung"
    initial = Initial.objects.get()
    assert initial.provider == service.name and initial.version.number == 1
    pdf = read_stored(initial.signed)
    report = verify_last(pdf)
    assert report is not None and report.ok and "Signature is Valid" in pdfsig_check(pdf)
    assert _step(submitted, ReviewStep.Kind.OFFICE).state == ReviewStep.State.PENDING
    [shown] = initials.shown(submitted)
    assert shown.status == "valid" and shown.on_current_version


def test_a_refused_remote_initial_approves_nothing(org, submitted, remote_initial, service):  # noqa: F811
    service.double.scripts[service.account] = Script(waits=0, outcome="reject")
    services.approve(by=Actor(org.unit_head), document=submitted, initial=initials.Request(remote_initial))
    session = _waiting_session()
    deferred.advance(session)
    deferred.advance(session)
    assert session.state == "refused"
    assert _step(submitted).state == ReviewStep.State.PENDING and not Initial.objects.exists()
    assert Event.objects.filter(verb="outgoing.initial_refused").exists()
    # He can initial again.
    service.double.scripts[service.account] = Script(waits=0)
    services.approve(by=Actor(org.unit_head), document=submitted, initial=initials.Request(remote_initial))
    session = SigningSession.objects.filter(target_kind=initials.SESSION_KIND).latest("pk")
    deferred.advance(session)
    deferred.advance(session)
    assert session.state == "completed" and _step(submitted).state == ReviewStep.State.APPROVED


def test_a_draft_changed_while_the_initial_waits_is_not_approved_with_it(org, submitted, remote_initial):
    services.approve(by=Actor(org.unit_head), document=submitted, initial=initials.Request(remote_initial))
    session = _waiting_session()
    services.add_version(by=Actor(org.unit_head), document=submitted, upload=docx_upload("Trưởng phòng sửa"))
    for _ in range(5):
        deferred.advance(session)
    assert session.state == "refused" and session.error_code == "initial_outdated"
    assert _step(submitted).state == ReviewStep.State.PENDING and not Initial.objects.exists()

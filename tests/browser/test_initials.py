"""Initial signatures (ký nháy) in a real browser: the agency requires them; the unit head tries to
approve without one and is refused in Vietnamese, then initials the draft with his own key file and
passphrase; the Phó Giám đốc, opening the draft to sign it, sees who initialled which version, that
it is valid, and — once he changes the draft — that it was on an older version."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qlvb.core.actor import Actor
from qlvb.org import services as org_services
from qlvb.org.models import SigningAuthority
from qlvb.outgoing import services as outgoing
from qlvb.outgoing.models import Initial, OutgoingSettings, ReviewStep
from tests.browser.helpers import sign_in
from tests.browser.test_outgoing_flow import FIRST_TEXT, KEY_PASSPHRASE, REPLY_SUMMARY, _docx, _own_key_file

pytestmark = pytest.mark.slow
SIGN_TIMEOUT_MS = 60_000  # LibreOffice turns the DOCX into PDF before the initial is signed


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}


def test_the_unit_head_initials_and_the_signer_sees_it(org, session, shot, tmp_path):
    admin = Actor(org.admin)
    field = org_services.save_field(by=admin, agency=org.agency, name="Công nghệ thông tin", leader=org.deputy,
                                    units=[org.unit])
    org_services.save_signing_authority(by=admin, agency=org.agency, person=org.deputy,
                                        capacity=SigningAuthority.Capacity.KT, fields=[field])
    OutgoingSettings.objects.update_or_create(agency=org.agency, defaults={"office_check": False,
                                                                           "initials": "required"})
    key = _own_key_file(org, org.unit_head)
    draft = _docx(tmp_path / "du-thao.docx", FIRST_TEXT)
    document = outgoing.create_draft(
        by=Actor(org.specialist), agency=org.agency, fields={"doc_type": "CV", "summary": REPLY_SUMMARY,
                                                             "field": field},
        uploads=[SimpleUploadedFile(draft.name, draft.read_bytes())])
    outgoing.submit(by=Actor(org.specialist), document=document, signer=org.deputy)

    # --- The unit head: refused without the initial, then initials with his key file. ------------------
    head = session.new_page()
    sign_in(head, org.unit_head)
    head.goto(f"/outgoing/{document.pk}/")
    fields = head.locator("#initial-fields")
    assert fields.get_attribute("data-mode") == "required"
    assert "Chữ ký nháy" in fields.inner_text() and "cơ quan yêu cầu" in fields.inner_text()
    head.fill("#id_opinion", "Đồng ý nội dung, trình Phó Giám đốc ký.")
    # His only certificate is chosen for him; he takes it off to approve without the initial.
    assert head.input_value("#id_initial-certificate") == str(key.pk)
    head.select_option("#id_initial-certificate", "")
    approve = f"button[formaction='/outgoing/{document.pk}/approve/']"
    with head.expect_navigation():
        head.click(approve)
    assert "ký nháy" in head.locator("main .alert-danger").first.inner_text()
    assert ReviewStep.objects.get(document=document, kind="unit_head").state == "pending"
    shot(head, "01-refused-without-initial")

    head.select_option("#id_initial-certificate", str(key.pk))
    head.fill("#id_initial-secret", KEY_PASSPHRASE)
    shot(head, "02-initial-filled")
    with head.expect_navigation(timeout=SIGN_TIMEOUT_MS):
        head.click(approve, timeout=SIGN_TIMEOUT_MS)
    assert head.locator("main .alert-danger").count() == 0, head.inner_text("main")
    assert head.locator("main .alert-success").count() >= 1
    initial = Initial.objects.get(document=document)
    assert initial.person == org.unit_head and initial.version.number == 1
    shot(head, "03-approved-with-initial")

    # --- The Phó Giám đốc sees the initial on the draft he is to sign. ---------------------------------
    signer = session.new_page()
    sign_in(signer, org.deputy)
    signer.goto(f"/outgoing/{document.pk}/")
    card = signer.locator("#initials")
    item = card.locator(f"li[data-initial='{initial.pk}']")
    assert item.get_attribute("data-status") == "valid" and item.get_attribute("data-current") == "yes"
    text = item.inner_text()
    assert org.unit_head.full_name in text and "ký trên dự thảo phiên bản 1 (phiên bản hiện tại)" in text
    assert "hợp lệ" in item.locator(".initial-validity").inner_text(), text
    shot(signer, "04-signer-sees-the-initial")
    with signer.expect_popup() as opened:
        item.locator(f"a[href$='/initials/{initial.pk}/']").click()
    pdf = opened.value
    pdf.wait_for_load_state()
    assert pdf.url.endswith(f"/outgoing/{document.pk}/initials/{initial.pk}/")
    pdf.close()

    # --- He changes the draft: the initial is shown as on an older version. ----------------------------
    changed = _docx(tmp_path / "du-thao-v2.docx", FIRST_TEXT + " Bổ sung của Phó Giám đốc.")
    form = f"form[action='/outgoing/{document.pk}/version/']"
    signer.set_input_files(f"{form} #id_version-upload", str(changed))
    signer.fill(f"{form} #id_version-comment", "Sửa câu cuối")
    with signer.expect_navigation():
        signer.click(f"{form} button")
    item = signer.locator(f"#initials li[data-initial='{initial.pk}']")
    assert item.get_attribute("data-current") == "no"
    assert "ký trên dự thảo phiên bản 1; dự thảo đã thay đổi sau đó" in item.inner_text()
    shot(signer, "05-initial-on-an-older-version")

"""The installation administrator's trusted certification authorities in a real browser: from the
administration hub, a CA certificate uploaded (a root, then an intermediate), a bad file refused in
Vietnamese, one deactivated; the page and the agency's signing settings at 390 px (a phone)."""

from __future__ import annotations

import pytest

from qlvb.signatures.models import TrustAnchor
from qlvb.signatures.tests.revocation_pki import revocation_pki

from .helpers import sideways, sign_in, tall_enough

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_administrator_trusts_a_root_and_an_intermediate(root, org, session, shot, tmp_path):
    from cryptography.hazmat.primitives import serialization

    with revocation_pki(tmp_path / "pki", down=True) as ca:  # a root and an intermediate under it
        files = {"root.cer": tmp_path / "root.cer", "interm.pem": tmp_path / "interm.pem"}
        files["root.cer"].write_bytes(ca.der("root"))
        files["interm.pem"].write_bytes(ca.cert("interm").public_bytes(serialization.Encoding.PEM))
    (tmp_path / "rac.cer").write_bytes(b"khong phai chung thu")

    page = session.new_page()
    sign_in(page, root)
    page.goto("/administration/")
    page.click("a[href='/signatures/trust/']")
    page.wait_for_selector("h1:has-text('Tổ chức chứng thực tin cậy')")
    assert "Chưa tin cậy tổ chức chứng thực nào" in page.inner_text("#trust-anchors")

    page.set_input_files("#trust-form input[type=file]", str(tmp_path / "rac.cer"))
    with page.expect_navigation():
        page.click("#trust-form button")
    assert "không phải là chứng thư số" in page.inner_text("#trust-form")
    assert not TrustAnchor.objects.exists()

    for name in ("root.cer", "interm.pem"):
        page.set_input_files("#trust-form input[type=file]", str(files[name]))
        with page.expect_navigation():
            page.click("#trust-form button")
    table = page.inner_text("#trust-anchors")
    assert "Tổ chức chứng thực gốc" in table and "Tổ chức chứng thực trung gian" in table
    shot(page, "anchors")

    interm = TrustAnchor.objects.get(kind="intermediate")
    page.goto(f"/signatures/agency/{org.agency.pk}/")
    shot(page, "agency-settings")

    phone = session.new_page(phone=True)
    sign_in(phone, root)
    phone.goto("/signatures/trust/")
    assert sideways(phone) <= 0
    tall_enough(phone.locator(f"tr[data-fingerprint='{interm.fingerprint}'] button"))
    tall_enough(phone.locator("#trust-form button"))
    phone.evaluate("window.scrollTo(0, 0)")  # the shot without the sticky top bar over the page
    shot(phone, "anchors-phone")
    phone.goto(f"/signatures/agency/{org.agency.pk}/")
    assert sideways(phone) <= 0
    tall_enough(phone.locator("#signing-settings-form button"))
    shot(phone, "agency-settings-phone")

    page.goto("/signatures/trust/")
    with page.expect_navigation():
        page.click(f"tr[data-fingerprint='{interm.fingerprint}'] button:has-text('Vô hiệu hóa')")
    interm.refresh_from_db()
    assert not interm.is_active
    assert page.locator(f"tr[data-fingerprint='{interm.fingerprint}'] button:has-text('Kích hoạt')").count() == 1

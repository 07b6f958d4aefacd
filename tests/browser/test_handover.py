"""Hand-over of open work (000 Đ4.1.d) in a real browser: the unit head looks at a specialist's
open work on his phone; the administrator ends her post, is taken to the hand-over page, names
the successor and hands everything over; the record shows what moved."""

from __future__ import annotations

import pytest

from qlvb.core import handover
from qlvb.handover.models import HandOver
from qlvb.handover.tests.conftest import holding, successor  # noqa: F401 - fixtures
from qlvb.incoming.tests.conftest import _media, register_doc, registers  # noqa: F401 - fixtures
from qlvb.outgoing.tests.conftest import signing  # noqa: F401 - fixtures

from .helpers import path_of, sign_in

pytestmark = pytest.mark.browser


def test_a_post_ends_and_the_work_is_handed_over(org, holding, successor, session, shot):  # noqa: F811
    phone = session.new_page(phone=True)
    sign_in(phone, org.unit_head)
    phone.goto(f"/handover/person/{org.specialist.pk}/")
    assert "V/v triển khai chữ ký số năm 2027" in phone.inner_text("#open-work")
    shot(phone, "open-work-phone")

    admin = session.new_page()
    sign_in(admin, org.admin)
    admin.goto(f"/org/people/{org.specialist.pk}/")
    assert admin.locator("#handover-link").count() == 1
    with admin.expect_navigation():
        admin.click("form[action$='/end_post/'] button")
    assert path_of(admin) == f"/handover/person/{org.specialist.pk}/"
    assert "hãy bàn giao" in admin.inner_text("body")
    work = admin.inner_text("#open-work")
    assert "Văn bản đến đang xử lý" in work and "Hồ sơ chữ ký số" in work
    admin.select_option("#id_successor", str(successor.pk))
    admin.fill("#id_note", "Đồng chí Mai chuyển công tác sang Văn phòng")
    shot(admin, "hand-over-form-desktop")
    with admin.expect_navigation():
        admin.click("#handover-form button.btn-primary")
    record = HandOver.objects.get()
    assert path_of(admin) == f"/handover/{record.pk}/"
    assert "Quàng Văn Dũng" in admin.inner_text("main") and record.total == 7
    assert handover.open_total(org.specialist, org.agency.pk) == 0
    shot(admin, "hand-over-record-desktop")

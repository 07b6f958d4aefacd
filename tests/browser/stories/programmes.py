"""A unit's quarterly work programme (R21, 001 Đ10) through the pages: the Trưởng phòng drafts it
and submits it; the Phó Giám đốc in charge of its field approves it; the Trưởng phòng breaks it into
tasks; the specialist reports progress and completes hers on a phone; the Phó Giám đốc's field view
shows what is done, late and pending. Shared by the programmes' browser test and the week's story."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.org import services as org_services
from qlvb.programmes.models import Programme
from qlvb.tasks.models import Task

from ..helpers import path_of, sign_in


def _quarter() -> tuple[int, int, date, date]:
    from qlvb.programmes.services import period_bounds

    today = timezone.localdate()
    number = (today.month - 1) // 3 + 1
    start, end = period_bounds("quarter", today.year, number)
    return today.year, number, start, end


def quarterly_programme(org: Any, root: Any, session: Any, shot: Callable[..., Any]) -> Programme:
    field = org_services.save_field(by=Actor(root), agency=org.agency, name="Công nghệ thông tin",
                                    abbreviation="CNTT", leader=org.deputy, units=[org.unit])
    year, number, start, end = _quarter()
    today = timezone.localdate()
    due = min(today + timedelta(days=7), end).strftime("%d/%m/%Y")

    desk = session.new_page()
    sign_in(desk, org.unit_head)
    desk.goto("/programmes/new/")
    desk.select_option("#id_scope", "unit")
    desk.select_option("#id_owner_unit", str(org.unit.pk))
    desk.select_option("#id_period", "quarter")
    desk.fill("#id_year", str(year))
    desk.fill("#id_number", str(number))
    shot(desk, "new-programme")
    with desk.expect_navigation():
        desk.click("main form button.btn-primary")
    programme = Programme.objects.get()
    assert path_of(desk) == f"/programmes/{programme.pk}/"

    items = [
        ("Rà soát, cập nhật danh mục hệ thống thông tin theo cấp độ", "Báo cáo rà soát", str(org.specialist.pk)),
        ("Xây dựng Kế hoạch chuyển đổi số năm sau", "Tờ trình, dự thảo Quyết định", ""),
        ("Hướng dẫn sử dụng chữ ký số trên văn bản điện tử", "Văn bản hướng dẫn", ""),
    ]
    # An item without its responsible unit: a Vietnamese message, nothing saved.
    desk.goto(f"/programmes/{programme.pk}/items/new/")
    desk.fill("#id_title", items[0][0])
    desk.fill("#id_due", due)
    with desk.expect_navigation():
        desk.click("main form button.btn-primary")
    assert "Chọn đơn vị chủ trì thực hiện công việc." in desk.inner_text("main")
    assert programme.items.count() == 0
    for title, product, person in items:
        desk.goto(f"/programmes/{programme.pk}/items/new/")
        desk.fill("#id_title", title)
        desk.fill("#id_product", product)
        desk.select_option("#id_responsible_unit", str(org.unit.pk))
        desk.select_option("#id_coordinating_units", [str(org.office.pk)])
        if person:
            desk.select_option("#id_responsible_person", person)
        desk.fill("#id_due", due)
        desk.select_option("#id_nature", "key")
        with desk.expect_navigation():
            desk.click("main form button.btn-primary")
        assert path_of(desk) == f"/programmes/{programme.pk}/"
    assert desk.locator("#programme-items tbody tr").count() == 3
    shot(desk, "draft-items")
    with desk.expect_navigation():
        desk.click("#submit-programme")
    assert desk.inner_text("#programme-status") == "Đã trình duyệt"

    deputy = session.new_page()
    sign_in(deputy, org.deputy)
    deputy.goto("/programmes/?tab=waiting")
    with deputy.expect_navigation():
        deputy.click(f"#programme-list a[href='/programmes/{programme.pk}/']")
    deputy.fill("#decide #id_note", "Đồng ý, triển khai đúng tiến độ.")
    shot(deputy, "to-approve")
    with deputy.expect_navigation():
        deputy.click("#approve-programme")
    assert deputy.inner_text("#programme-status") == "Đã phê duyệt"

    desk.reload()
    for box in desk.locator("#programme-items input[name=items]").all():
        box.check()
    with desk.expect_navigation():
        desk.click("#make-tasks-button")
    assert Task.objects.filter(source=Task.Source.PROGRAMME).count() == 3
    assert desk.locator("#programme-items [data-status=in_progress]").count() == 3
    shot(desk, "tasks-made")

    phone = session.new_page(phone=True)
    sign_in(phone, org.specialist)
    mine = Task.objects.get(owner_person=org.specialist, source=Task.Source.PROGRAMME)
    phone.goto(f"/tasks/{mine.pk}/")
    phone.fill("#report #id_progress", "50")
    phone.fill("#report #id_note", "Đã rà soát 11/22 hệ thống.")
    with phone.expect_navigation():
        phone.click("#report button")
    phone.fill("#complete #id_result", "Đã rà soát đủ 22 hệ thống; báo cáo gửi kèm.")
    with phone.expect_navigation():
        phone.click("#complete button")
    phone.goto(f"/programmes/{programme.pk}/")
    assert phone.locator(f"#card-item-{mine.source_ref} [data-status=done]").count() == 1
    shot(phone, "programme-phone")

    # One of the unit's tasks runs past its deadline (the test moves it; the apps never do).
    late = Task.objects.filter(owner_unit=org.unit, source=Task.Source.PROGRAMME).order_by("id").first()
    assert late is not None
    Task.objects.filter(pk=late.pk).update(deadline=today - timedelta(days=1))

    deputy.goto("/programmes/fields/")
    counts = deputy.locator("#field-counts")
    assert "Hoàn tất: 1" in counts.inner_text()
    assert "Chậm tiến độ: 1" in counts.inner_text()
    assert "Đang xử lý: 1" in counts.inner_text()
    assert field.name in deputy.inner_text("main")
    shot(deputy, "field-view")
    deputy.goto(f"/programmes/{programme.pk}/review/")
    assert "Chậm tiến độ (1)" in deputy.inner_text("#group-late")
    shot(deputy, "review")
    return programme

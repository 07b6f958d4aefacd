"""An official internal message (trao đổi nội bộ, R18, 003 Đ8.2) through the pages: a specialist
sends the Trưởng phòng a draft with its file; the Trưởng phòng, on his phone, forwards it to another
specialist with an instruction; the other specialist reads the instruction above the original and
opens its file; the Trưởng phòng archives his copy and the specialist deletes hers, neither touching
the other's; the Trưởng phòng turns the message into a task in one step."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from pypdf import PdfWriter

from qlvb.core.actor import Actor
from qlvb.messages import services
from qlvb.messages.models import Copy, Message
from qlvb.org import services as org_services
from qlvb.tasks.models import Task

from ..helpers import path_of, sign_in


def _pdf() -> dict[str, Any]:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return {"name": "du-thao-ke-hoach-cds-2027.pdf", "mimeType": "application/pdf", "buffer": buffer.getvalue()}


def forwarded_message(org: Any, session: Any, shot: Callable[..., Any]) -> Message:
    from conftest import make_person

    dung = make_person(org.agency, "stttt.cv2", "Lường Văn Dũng")
    org_services.assign_post(by=Actor(org.admin), person=dung, unit=org.unit, position=org.positions["cv"])

    # What the Trưởng phòng's inbox already holds.
    for sender, subject, body in [
            (org.head, "Chuẩn bị nội dung giao ban tuần", "Phòng CNTT chuẩn bị báo cáo tiến độ chuyển đổi số."),
            (org.clerk, "Đăng ký lịch công tác tuần tới", "Đề nghị đăng ký lịch trước 16 giờ thứ Năm."),
            (dung, "Báo cáo sự cố đường truyền ngày 05/12", "Đường truyền số liệu chuyên dùng gián đoạn 30 phút.")]:
        services.send(by=Actor(sender), agency=org.agency, subject=subject, body=body,
                      to=services.Recipients(people=[org.unit_head]))

    desk = session.new_page()
    sign_in(desk, org.specialist)
    desk.goto("/messages/")
    with desk.expect_navigation():
        desk.click("#message-folders a[href='/messages/new/']")
    desk.select_option("#id_people", [str(org.unit_head.pk)])
    desk.fill("#id_subject", "Dự thảo Kế hoạch chuyển đổi số năm 2027")
    desk.fill("#id_body", "Kính gửi anh Bình, em gửi dự thảo kế hoạch (đính kèm), đề nghị anh cho ý kiến "
                          "trước ngày 20/12.")
    desk.set_input_files("#id_attachments", [_pdf()])
    shot(desk, "compose-desktop")
    with desk.expect_navigation():
        desk.click("#compose-form button.btn-primary")
    original = Message.objects.get(subject="Dự thảo Kế hoạch chuyển đổi số năm 2027")
    assert path_of(desk) == f"/messages/{original.pk}/"

    phone = session.new_page(phone=True)
    sign_in(phone, org.unit_head)
    phone.goto("/messages/")
    row = phone.locator("#message-rows li").first
    assert "Dự thảo Kế hoạch" in row.inner_text() and "fw-semibold" in (row.get_attribute("class") or "")
    shot(phone, "inbox-phone")
    with phone.expect_navigation():
        phone.click("#message-rows a.message-subject")
    assert "du-thao-ke-hoach-cds-2027.pdf" in phone.inner_text("#message")
    phone.click("#forward summary")
    phone.select_option("#id_f-people", [str(dung.pk)])
    phone.fill("#id_f-instruction", "Đồng chí Dũng rà soát phần hạ tầng và an toàn thông tin, góp ý trước thứ Sáu.")
    with phone.expect_navigation():
        phone.click("#forward button.btn-primary")
    forward = Message.objects.get(kind="forward")
    assert path_of(phone) == f"/messages/{forward.pk}/"
    shot(phone, "forwarded-phone")

    reader = session.new_page()
    sign_in(reader, dung)
    reader.goto("/messages/")
    with reader.expect_navigation():
        reader.click("#message-rows a.message-subject:has-text('Chuyển tiếp')")
    assert "rà soát phần hạ tầng" in reader.inner_text("#instruction")
    assert "đề nghị anh cho ý kiến" in reader.inner_text(".forwarded-original")
    shot(reader, "forwarded-desktop")
    with reader.expect_download() as download:
        reader.click(".forwarded-original a.file-download")
    assert download.value.suggested_filename == "du-thao-ke-hoach-cds-2027.pdf"
    assert reader.goto(f"/messages/{original.pk}/").status == 404  # the original itself is not his

    office = session.new_page()
    sign_in(office, org.unit_head)
    office.goto("/messages/")
    shot(office, "inbox-desktop")

    # Each sorts his own folders: the Trưởng phòng archives, the specialist deletes.
    phone.goto(f"/messages/{original.pk}/")
    with phone.expect_navigation():
        phone.click("#message form[action$='/archive/'] button")
    desk.goto("/messages/folder/sent/")
    desk.check(f"#message-rows input[value='{original.pk}']")
    with desk.expect_navigation():
        desk.click("#message-list button[value='trash']")
    desk.goto("/messages/folder/trash/")
    desk.check(f"#message-rows input[value='{original.pk}']")
    with desk.expect_navigation():
        desk.click("#message-list button[value='delete']")
    assert "Dự thảo Kế hoạch" not in desk.inner_text("#message-rows")
    assert Copy.objects.get(message=original, person=org.unit_head).folder == "archived"
    assert Copy.objects.get(message=original, person=org.specialist).folder == "deleted"
    phone.goto("/messages/folder/archived/")
    assert "Dự thảo Kế hoạch" in phone.inner_text("#message-rows")

    # The Trưởng phòng turns it into a task for the specialist.
    office.goto(f"/messages/{original.pk}/")
    office.click("#make-task summary")
    office.select_option("#id_t-owner", f"p:{org.specialist.pk}")
    office.fill("#id_t-working_days", "5")
    with office.expect_navigation():
        office.click("#make-task button.btn-primary")
    task = Task.objects.get(source_ref=f"message:{original.pk}")
    assert path_of(office) == f"/tasks/{task.pk}/" and task.owner_person_id == org.specialist.pk
    return forward

"""A consultation of the staff (lấy ý kiến, R26, 002 Đ22.8, Đ23.3) through the pages: the Giám đốc
opens one on the draft of the agency's internal rules with a closing date (a closing before the
opening is refused first), adds its questions (agree/disagree per article, one choice, a free
opinion) and opens it, letting each person choose to answer anonymously; a specialist answers by
name on his phone, the unit head anonymously; the Giám đốc closes it, compiles the results and
publishes them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone

from qlvb.consultations.models import Consultation, Response
from qlvb.core.models import Event

from ..helpers import path_of, sign_in

ARTICLES = "Điều 1. Phạm vi điều chỉnh\nĐiều 2. Nguyên tắc làm việc\nĐiều 3. Chế độ hội họp, giao ban"


def _add_question(page: Any, kind: str, text: str, options: str = "") -> None:
    page.select_option("#add-question #id_kind", kind)
    page.fill("#add-question #id_text", text)
    page.fill("#add-question #id_options", options)
    with page.expect_navigation():
        page.click("#add-question button")


def rules_consultation(org: Any, session: Any, shot: Callable[..., Any]) -> Consultation:
    today = timezone.localdate()
    head = session.new_page()
    sign_in(head, org.head)
    head.goto("/consultations/")
    with head.expect_navigation():
        head.click("a[href='/consultations/new/']")
    head.fill("#id_title", "Lấy ý kiến dự thảo Quy chế làm việc của Sở")
    head.select_option("#id_subject", "draft")
    head.select_option("#id_topic", "rules")
    head.fill("#id_description", "Đề nghị công chức, viên chức cho ý kiến từng điều của dự thảo.")
    head.fill("#id_opens_on", today.strftime("%d/%m/%Y"))
    head.fill("#id_closes_on", (today - timedelta(days=1)).strftime("%d/%m/%Y"))
    head.check("#id_lets_choose")
    with head.expect_navigation():
        head.click("#consultation-form button.btn-primary")
    assert "không thể trước ngày bắt đầu" in head.inner_text("#consultation-form")
    assert not Consultation.objects.exists()
    head.fill("#id_closes_on", (today + timedelta(days=7)).strftime("%d/%m/%Y"))
    with head.expect_navigation():
        head.click("#consultation-form button.btn-primary")
    consultation = Consultation.objects.get()
    assert path_of(head) == f"/consultations/{consultation.pk}/"
    _add_question(head, "articles", "Ý kiến của đồng chí về từng điều của dự thảo", ARTICLES)
    _add_question(head, "single", "Giờ bắt đầu làm việc buổi sáng", "7 giờ 00\n7 giờ 30")
    _add_question(head, "text", "Góp ý chung về dự thảo")
    with head.expect_navigation():
        head.click("#open-consultation")
    consultation.refresh_from_db()
    assert consultation.status == "open"
    shot(head, "opened-desktop")

    # A specialist answers by name, on his phone.
    phone = session.new_page(phone=True)
    sign_in(phone, org.specialist)
    phone.goto("/consultations/")
    with phone.expect_navigation():
        phone.locator("#consultation-list a").first.click()
    questions = list(consultation.questions.all())
    articles, single, text = (f"q{q.pk}" for q in questions)
    phone.click(f"label[for={articles}_a0_y]")
    phone.click(f"label[for={articles}_a2_n]")
    phone.fill(f"[name={articles}_c2]", "Đề nghị giao ban vào sáng thứ Hai thay vì chiều thứ Sáu.")
    phone.check(f"#{single}_1")
    phone.fill(f"[name={text}]", "Cần bổ sung quy định làm việc trên môi trường điện tử.")
    shot(phone, "answer-phone")
    with phone.expect_navigation():
        phone.click("#answer-submit")
    assert phone.locator("#answered").is_visible()

    # The unit head answers anonymously.
    desk = session.new_page()
    sign_in(desk, org.unit_head)
    desk.goto(f"/consultations/{consultation.pk}/")
    desk.click(f"label[for={articles}_a0_y]")
    desk.click(f"label[for={articles}_a1_n]")
    desk.fill(f"[name={articles}_c1]", "Nguyên tắc làm việc cần nêu rõ trách nhiệm người đứng đầu.")
    desk.check(f"#{single}_0")
    desk.check("#anonymously")
    with desk.expect_navigation():
        desk.click("#answer-submit")
    assert desk.locator("#answered").is_visible()
    people = sorted((r.person_id is None, r.submitted_on is None) for r in Response.objects.all())
    assert people == [(False, False), (True, True)]

    # The Giám đốc closes it, reads the compiled results and publishes them.
    head.reload()
    assert "2/" in head.inner_text("#organiser")
    with head.expect_navigation():
        head.click("#close-consultation")
    with head.expect_navigation():
        head.click("#see-results")
    results = head.inner_text("main")
    assert "Đề nghị giao ban vào sáng thứ Hai" in results and "Nguyên tắc làm việc cần nêu rõ" in results
    assert org.specialist.full_name in results and org.unit_head.full_name not in results
    with head.expect_navigation():
        head.click("#publish-results")
    assert Event.objects.filter(verb="consultation.results_published").count() == 1
    shot(head, "results-desktop")
    phone.goto(f"/consultations/{consultation.pk}/results/")
    assert "Kết quả lấy ý kiến" in phone.inner_text("main")
    shot(phone, "results-phone")
    return Consultation.objects.get()

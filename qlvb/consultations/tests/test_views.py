"""Consultation pages: preparing (closing before opening refused in Vietnamese), answering in the
form, 404 for who may not see, results and their export, the requests to meet the director; and
the query counts of the pages (no query per row)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qlvb.consultations import services
from qlvb.consultations.models import Consultation, Participation, Response
from qlvb.consultations.tests.helpers import answers, rules_consultation
from qlvb.core.actor import Actor

pytestmark = pytest.mark.django_db


def test_preparing_refuses_closing_before_opening_in_vietnamese(org, login):
    browser = login(org.head)
    today = timezone.localdate()
    page = browser.post("/consultations/new/", {
        "title": "Lấy ý kiến kế hoạch công tác năm", "subject": "plan", "topic": "annual_plan", "everyone": "on",
        "opens_on": today.strftime("%d/%m/%Y"), "closes_on": (today - timedelta(days=2)).strftime("%d/%m/%Y")},
        HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 400
    assert "Ngày kết thúc lấy ý kiến không thể trước ngày bắt đầu" in page.content.decode()
    assert not Consultation.objects.exists()
    made = browser.post("/consultations/new/", {
        "title": "Lấy ý kiến kế hoạch công tác năm", "subject": "plan", "topic": "annual_plan", "everyone": "on",
        "opens_on": today.strftime("%d/%m/%Y"), "closes_on": (today + timedelta(days=2)).strftime("%d/%m/%Y")})
    assert made.status_code == 302
    c = Consultation.objects.get()
    assert browser.post(f"/consultations/{c.pk}/question/", {"kind": "single", "text": "Đồng ý với kế hoạch?",
                                                             "options": "Đồng ý\nKhông đồng ý"}).status_code == 302
    assert browser.post(f"/consultations/{c.pk}/open/").status_code == 302
    c.refresh_from_db()
    assert c.status == "open"


def test_answering_in_the_form(org, login):
    c = rules_consultation(org, anonymous=True)
    q = c.q  # type: ignore[attr-defined]
    browser = login(org.specialist)
    page = browser.get(f"/consultations/{c.pk}/")
    assert page.status_code == 200 and b"answer-form" in page.content
    missing = browser.post(f"/consultations/{c.pk}/answer/", {f"q{q['text'].pk}": "Chỉ góp ý chung"})
    assert missing.status_code == 400 and not Participation.objects.exists()
    done = browser.post(f"/consultations/{c.pk}/answer/", {
        f"q{q['single'].pk}": "1", f"q{q['multiple'].pk}": ["0", "2"], f"q{q['articles'].pk}_a0": "agree",
        f"q{q['articles'].pk}_a2": "disagree", f"q{q['articles'].pk}_c2": "Nên họp sáng thứ Hai",
        f"q{q['text'].pk}": "Đồng ý"})
    assert done.status_code == 302
    response = Response.objects.get()
    assert response.person_id is None
    assert response.answers[str(q["articles"].pk)]["2"] == {"agree": False, "comment": "Nên họp sáng thứ Hai"}
    page = browser.get(f"/consultations/{c.pk}/")
    assert b"answer-form" not in page.content and b'id="answered"' in page.content


def test_who_may_not_see_gets_404(org, other_org, login):
    draft = rules_consultation(org, open_it=False)
    c = rules_consultation(org)
    specialist, outsider = login(org.specialist), login(other_org.head)
    assert specialist.get(f"/consultations/{draft.pk}/").status_code == 404
    for url in (f"/consultations/{c.pk}/", f"/consultations/{c.pk}/results/", f"/consultations/{c.pk}/results.csv"):
        assert outsider.get(url).status_code == 404
    assert outsider.post(f"/consultations/{c.pk}/answer/", {}).status_code == 404
    # Results are the organisers' until published.
    assert specialist.get(f"/consultations/{c.pk}/results/").status_code == 404
    assert specialist.get(f"/consultations/{c.pk}/results.xlsx").status_code == 404
    assert specialist.post(f"/consultations/{c.pk}/close/").status_code == 404
    assert specialist.post(f"/consultations/{c.pk}/publish/").status_code == 404
    assert login(org.head).get(f"/consultations/{c.pk}/results.xlsx").status_code == 200


def test_results_page_and_publication(org, login):
    c = rules_consultation(org)
    services.answer(by=Actor(org.specialist), consultation=c, answers=answers(c))
    services.close(by=Actor(org.head), consultation=c)
    head = login(org.head)
    page = head.get(f"/consultations/{c.pk}/results/")
    assert page.status_code == 200 and "Nên họp sáng thứ Hai" in page.content.decode()
    assert head.post(f"/consultations/{c.pk}/publish/").status_code == 302
    assert login(org.specialist).get(f"/consultations/{c.pk}/results/").status_code == 200
    csv = head.get(f"/consultations/{c.pk}/results.csv")
    assert csv["Content-Type"].startswith("text/csv") and "Nên họp sáng thứ Hai" in csv.content.decode("utf-8-sig")


def test_meeting_request_pages(org, login):
    cv = login(org.specialist)
    assert cv.post("/consultations/meet-director/", {"subject": "", "reason": ""}).status_code == 400
    assert cv.post("/consultations/meet-director/", {"subject": "Đề xuất cải tiến",
                                                     "reason": "Trình bày trực tiếp"}).status_code == 302
    from qlvb.consultations.models import MeetingRequest

    req = MeetingRequest.objects.get()
    assert login(org.unit_head).get(f"/consultations/meet-director/{req.pk}/").status_code == 404
    head = login(org.head)
    when = (timezone.localtime() + timedelta(days=2)).strftime("%d/%m/%Y 09:00")
    assert head.post(f"/consultations/meet-director/{req.pk}/", {"meets_at": when, "place": "Phòng Giám đốc",
                                                                 "decline": "0"}).status_code == 302
    req.refresh_from_db()
    assert req.status == "scheduled"
    assert "Phòng Giám đốc" in cv.get(f"/consultations/meet-director/{req.pk}/").content.decode()


def _many(org, n):  # noqa: ANN001, ANN202
    made = [rules_consultation(org, anonymous=bool(i % 2)) for i in range(n)]
    for c in made:
        for person in (org.specialist, org.unit_head, org.clerk):
            services.answer(by=Actor(person), consultation=c, answers=answers(c))
    return made


def test_query_counts_do_not_grow_with_rows(org, login, django_assert_max_num_queries):
    made = _many(org, 3)
    head, cv = login(org.head), login(org.specialist)
    budgets = {}
    for name, browser, url in (("list", cv, "/consultations/list/open/"), ("mine", head, "/consultations/list/mine/"),
                               ("detail", head, f"/consultations/{made[0].pk}/"),
                               ("results", head, f"/consultations/{made[0].pk}/results/")):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert browser.get(url).status_code == 200
        budgets[name] = len(ctx.captured_queries)
    more = _many(org, 4)
    for c in more[:1]:
        for person in (org.deputy, org.admin):
            services.answer(by=Actor(person), consultation=c, answers=answers(c))
    for name, browser, url in (("list", cv, "/consultations/list/open/"), ("mine", head, "/consultations/list/mine/"),
                               ("detail", head, f"/consultations/{more[0].pk}/"),
                               ("results", head, f"/consultations/{more[0].pk}/results/")):
        with django_assert_max_num_queries(budgets[name]):
            assert browser.get(url).status_code == 200
    with django_assert_max_num_queries(40):
        assert head.get(f"/consultations/{more[0].pk}/results/").status_code == 200

"""Notice pages: 404 for anyone outside the audience, the home box showing a new notice at once
(kept pages), receipts for the sender and the office only, the form's Vietnamese refusals, and
the query counts of the list, the home page and the receipts."""

from __future__ import annotations

import pytest

from qlvb.core import personcache
from qlvb.core.actor import Actor
from qlvb.notices import services
from qlvb.notices.models import Notice, Receipt

pytestmark = pytest.mark.django_db


def test_outsiders_get_404(org, other_org, chief, planner, login):
    notice = services.publish(by=Actor(org.unit_head), agency=org.agency, title="Họp phòng CNTT", units=[org.unit])
    assert login(org.specialist).get(f"/notices/{notice.pk}/").status_code == 200
    for outsider in (planner, other_org.head, other_org.clerk):
        client = login(outsider)
        for url in (f"/notices/{notice.pk}/", f"/notices/{notice.pk}/files/1/view/"):
            assert client.get(url).status_code == 404
        assert client.post(f"/notices/{notice.pk}/pin/", {"pinned": "1"}).status_code == 404
    assert login(planner).get("/notices/new/").status_code == 404  # a specialist sends no notice
    assert not Receipt.objects.filter(person=planner).exists()


def test_the_home_box_shows_a_new_notice_at_once_and_reading_it(org, chief, planner, login, settings):
    settings.QLVB_KEEP_PAGES = True
    client = login(planner)
    assert "Chưa có thông báo" in client.get("/").content.decode()
    client.get("/")  # now kept
    notice = services.publish(by=Actor(chief), agency=org.agency, title="Kế hoạch công tác quý I", to_everyone=True)
    page = client.get("/").content.decode()
    assert "Kế hoạch công tác quý I" in page and "1 chưa đọc" in page
    detail = client.get(f"/notices/{notice.pk}/")
    assert detail.status_code == 200 and "đã đọc lúc" in detail.content.decode()
    assert "receipts" not in detail.content.decode()  # a reader does not see who has read it
    assert "1 chưa đọc" not in client.get("/").content.decode()


def test_the_sender_and_the_office_see_who_has_read_it(org, chief, planner, login):
    notice = services.publish(by=Actor(chief), agency=org.agency, title="Lịch trực Tết", to_everyone=True)
    login(planner).get(f"/notices/{notice.pk}/")
    for keeper in (chief, org.clerk, org.head):
        page = login(keeper).get(f"/notices/{notice.pk}/").content.decode()
        assert 'id="receipts"' in page and "Vì Văn Sơn" in page.split('id="receipts-read"')[1].split("</ul>")[0]
    page = login(org.specialist).get(f"/notices/{notice.pk}/").content.decode()
    assert 'id="receipts"' not in page


def test_the_form_refuses_a_notice_to_nobody_in_vietnamese(org, chief, login):
    client = login(chief)
    assert client.get("/notices/new/").status_code == 200
    response = client.post("/notices/new/", {"title": "Thông báo"})
    assert response.status_code == 200 and "Hãy chọn nơi nhận thông báo" in response.content.decode()
    response = client.post("/notices/new/", {"title": "Thông báo nghỉ lễ", "to_everyone": "on", "pinned": "on"})
    assert response.status_code == 302 and Notice.objects.get().pinned
    # A unit head's form addresses his unit only.
    page = login(org.unit_head).get("/notices/new/").content.decode()
    assert "to_everyone" not in page and "Phòng Công nghệ thông tin" in page


def test_queries_of_the_list_the_home_page_and_the_receipts(org, chief, planner, login,
                                                          django_assert_max_num_queries):
    def publish(n: int) -> Notice:
        return services.publish(by=Actor(chief), agency=org.agency, title=f"Thông báo số {n}", to_everyone=True,
                                pinned=n % 4 == 0)

    notices = [publish(n) for n in range(3)]
    client, office = login(planner), login(chief)
    for url in ("/notices/", "/"):
        client.get(url)
    office.get(f"/notices/{notices[0].pk}/")
    budgets = {}
    for url in ("/notices/", "/", "/notices/list/unread/"):
        personcache.bump()  # measured as after an event: nothing kept
        with django_assert_max_num_queries(30) as counted:
            assert client.get(url).status_code == 200
        budgets[url] = len(counted.captured_queries)
    personcache.bump()
    with django_assert_max_num_queries(40) as counted:
        office.get(f"/notices/{notices[0].pk}/")
    receipts_before = len(counted.captured_queries)
    more = [publish(n) for n in range(3, 23)]
    for person in (planner, org.specialist, org.unit_head):
        services.mark_read(by=Actor(person), notice=notices[0])
    for url, before in budgets.items():
        personcache.bump()
        with django_assert_max_num_queries(before) as counted:
            page = client.get(url)
        assert page.status_code == 200
    assert "Thông báo số 22" in client.get("/notices/").content.decode() and more
    personcache.bump()
    with django_assert_max_num_queries(receipts_before):
        office.get(f"/notices/{notices[0].pk}/")


def test_more_than_99_unread_says_99_plus(org, chief, planner, login):
    """The unread count stops at 99+ (counting years of notices would ask every one of them)."""
    Notice.objects.bulk_create([Notice(agency=org.agency, title=f"Thông báo số {n}", to_everyone=True,
                                       created_by=chief) for n in range(101)])
    page = login(planner).get("/notices/").content.decode()
    assert ">99+<" in page
    home = login(planner).get("/").content.decode()
    assert "99+ chưa đọc" in home

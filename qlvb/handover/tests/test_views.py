from __future__ import annotations

from qlvb.core.actor import Actor
from qlvb.handover import services
from qlvb.handover.models import HandOver
from qlvb.notifications.models import Notification


def test_the_page_shows_the_open_work_and_hands_it_over(org, holding, successor, login,
                                                        django_capture_on_commit_callbacks):
    client = login(org.unit_head)
    page = client.get(f"/handover/person/{org.specialist.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "V/v triển khai chữ ký số năm 2027" in text and "Hồ sơ chữ ký số" in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/handover/person/{org.specialist.pk}/", {"successor": successor.pk,
                                                                           "note": "Chuyển công tác"})
    record = HandOver.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/handover/{record.pk}/"
    assert record.total == 7 and record.by == org.unit_head
    detail = client.get(response["Location"])
    assert detail.status_code == 200 and "Quàng Văn Dũng" in detail.content.decode()
    # the successor is told, and may open the record
    assert Notification.objects.filter(person=successor, url=f"/handover/{record.pk}/").exists()
    assert login(successor).get(f"/handover/{record.pk}/").status_code == 200


def test_a_bad_successor_shows_the_message(org, other_org, holding, login):
    client = login(org.head)
    response = client.post(f"/handover/person/{org.specialist.pk}/", {"successor": org.specialist.pk})
    assert response.status_code == 200  # the form: the person himself is not among the choices
    assert not HandOver.objects.exists()


def test_who_may_open_the_pages(org, other_org, holding, successor, login):
    url = f"/handover/person/{org.specialist.pk}/"
    for person in (org.clerk, successor, org.specialist, other_org.head, other_org.admin):
        assert login(person).get(url).status_code == 404, person
        assert login(person).post(url, {"successor": successor.pk}).status_code == 404
    for person in (org.unit_head, org.head, org.deputy, org.admin):
        assert login(person).get(url).status_code == 200
    record = services.hand_over(by=Actor(org.head), person=org.specialist, agency=org.agency, successor=successor)
    assert login(org.clerk).get(f"/handover/{record.pk}/").status_code == 404
    assert login(other_org.head).get(f"/handover/{record.pk}/").status_code == 404
    assert login(org.clerk).get("/handover/").status_code == 404
    listing = login(org.head).get("/handover/")
    assert listing.status_code == 200 and "Trần Thị Mai" in listing.content.decode()


def test_the_list_asks_a_fixed_number_of_queries(org, holding, successor, login, django_assert_max_num_queries):
    for _ in range(3):
        services.hand_over(by=Actor(org.head), person=org.specialist, agency=org.agency, successor=successor)
        services.hand_over(by=Actor(org.head), person=successor, agency=org.agency, successor=org.specialist)
    client = login(org.head)
    client.get("/handover/")
    with django_assert_max_num_queries(15):
        assert client.get("/handover/").status_code == 200


def test_ending_a_post_offers_the_hand_over(org, holding, login):
    client = login(org.admin)
    post = org.specialist.posts.get(end_date__isnull=True)
    response = client.post(f"/org/people/{org.specialist.pk}/end_post/", {"post": post.pk})
    assert response.status_code == 302 and response["Location"] == f"/handover/person/{org.specialist.pk}/"
    person_page = client.get(f"/org/people/{org.specialist.pk}/").content.decode()
    assert f"/handover/person/{org.specialist.pk}/" in person_page


def test_ending_a_post_without_open_work_stays_on_the_person(org, login):
    client = login(org.admin)
    post = org.clerk.posts.get(end_date__isnull=True)
    response = client.post(f"/org/people/{org.clerk.pk}/end_post/", {"post": post.pk})
    assert response["Location"] == f"/org/people/{org.clerk.pk}/"

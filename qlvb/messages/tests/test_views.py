"""Internal message pages: the folders sorted and filtered, a message opened (and marked read), the
404 for anyone outside (also for the original a forward carries), writing with a Vietnamese error
for a message to nobody, moving one's own copy, the lists in a fixed number of queries."""

from __future__ import annotations

import pytest

from qlvb.core.actor import Actor
from qlvb.messages import services
from qlvb.messages.models import Copy, Message
from qlvb.messages.tests.conftest import pdf_upload, send

pytestmark = pytest.mark.django_db


def test_inbox_message_and_404_outside(org, login, second_specialist):
    message = send(org, uploads=[pdf_upload("du-thao.pdf")])
    forwarded = services.forward(by=Actor(org.unit_head), message=message,
                                 to=services.Recipients(people=[second_specialist]), instruction="Xử lý gấp.")
    tp = login(org.unit_head)
    page = tp.get("/messages/").content.decode()
    assert message.subject in page
    opened = tp.get(f"/messages/{message.pk}/")
    assert opened.status_code == 200 and "du-thao.pdf" in opened.content.decode()
    assert Copy.objects.get(message=message, person=org.unit_head).read_at is not None
    cv2 = login(second_specialist)
    page = cv2.get(f"/messages/{forwarded.pk}/").content.decode()
    assert "Xử lý gấp." in page and message.body in page and "du-thao.pdf" in page
    file_pk = message.files.get().pk
    assert cv2.get(f"/messages/{forwarded.pk}/files/{file_pk}/download/").status_code == 200
    assert cv2.get(f"/messages/{message.pk}/").status_code == 404
    assert cv2.get(f"/messages/{message.pk}/files/{file_pk}/download/").status_code == 404
    gd = login(org.head)
    for url in (f"/messages/{message.pk}/", f"/messages/{forwarded.pk}/"):
        assert gd.get(url).status_code == 404
    assert gd.post(f"/messages/{message.pk}/archive/").status_code == 404


def test_writing_to_nobody_shows_a_vietnamese_error(org, login):
    cv = login(org.specialist)
    response = cv.post("/messages/new/", {"subject": "Không người nhận", "body": "Nội dung"})
    assert response.status_code == 400 and "Chọn ít nhất một người nhận" in response.content.decode()
    assert not Message.objects.exists()
    response = cv.post("/messages/new/", {"subject": "Gửi trưởng phòng", "body": "Nội dung",
                                          "people": [org.unit_head.pk], "attachments": [pdf_upload("a.pdf")]})
    assert response.status_code == 302
    assert Message.objects.get().files.count() == 1


def test_moving_ones_copy_from_the_page(org, login):
    message = send(org)
    tp, cv = login(org.unit_head), login(org.specialist)
    tp.post(f"/messages/{message.pk}/archive/")
    cv.post(f"/messages/{message.pk}/trash/")
    cv.post("/messages/folder/trash/move/", {"verb": "delete", "ids": [message.pk]})
    assert message.subject in tp.get("/messages/folder/archived/").content.decode()
    assert message.subject not in cv.get("/messages/folder/trash/").content.decode()
    assert message.subject not in cv.get("/messages/folder/sent/").content.decode()


def test_sorting_filtering_and_the_task_form(org, login):
    send(org, subject="Bảo trì máy chủ")
    send(org, subject="An toàn thông tin", uploads=[pdf_upload()])
    tp = login(org.unit_head)
    page = tp.get("/messages/", {"sort": "subject", "dir": "asc"}).content.decode()
    assert page.index("An toàn thông tin") < page.index("Bảo trì máy chủ")
    page = tp.get("/messages/", {"files": "1"}).content.decode()
    assert "An toàn thông tin" in page and "Bảo trì máy chủ" not in page
    page = tp.get("/messages/", {"q": "may chu"}).content.decode()
    assert "Bảo trì máy chủ" in page and "An toàn thông tin" not in page
    message = Message.objects.get(subject="Bảo trì máy chủ")
    response = tp.post(f"/messages/{message.pk}/task/", {"t-owner": f"p:{org.specialist.pk}", "t-working_days": 5})
    assert response.status_code == 302 and "/tasks/" in response["Location"]


@pytest.mark.parametrize("folder", ["inbox", "sent"])
def test_folder_pages_read_a_fixed_number_of_queries(org, login, folder, django_assert_max_num_queries):
    tp = login(org.unit_head)
    send(org)
    tp.get(f"/messages/folder/{folder}/")
    for n in range(30):
        services.send(by=Actor(org.unit_head if folder == "sent" else org.specialist), agency=org.agency,
                      subject=f"Tin {n}", body="Nội dung",
                      to=services.Recipients(people=[org.specialist if folder == "sent" else org.unit_head]))
    with django_assert_max_num_queries(16):
        response = tp.get(f"/messages/folder/{folder}/")
    assert response.status_code == 200


def test_the_search_page_finds_a_message_for_its_participants_only(org, login):
    message = send(org, subject="Đề nghị cấp chứng thư số cho cán bộ mới")
    url = f"/messages/{message.pk}/"
    assert url in login(org.unit_head).get("/search/", {"q": "chứng thư số"}).content.decode()
    assert url not in login(org.head).get("/search/", {"q": "chứng thư số"}).content.decode()

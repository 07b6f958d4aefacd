"""Meeting pages: who sees a meeting (404 for everyone else and other agencies), the forms'
Vietnamese refusals, documents shown only to who may see them, notifications, search's kind and
the lists' query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qlvb.core import kinds
from qlvb.core.actor import Actor
from qlvb.meetings import services
from qlvb.meetings.models import Meeting
from qlvb.notifications.models import Notification

from .helpers import briefing, held

pytestmark = pytest.mark.django_db


def test_who_sees_a_meeting_and_everyone_else_gets_404(org, other_org, login):
    draft = briefing(org, invite=False, past=False)
    # Being prepared: its organisers, the leaders and the office see it; the invitees not yet.
    assert login(org.clerk).get(f"/meetings/{draft.pk}/").status_code == 200
    assert login(org.deputy).get(f"/meetings/{draft.pk}/").status_code == 200  # a leader
    assert login(org.unit_head).get(f"/meetings/{draft.pk}/").status_code == 404
    services.invite(by=Actor(org.clerk), meeting=draft)
    for person in (org.unit_head, org.specialist):  # invited in person; posted in the invited unit
        assert login(person).get(f"/meetings/{draft.pk}/").status_code == 200
    outsider = login(other_org.head)
    for url in (f"/meetings/{draft.pk}/", f"/meetings/{draft.pk}/edit/", f"/meetings/{draft.pk}/notice/",
                f"/meetings/{draft.pk}/files/1/view/"):
        assert outsider.get(url).status_code == 404
    assert outsider.post(f"/meetings/{draft.pk}/cancel/", {"reason": "x"}).status_code == 404
    # Not invited, not of the invited unit, not a leader, not the office: 404.
    uninvited = briefing(org, past=False, people=[org.deputy], units=[])
    assert login(org.specialist).get(f"/meetings/{uninvited.pk}/").status_code == 404
    assert login(org.admin).get(f"/meetings/{uninvited.pk}/").status_code == 404
    # An invitee cannot change it: the edit page is a 404 for him.
    assert login(org.unit_head).get(f"/meetings/{draft.pk}/edit/").status_code == 404
    assert login(org.unit_head).post(f"/meetings/{draft.pk}/cancel/", {"reason": "x"}).status_code == 404
    assert Meeting.objects.get(pk=draft.pk).status == "invited"


def test_the_kind_tells_search_and_visibility(org, other_org):
    meeting = briefing(org, past=False, people=[org.deputy], units=[])
    assert kinds.get("meeting").label
    assert list(kinds.visible("meeting", org.deputy)) == [meeting]
    assert list(kinds.visible("meeting", org.clerk)) == [meeting]  # the office
    assert not kinds.visible("meeting", org.specialist).exists()
    assert not kinds.visible("meeting", other_org.head).exists()
    values = kinds.get("meeting").index_values(meeting, lambda ids: {})
    assert values["title"] == meeting.title and values["agency_id"] == org.agency.pk


def test_a_meeting_without_a_chair_from_the_form_is_refused_in_vietnamese(org, login):
    client = login(org.clerk)
    response = client.post("/meetings/new/", {
        "kind": "briefing", "title": "Giao ban tuần", "starts_at": "11/12/2026 08:00", "ends_at": "11/12/2026 10:00",
        "people": [org.deputy.pk]})
    assert response.status_code == 400
    assert "Chọn người chủ trì cuộc họp." in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_office_prepares_a_meeting_through_the_form(org, login):
    client = login(org.clerk)
    start = timezone.localtime(timezone.now() + timedelta(days=2))
    response = client.post("/meetings/new/", {
        "kind": "briefing", "title": "Giao ban tuần", "starts_at": start.strftime("%d/%m/%Y 08:00"),
        "ends_at": start.strftime("%d/%m/%Y 10:00"), "chair": org.head.pk, "secretary": org.clerk.pk,
        "people": [org.deputy.pk], "units": [org.unit.pk], "place": "Phòng họp số 1"})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    assert client.post(f"/meetings/{meeting.pk}/agenda/", {"title": "Kết quả công tác tuần"}).status_code == 302
    assert client.post(f"/meetings/{meeting.pk}/invite/").status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "invited" and meeting.agenda.count() == 1


def test_documents_are_shown_only_to_who_may_see_them(org, login, register_doc, local_storage):
    from qlvb.incoming.tests.conftest import pdf_upload

    document = register_doc()  # presented to the Giám đốc: the unit head may not see it
    meeting = briefing(org, past=False)
    services.attach(by=Actor(org.clerk), meeting=meeting, kind="incoming", document_id=document.pk)
    services.attach(by=Actor(org.clerk), meeting=meeting, uploads=[pdf_upload("bao-cao-tuan.pdf")])
    head_page = login(org.head).get(f"/meetings/{meeting.pk}/").content.decode()
    unit_page = login(org.unit_head).get(f"/meetings/{meeting.pk}/").content.decode()
    assert document.summary[:30] in head_page and "bao-cao-tuan.pdf" in head_page
    assert document.summary[:30] not in unit_page and "bao-cao-tuan.pdf" in unit_page
    upload = meeting.documents.get(stored__isnull=False)
    assert login(org.unit_head).get(f"/meetings/{meeting.pk}/files/{upload.pk}/view/").status_code == 200
    # Only a document the attacher may see is attached: the unit head, secretary of another meeting,
    # may not see it.
    other = briefing(org, past=False, secretary=org.unit_head)
    with pytest.raises(ValidationError):
        services.attach(by=Actor(org.unit_head), meeting=other, kind="incoming", document_id=document.pk)
    assert not other.documents.exists()


def test_invitees_are_told_and_the_chair_of_minutes_waiting(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = briefing(org)
    told = set(Notification.objects.filter(kind="meeting", params__what="invited").values_list("person_id", flat=True))
    assert {org.deputy.pk, org.unit_head.pk, org.head.pk} <= told and org.clerk.pk not in told
    with django_capture_on_commit_callbacks(execute=True):
        services.record_attendance(by=Actor(org.clerk), meeting=meeting, statuses={org.head.pk: "present"})
        services.save_minutes(by=Actor(org.clerk), meeting=meeting, body="Biên bản", submit=True)
    assert Notification.objects.filter(kind="meeting", params__what="minutes", person=org.head).exists()


def test_the_page_follows_the_conclusions_tasks(org, login):
    from qlvb.tasks import services as task_services
    from qlvb.tasks.models import Task

    meeting = held(org)
    services.add_conclusion(by=Actor(org.head), meeting=meeting, text="Phòng CNTT báo cáo an toàn thông tin",
                            owner_unit=org.unit, working_days=3)
    services.publish_conclusions(by=Actor(org.head), meeting=meeting)
    client = login(org.head)
    assert client.post(f"/meetings/{meeting.pk}/tasks/").status_code == 302
    task = Task.objects.get()
    task_services.complete(by=Actor(org.unit_head), task=task, result="Đã báo cáo")
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'id="conclusions-done"' in page and "1/1" in page
    notice = login(org.specialist).get(f"/meetings/{meeting.pk}/notice/")
    assert notice.status_code == 200 and "Phòng CNTT báo cáo" in notice.content.decode()


def test_the_lists_read_a_fixed_number_of_queries(org, login, django_assert_max_num_queries):
    for _n in range(3):
        briefing(org, past=False)
    client = login(org.deputy)
    client.get("/meetings/")  # warm the caches (menu, roles)
    with django_assert_max_num_queries(25):
        first = client.get("/meetings/")
    for _n in range(10):
        briefing(org, past=False)
    with django_assert_max_num_queries(25) as counted:
        second = client.get("/meetings/")
    assert first.status_code == second.status_code == 200
    assert second.content.decode().count("Giao ban tuần") >= 13
    assert len(counted.captured_queries) <= 25


def test_the_detail_page_reads_a_bounded_number_of_queries(org, login, django_assert_max_num_queries):
    meeting = held(org)
    for n in range(5):
        services.add_conclusion(by=Actor(org.head), meeting=meeting, text=f"Kết luận {n}", owner_unit=org.unit,
                                working_days=3)
    services.publish_conclusions(by=Actor(org.head), meeting=meeting)
    services.make_tasks(by=Actor(org.head), meeting=meeting)
    client = login(org.head)
    client.get(f"/meetings/{meeting.pk}/")
    with django_assert_max_num_queries(60):
        assert client.get(f"/meetings/{meeting.pk}/").status_code == 200


def test_a_change_and_a_cancellation_are_told_in_vietnamese(org, django_capture_on_commit_callbacks):
    from django.utils.translation import override

    from qlvb.notifications.selectors import text

    meeting = briefing(org, past=False)
    later = meeting.starts_at + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.update(by=Actor(org.clerk), meeting=meeting, kind=meeting.kind, title=meeting.title,
                        starts_at=later, ends_at=later + timedelta(hours=1), chair=org.head, secretary=org.clerk,
                        place="Hội trường", people=[org.deputy, org.unit_head], units=[org.unit])
        services.cancel(by=Actor(org.clerk), meeting=meeting, reason="Giám đốc đi công tác")
    changed = Notification.objects.get(kind="meeting", params__what="changed", person=org.deputy)
    cancelled = Notification.objects.get(kind="meeting", params__what="cancelled", person=org.unit_head)
    with override("vi"):
        assert text(changed).startswith("Cuộc họp thay đổi: Giao ban tuần")
        assert text(cancelled).startswith("Cuộc họp bị hủy: Giao ban tuần")
    # A draft's change tells nobody: nobody is invited yet.
    draft = briefing(org, invite=False, past=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(by=Actor(org.clerk), meeting=draft, reason="Không cần họp")
    assert not Notification.objects.filter(kind="meeting", params__what="cancelled", target_id=str(draft.pk)).exists()


def test_without_the_right_an_action_is_a_404_and_changes_nothing(org, login):
    meeting = held(org)
    services.save_minutes(by=Actor(org.clerk), meeting=meeting, body="Biên bản", submit=True)
    invitee = login(org.unit_head)  # sees the meeting, may not approve, conclude or make tasks
    assert invitee.get(f"/meetings/{meeting.pk}/").status_code == 200
    for verb, data in (("decide", {"approve": "1"}), ("conclusion", {"text": "Kết luận"}), ("publish", {}),
                       ("tasks", {}), ("attendance", {}), ("minutes", {"body": "Sửa"}), ("no-such-verb", {})):
        assert invitee.post(f"/meetings/{meeting.pk}/{verb}/", data).status_code == 404, verb
    assert meeting.minutes.status == "submitted" and not meeting.conclusions.exists()
    # The chair's refusal without a note is a Vietnamese message beside the form, nothing changed.
    page = login(org.head).post(f"/meetings/{meeting.pk}/decide/", {"approve": "0", "note": ""})
    assert page.status_code == 400 and "Nhập nội dung cần sửa trong biên bản." in page.content.decode()


def test_the_api_list_reads_a_fixed_number_of_queries(client, org, django_assert_max_num_queries):
    from qlvb.accounts.services import create_api_token

    _token, key = create_api_token(person=org.deputy, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    for _n in range(12):
        briefing(org, past=False)
    with django_assert_max_num_queries(15):
        body = client.get("/api/v1/meetings/", **auth).json()
    assert body["count"] == 12


def test_a_mistaken_agenda_item_or_conclusion_is_taken_back_until_closed(org, login):
    """Through the page: an agenda item removed while the meeting is being prepared (the rest move
    up), a conclusion removed until the notice is published; then both are fixed. Someone who may
    not manage the meeting gets 404 and changes nothing."""
    meeting = briefing(org, invite=False, past=False)
    first = services.add_agenda_item(by=Actor(org.clerk), meeting=meeting, title="Báo cáo tuần")
    services.add_agenda_item(by=Actor(org.clerk), meeting=meeting, title="Kế hoạch tháng 12")
    assert login(org.specialist).post(f"/meetings/{meeting.pk}/agenda_remove/",
                                      {"item": first.pk}).status_code == 404
    office = login(org.clerk)
    page = office.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'name="item" value="{first.pk}"' in page
    assert office.post(f"/meetings/{meeting.pk}/agenda_remove/", {"item": first.pk}).status_code == 302
    assert [(a.order, a.title) for a in meeting.agenda.all()] == [(1, "Kế hoạch tháng 12")]
    assert office.post(f"/meetings/{meeting.pk}/agenda_remove/", {"item": "x"}).status_code == 404
    meeting = held(org)
    wrong = services.add_conclusion(by=Actor(org.head), meeting=meeting, text="Giao nhầm phòng")
    services.add_conclusion(by=Actor(org.head), meeting=meeting, text="Các phòng tăng cường kỷ luật công vụ")
    chair = login(org.head)
    assert chair.post(f"/meetings/{meeting.pk}/conclusion_remove/", {"item": wrong.pk}).status_code == 302
    assert [(c.order, c.text) for c in meeting.conclusions.all()] == [(1, "Các phòng tăng cường kỷ luật công vụ")]
    services.publish_conclusions(by=Actor(org.head), meeting=meeting)
    kept = meeting.conclusions.get()
    page = chair.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "conclusion_remove" not in page
    chair.post(f"/meetings/{meeting.pk}/conclusion_remove/", {"item": kept.pk})
    assert meeting.conclusions.count() == 1  # published: fixed
    with pytest.raises(ValidationError):
        services.remove_conclusion(by=Actor(org.head), meeting=meeting, conclusion=kept)

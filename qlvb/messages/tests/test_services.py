"""Internal messages (R18, 003 Đ8.2): sending to people, units and leaders; one's own copy moved,
read and deleted without touching the others'; replies; forwards with an instruction; a message
to nobody or with an oversize file refused with nothing saved; a message made into a task and
filed into a dossier; links to documents only for those who may see them; search for
participants only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qlvb.core import kinds
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.dossiers import services as dossiers
from qlvb.files.models import StoredFile
from qlvb.messages import selectors, services
from qlvb.messages.models import Copy, Message
from qlvb.messages.tests.conftest import pdf_upload, send
from qlvb.notifications.models import Notification
from qlvb.search import selectors as search
from qlvb.tasks.models import Link, Task

pytestmark = pytest.mark.django_db


def folder_ids(person, folder):
    return [c.message_id for c in selectors.folder_page(person, folder).rows]


def test_sending_makes_one_copy_each_and_tells_the_recipient(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(org, uploads=[pdf_upload("du-thao-ke-hoach.pdf")])
    assert folder_ids(org.specialist, "sent") == [message.pk]
    assert folder_ids(org.unit_head, "inbox") == [message.pk]
    assert selectors.unread_counts(org.unit_head)["inbox"] == 1
    assert selectors.unread_counts(org.specialist)["inbox"] == 0
    assert message.files.get().name == "du-thao-ke-hoach.pdf"
    note = Notification.objects.get(person=org.unit_head, kind=Notification.Kind.MESSAGE)
    assert "Trần Thị Mai" in str(note.params) and note.url == f"/messages/{message.pk}/"
    assert not Notification.objects.filter(person=org.specialist).exists()
    assert Event.objects.filter(verb="message.sent", target_id=str(message.pk)).exists()


def test_a_unit_gets_it_through_its_leaders_or_everyone(org, second_specialist):
    to_leaders = services.send(
        by=Actor(org.head), agency=org.agency, subject="Triển khai kế hoạch", body="Đề nghị phòng triển khai.",
        to=services.Recipients(units=[org.unit]))
    holders = set(Copy.objects.filter(message=to_leaders, is_sender=False).values_list("person_id", flat=True))
    assert holders == {org.unit_head.pk}
    to_all = services.send(by=Actor(org.head), agency=org.agency, subject="Thông báo họp phòng",
                           body="Cả phòng họp lúc 14h.", to=services.Recipients(whole_units=[org.unit]))
    holders = set(Copy.objects.filter(message=to_all, is_sender=False).values_list("person_id", flat=True))
    assert holders == {org.unit_head.pk, org.specialist.pk, org.admin.pk, second_specialist.pk}
    to_leadership = services.send(by=Actor(org.specialist), agency=org.agency, subject="Báo cáo",
                                  body="Kính gửi Ban Giám đốc.", to=services.Recipients(leaders=True))
    holders = set(Copy.objects.filter(message=to_leadership, is_sender=False).values_list("person_id", flat=True))
    assert holders == {org.head.pk, org.deputy.pk}


def test_a_message_to_nobody_is_refused_and_nothing_saved(org):
    with pytest.raises(ValidationError) as error:
        services.send(by=Actor(org.specialist), agency=org.agency, subject="Không người nhận", body="Nội dung",
                      to=services.Recipients())
    assert "Chọn ít nhất một người nhận" in str(error.value.message_dict["recipients"])
    with pytest.raises(ValidationError):  # only to oneself: nobody else
        send(org, to=[org.specialist])
    assert not Message.objects.exists() and not Copy.objects.exists()


def test_an_oversize_file_is_refused_and_nothing_saved(org, settings):
    settings.QLVB_MAX_UPLOAD_BYTES = 1000
    big = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n" + b"0" * 5000, content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        send(org, uploads=[big])
    assert "vượt quá" in str(error.value) or "giới hạn" in str(error.value)
    assert not Message.objects.exists() and not StoredFile.objects.exists()


def test_moving_and_deleting_touch_only_ones_own_copy(org):
    message = send(org)
    services.move(by=Actor(org.unit_head), message=message, to="archive")
    assert folder_ids(org.unit_head, "archived") == [message.pk]
    assert folder_ids(org.specialist, "sent") == [message.pk]
    services.move(by=Actor(org.specialist), message=message, to="trash")
    services.move(by=Actor(org.specialist), message=message, to="delete")
    assert folder_ids(org.specialist, "sent") == folder_ids(org.specialist, "trash") == []
    assert not kinds.may_see("message", org.specialist, message)
    assert kinds.may_see("message", org.unit_head, message)
    with pytest.raises(NotAllowed):
        services.move(by=Actor(org.specialist), message=message, to="restore")
    services.move(by=Actor(org.unit_head), message=message, to="restore")
    assert folder_ids(org.unit_head, "inbox") == [message.pk]


def test_read_and_unread(org):
    message = send(org)
    services.mark_read(by=Actor(org.unit_head), message=message)
    assert selectors.unread_counts(org.unit_head)["inbox"] == 0
    services.mark_read(by=Actor(org.unit_head), message=message, read=False)
    assert selectors.folder_page(org.unit_head, "inbox", filters=selectors.Filters(unread=True)).rows


def test_outsiders_cannot_move_read_reply_or_forward(org):
    message = send(org)
    for call in (lambda: services.move(by=Actor(org.head), message=message, to="archive"),
                 lambda: services.mark_read(by=Actor(org.head), message=message),
                 lambda: services.reply(by=Actor(org.head), message=message, body="Đã nhận"),
                 lambda: services.forward(by=Actor(org.head), message=message,
                                          to=services.Recipients(people=[org.deputy]))):
        with pytest.raises(NotAllowed):
            call()


def test_reply_goes_back_to_the_sender(org):
    message = send(org)
    answer = services.reply(by=Actor(org.unit_head), message=message, body="Anh đã xem, sẽ góp ý chiều nay.")
    assert answer.subject.startswith("Trả lời: ") and answer.reply_to_id == message.pk
    assert folder_ids(org.specialist, "inbox") == [answer.pk]


def test_forward_carries_the_original_and_its_files_not_its_address(org, second_specialist):
    message = send(org, uploads=[pdf_upload("du-thao.pdf")])
    forwarded = services.forward(by=Actor(org.unit_head), message=message,
                                 to=services.Recipients(people=[second_specialist]),
                                 instruction="Đồng chí Dũng nghiên cứu, tham mưu trả lời trước thứ Sáu.")
    assert forwarded.forwarded_id == message.pk and forwarded.subject.startswith("Chuyển tiếp: ")
    m, copy = selectors.get_message(second_specialist, forwarded.pk)
    shown = selectors.detail(second_specialist, m, copy)
    assert shown.carried[0].message.pk == message.pk
    original_file = shown.carried[0].files[0]
    assert selectors.file_of(forwarded, original_file.pk).name == "du-thao.pdf"
    assert copy.has_files
    # the original itself stays closed to him
    assert not kinds.may_see("message", second_specialist, message)
    from django.http import Http404
    with pytest.raises(Http404):
        selectors.get_message(second_specialist, message.pk)


def test_links_show_only_to_who_may_see_the_document(org, register_doc, second_specialist):
    secret = register_doc(secrecy="mat", presented_to=org.head)
    with pytest.raises(ValidationError):  # the sender must see what he links
        send(org, links=[("incoming", secret.pk)])
    message = services.send(by=Actor(org.head), agency=org.agency, subject="Văn bản mật cần xử lý",
                            body="Đề nghị đồng chí Bình nghiên cứu.", to=services.Recipients(people=[org.unit_head]),
                            links=[("incoming", secret.pk)])
    m, copy = selectors.get_message(org.unit_head, message.pk)
    assert selectors.detail(org.unit_head, m, copy).shown.links == []
    m, copy = selectors.get_message(org.head, message.pk)
    assert len(selectors.detail(org.head, m, copy).shown.links) == 1


def test_a_message_becomes_a_task(org):
    message = send(org)
    task = services.make_task(by=Actor(org.unit_head), message=message, owner_person=org.specialist,
                              working_days=5)
    assert task.source == Task.Source.INSTRUCTION and task.source_ref == f"message:{message.pk}"
    assert Link.objects.filter(task=task, kind="message", document_id=message.pk, role="origin").exists()
    assert message.body in task.description and task.deadline > timezone.localdate()
    with pytest.raises(NotAllowed):  # a specialist assigns no task
        services.make_task(by=Actor(org.specialist), message=message, owner_person=org.unit_head, working_days=3)
    with pytest.raises(ValidationError):  # a unit head assigns only within his unit
        services.make_task(by=Actor(org.unit_head), message=message, owner_person=org.clerk, working_days=3)


def test_a_message_is_filed_into_a_dossier(org):
    message = send(org)
    dossier = dossiers.create_dossier(by=Actor(org.unit_head), agency=org.agency, code="01.CNTT",
                                      title="Hồ sơ chuyển đổi số năm 2027", retention="10")
    item = services.file_into(by=Actor(org.unit_head), message=message, dossier=dossier)
    assert item.object_id == message.pk


def test_search_finds_messages_for_their_participants_only(org):
    message = send(org, subject="Đề nghị nâng cấp đường truyền số liệu chuyên dùng")

    def found(person):
        return [(h.entry.kind, h.entry.document_id) for h in search.search(person, "đường truyền số liệu").hits]

    assert ("message", message.pk) in found(org.unit_head)
    assert ("message", message.pk) in found(org.specialist)
    assert ("message", message.pk) not in found(org.head)  # a leader is no participant


def test_a_person_with_two_posts_gets_one_copy(org):
    """The specialist also serves as the office's deputy head (a concurrent post): a message to the
    office's leaders and to the whole CNTT unit reaches her once."""
    from qlvb.org import services as org_services
    from qlvb.org.models import Position

    deputy = org_services.create_position(by=Actor(org.admin), agency=org.agency, name="Phó Chánh Văn phòng",
                                          kind=Position.Kind.UNIT_DEPUTY)
    org_services.assign_post(by=Actor(org.admin), person=org.specialist, unit=org.office, position=deputy,
                             is_concurrent=True)
    message = services.send(by=Actor(org.head), agency=org.agency, subject="Chuẩn bị hội nghị cán bộ",
                            body="Văn phòng và phòng CNTT phối hợp chuẩn bị.",
                            to=services.Recipients(units=[org.office], whole_units=[org.unit]))
    assert Copy.objects.filter(message=message, person=org.specialist).count() == 1
    assert not Copy.objects.filter(message=message, person=org.clerk).exists()  # the office's clerk: no leader


def test_the_notification_says_who_wrote_and_what(org, django_capture_on_commit_callbacks):
    from qlvb.notifications.selectors import text

    with django_capture_on_commit_callbacks(execute=True):
        send(org, subject="Đề nghị hỗ trợ cài đặt chữ ký số")
    note = Notification.objects.get(person=org.unit_head)
    assert text(note) == "Tin nhắn nội bộ từ Trần Thị Mai: Đề nghị hỗ trợ cài đặt chữ ký số"


def test_a_task_from_a_message_before_tet_gets_its_deadline_after_it(org):
    """Tết Đinh Mùi (6 February 2027): a message of Thursday 4 February made a task "within 5
    working days" is due after the break, counted on the calendar."""
    from datetime import date
    from unittest import mock

    from qlvb.core.workdays import working_days_between

    message = send(org)
    with mock.patch("django.utils.timezone.localdate", return_value=date(2027, 2, 4)):
        task = services.make_task(by=Actor(org.unit_head), message=message, owner_person=org.specialist,
                                  working_days=5)
    assert task.deadline > date(2027, 2, 12) and task.deadline.weekday() < 5
    assert working_days_between(date(2027, 2, 4), task.deadline, org.agency) == 5

"""E-mail: against a real SMTP server (aiosmtpd) started by the test. Sent once, retried after a
failure, never with a secret document's summary, only to who wants it."""

from __future__ import annotations

import pytest

from qlvb.notifications import services
from qlvb.notifications.models import Notification, Preference
from qlvb.notifications.tests.conftest import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The e-mail jobs queued (run by hand here, as the worker would)."""
    from qlvb.notifications import tasks

    ids: list[int] = []
    monkeypatch.setattr(tasks, "send_email", lambda pk: ids.append(pk))
    return ids


def tell(org, person, *, secret=False, key="k1", urgent=False):  # noqa: ANN001, ANN201
    params = {"reference": "12/QĐ-UBND", **({"secret": True} if secret else {"summary": "Kế hoạch chuyển đổi số"})}
    services.notify([person], kind="presented", params=params, url="/incoming/1/", urgent=urgent, key=key)
    return Notification.objects.get(person=person, key=key)


def test_a_notification_is_emailed_once_in_vietnamese_with_its_link(org, smtp, queued,
                                                                   django_capture_on_commit_callbacks):
    org.head.email = "giamdoc@sonla.gov.vn"
    org.head.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        note = tell(org, org.head, urgent=True)
    assert queued == [note.pk]
    assert services.send_email(note.pk) is True
    assert services.send_email(note.pk) is False  # a second run of the job: nothing more
    [message] = smtp.messages
    assert message["To"] == "giamdoc@sonla.gov.vn"
    assert message["Subject"].strip() == ("[QLVB] KHẨN: Trình anh/chị cho ý kiến chỉ đạo: "
                                          "12/QĐ-UBND – Kế hoạch chuyển đổi số")
    body = message.get_content()
    assert f"https://qlvb.sonla.gov.vn/notifications/{note.pk}/" in body
    assert "https://qlvb.sonla.gov.vn/notifications/preferences/" in body


def test_a_secret_documents_email_holds_its_number_only(org, smtp):
    org.head.email = "giamdoc@sonla.gov.vn"
    org.head.save(update_fields=["email"])
    note = tell(org, org.head, secret=True)
    services.send_email(note.pk)
    [message] = smtp.messages
    assert "văn bản mật 12/QĐ-UBND" in message["Subject"] and "chuyển đổi" not in message.as_string()


def test_a_failed_sending_is_tried_again_and_then_sent_once(org, smtp, settings):
    org.head.email = "giamdoc@sonla.gov.vn"
    org.head.save(update_fields=["email"])
    note = tell(org, org.head)
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens: the job fails, the worker retries it
    with pytest.raises(OSError):
        services.send_email(note.pk)
    note.refresh_from_db()
    assert note.emailed_at is None
    settings.EMAIL_PORT = port
    assert services.send_email(note.pk) is True and len(smtp.messages) == 1


def test_only_who_wants_it_and_has_an_address_gets_it(org, queued, django_capture_on_commit_callbacks, login):
    for person, address in ((org.head, "gd@x.vn"), (org.deputy, "pgd@x.vn"), (org.unit_head, "")):
        person.email = address
        person.save(update_fields=["email"])
    client = login(org.deputy)
    assert client.post("/notifications/preferences/", {"email_assigned": "1"}).status_code == 302
    assert Preference.objects.get(person=org.deputy, kind="presented").channels == []
    page = client.get("/notifications/preferences/").content.decode()
    assert 'name="email_assigned" value="1" checked' in page and 'name="email_presented" value="1">' in page
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([org.head, org.deputy, org.unit_head], kind="presented", params={}, key="k2")
    assert queued == [Notification.objects.get(person=org.head, key="k2").pk]

"""The most read pages are kept whole for their person between events (core.keptpages), yet a
person is never shown a page older than the last change, someone else's page, or a form that
refuses their post; every opening of a secret document is still logged (R7)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.core.verbs import verb_label
from qlvb.incoming import services
from qlvb.incoming.services import Target

INBOX = "/incoming/list/to_handle/"


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def test_a_second_load_asks_only_who_is_signed_in(org, register_doc, login):
    services.route(by=Actor(org.head), document=register_doc(), main=Target(person=org.specialist))
    client = login(org.specialist)
    first = _queries(client, INBOX)
    # The session, the person, the sign-in record: nothing of the page itself.
    assert _queries(client, INBOX) == 3 < first


def test_a_document_routed_to_the_person_is_in_their_inbox_at_once(org, register_doc, login):
    client = login(org.specialist)
    client.get(INBOX)
    document = register_doc(summary="Về việc kiểm tra trang giữ lại")
    assert "kiểm tra trang giữ lại" not in client.get(INBOX).content.decode()
    services.route(by=Actor(org.head), document=document, main=Target(person=org.specialist))
    assert "kiểm tra trang giữ lại" in client.get(INBOX).content.decode()


def test_nobody_is_served_the_page_kept_for_someone_else(org, register_doc, login):
    services.route(by=Actor(org.head), document=register_doc(summary="Việc riêng của chuyên viên"),
                   main=Target(person=org.specialist))
    specialist, unit_head = login(org.specialist), login(org.unit_head)
    for _ in range(2):
        assert "Việc riêng của chuyên viên" in specialist.get(INBOX).content.decode()
        page = unit_head.get(INBOX).content.decode()
        assert "Việc riêng của chuyên viên" not in page and org.unit_head.full_name in page
    document = register_doc()
    url = f"/incoming/{document.pk}/"
    assert login(org.head).get(url).status_code == 200  # kept for the head…
    assert specialist.get(url).status_code == 404  # …never for someone who may not see it


def test_each_browser_gets_its_own_form_token_and_its_post_is_accepted(org, register_doc, login):
    document = register_doc()
    [task] = services.route(by=Actor(org.head), document=document, main=Target(person=org.specialist))
    first, second = login(org.specialist), login(org.specialist)
    first.get(f"/incoming/{document.pk}/")  # kept from this browser's load…
    cookies, second = second.cookies, Client(enforce_csrf_checks=True)
    second.cookies = cookies
    with CaptureQueriesContext(connection) as ctx:
        page = second.get(f"/incoming/{document.pk}/").content.decode()  # …served to the other
    assert len(ctx.captured_queries) == 3
    tokens = _tokens(page)
    assert tokens and len(tokens) == 1  # every form of the page carries this browser's token
    response = second.post(f"/incoming/{document.pk}/progress/", {
        "csrfmiddlewaretoken": tokens.pop(), "assignment": task.pk, "text": "Tiến độ từ trình duyệt thứ hai"})
    assert response.status_code == 302, response.status_code
    assert "Tiến độ từ trình duyệt thứ hai" in second.get(f"/incoming/{document.pk}/").content.decode()


def test_every_opening_of_a_secret_document_is_logged_and_shown_at_once(org, register_doc, login):
    document = register_doc(secrecy="mat")
    client = login(org.head)
    opened = verb_label("incoming.secret_opened")
    assert client.get("/").content.decode().count(opened) == 0
    for n in range(1, 4):
        response = client.get(f"/incoming/{document.pk}/")
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        # The home page lists the person's own doings, these openings included, at once.
        assert client.get("/").content.decode().count(opened) == n
    assert Event.objects.filter(verb="incoming.secret_opened", target_id=str(document.pk)).count() == 3


def test_a_list_naming_a_secret_document_stays_out_of_the_browsers_cache(org, register_doc, login):
    services.route(by=Actor(org.head), document=register_doc(secrecy="mat"), main=Target(person=org.specialist))
    client = login(org.specialist)
    for _ in range(2):
        assert "no-store" in client.get(INBOX)["Cache-Control"]


def test_a_message_waiting_is_shown_on_a_kept_page(org, register_doc, login):
    document = register_doc()
    [_main, informed] = services.route(by=Actor(org.head), document=document, main=Target(person=org.specialist),
                                       informed=[Target(person=org.unit_head)])
    client = login(org.unit_head)
    url = f"/incoming/{document.pk}/"
    client.get(url)
    assert _queries(client, url) == 3  # kept
    # Refused, so no event moves anything: only the message tells the person why.
    response = client.post(f"{url}progress/", {"assignment": informed.pk, "text": "Đã xem"}, follow=True)
    assert "Văn bản nhận để biết không cần xử lý." in response.content.decode()
    assert _queries(client, url) == 3  # and the message is shown once


def test_the_next_day_the_page_is_made_afresh(org, register_doc, login, monkeypatch):
    services.route(by=Actor(org.head), document=register_doc(), main=Target(person=org.specialist))
    client = login(org.specialist)
    client.get(INBOX)
    assert _queries(client, INBOX) == 3
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert _queries(client, INBOX) > 3


@pytest.mark.parametrize("setting", [False])
def test_pages_can_be_made_afresh_every_time(org, register_doc, login, settings, setting):
    settings.QLVB_KEEP_PAGES = setting
    client = login(org.specialist)
    client.get(INBOX)
    assert _queries(client, INBOX) > 3

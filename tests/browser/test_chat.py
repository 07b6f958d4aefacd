"""Chat for work (003 Đ11) in two real browsers: the specialist and the head of CNTT open their
unit's room; one writes, the other sees it at once without reloading, and answers with a mention;
a message with a file goes through the form; the clerk (another unit) gets a 404. The pages are
served by daphne (the ASGI server the production runs for the sockets), in a thread of this
process, so the browsers' WebSockets reach the same test database as the pages.
Screenshots of the room on a desktop and on a phone."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from qlvb.chat.models import Message, Room
from qlvb.notifications.models import Notification
from tests.browser.conftest import Session
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser
_SERVER: dict[str, str] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_daphne() -> str:
    """daphne in a daemon thread, serving the pages (with their static files) and the sockets;
    once per test process (Twisted's reactor does not start twice)."""
    if "url" in _SERVER:
        return _SERVER["url"]
    from channels.auth import AuthMiddlewareStack
    from channels.routing import ProtocolTypeRouter, URLRouter
    from channels.security.websocket import AllowedHostsOriginValidator
    from daphne.endpoints import build_endpoint_description_strings
    from daphne.server import Server
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    from qlvb.chat.routing import websocket_urlpatterns

    application = ProtocolTypeRouter({
        "http": ASGIStaticFilesHandler(get_asgi_application()),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    })
    port = _free_port()
    server = Server(application=application, endpoints=build_endpoint_description_strings(host="127.0.0.1",
                                                                                          port=port),
                    signal_handlers=False, verbosity=0)
    threading.Thread(target=server.run, daemon=True, name="daphne").start()
    deadline = time.monotonic() + 20
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            break
        if time.monotonic() > deadline:
            raise RuntimeError("daphne did not start")
        time.sleep(0.1)
    _SERVER["url"] = f"http://127.0.0.1:{port}"
    return _SERVER["url"]


@pytest.fixture
def asgi_session(browser, transactional_db, request: pytest.FixtureRequest) -> Iterator[Session]:  # noqa: ANN001
    opened = Session(browser, _start_daphne(), request.node.name)
    yield opened
    opened.close()
    assert not opened.problems, opened.problems


def test_two_browsers_chat_live(org, asgi_session, local_storage, tmp_path):
    session = asgi_session
    mai = session.new_page()  # Trần Thị Mai, specialist of CNTT, on a desktop
    binh = session.new_page(phone=True)  # Nguyễn Văn Bình, head of CNTT, on his phone
    sign_in(mai, org.specialist)
    sign_in(binh, org.unit_head)

    mai.goto("/chat/")
    mai.get_by_role("button", name="Phòng Công nghệ thông tin").click()
    expect(mai.locator("#chat-title")).to_have_text("Phòng Công nghệ thông tin")
    room = Room.objects.get(kind=Room.Kind.UNIT, unit=org.unit)
    binh.goto(f"/chat/{room.pk}/")
    expect(mai.locator("#chat-live")).to_have_class("badge text-bg-success")
    expect(binh.locator("#chat-live")).to_have_class("badge text-bg-success")

    # Mai writes; Bình's page shows it without a reload.
    mai.fill("#id_body", "Em đã gửi dự thảo báo cáo chuyển đổi số quý IV, anh xem giúp em.")
    mai.keyboard.press("Enter")
    expect(binh.locator("#chat-log .chat-message").last).to_contain_text("dự thảo báo cáo chuyển đổi số quý IV")
    expect(binh.locator("#chat-log .chat-message").last).to_contain_text("Trần Thị Mai")
    expect(mai.locator("#id_body")).to_have_value("")

    # Bình answers with a mention; Mai sees it live, and is told (notifications, kind "chat").
    binh.fill("#id_body", "@Trần Thị Mai anh đã xem, em bổ sung số liệu tháng 12 nhé.")
    binh.click("#chat-send")
    expect(mai.locator("#chat-log .chat-message").last).to_contain_text("bổ sung số liệu tháng 12")
    for _ in range(50):
        if Notification.objects.filter(person=org.specialist, kind=Notification.Kind.CHAT).exists():
            break
        time.sleep(0.1)
    assert Notification.objects.filter(person=org.specialist, kind=Notification.Kind.CHAT).exists()

    # A file goes through the form (a POST), and arrives on the other page live too.
    report = tmp_path / "so-lieu-thang-12.pdf"
    from qlvb.incoming.tests.conftest import pdf_upload

    report.write_bytes(pdf_upload().read())
    mai.fill("#id_body", "Số liệu tháng 12 đính kèm.")
    mai.set_input_files("#chat-files", str(report))
    with mai.expect_navigation():
        mai.click("#chat-send")
    expect(binh.locator("#chat-log a", has_text="so-lieu-thang-12.pdf")).to_be_visible()
    assert Message.objects.filter(room=room).count() == 3

    # Search in the room's history.
    mai.fill("#chat-search", "quý IV")
    mai.press("#chat-search", "Enter")
    expect(mai.locator("#chat-log .chat-message")).to_have_count(1)
    mai.goto(f"/chat/{room.pk}/")
    session.shot(mai, "room-desktop")
    session.shot(binh, "room-phone")

    # The clerk of the office is not in CNTT's room.
    clerk = session.new_page()
    sign_in(clerk, org.clerk)
    assert clerk.goto(f"/chat/{room.pk}/").status == 404

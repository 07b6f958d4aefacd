"""The room's socket (channels.testing.WebsocketCommunicator against qlvb.asgi): signed in by the
session cookie, refused to anyone who may not enter the room, delivering a message posted on the
page or on another socket to every member's socket, and telling its sender alone of a refusal."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings

from qlvb.asgi import application
from qlvb.chat import services
from qlvb.chat.models import Message
from qlvb.core.actor import Actor

pytestmark = pytest.mark.django_db(transaction=True)
T = TypeVar("T")


def run(talk: Callable[[], Awaitable[T]]) -> T:
    """The coroutine run to its end. Where a browser test ran before in this process, Playwright's
    event loop still runs in this thread (the session's browser fixture) and async_to_sync
    refuses it: then from a thread of its own (the database is committed: transaction=True)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return async_to_sync(talk)()
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(async_to_sync(talk)).result()


def _headers(client) -> list[tuple[bytes, bytes]]:  # noqa: ANN001
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [(b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode()), (b"origin", b"http://localhost")]


def _socket(room_id: int, headers: list[tuple[bytes, bytes]] | None = None) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, f"/ws/chat/{room_id}/", headers=headers or
                                 [(b"origin", b"http://localhost")])


def test_the_socket_refuses_non_members_and_strangers(org, login):
    room = services.unit_room(by=Actor(org.specialist), unit=org.unit)
    clerk, member = _headers(login(org.clerk)), _headers(login(org.specialist))

    async def attempts() -> list[tuple[bool, int | None]]:
        results = []
        for headers in (None, clerk):  # signed out; signed in but not in CNTT
            socket = _socket(room.pk, headers)
            connected, code = await socket.connect()
            results.append((connected, code))
            await socket.disconnect()
        missing = _socket(room.pk + 1000, member)
        results.append(await missing.connect())
        await missing.disconnect()
        foreign = WebsocketCommunicator(application, f"/ws/chat/{room.pk}/",
                                        headers=[member[0], (b"origin", b"http://evil.example")])
        results.append(await foreign.connect())
        await foreign.disconnect()
        return results

    results = run(attempts)
    assert [connected for connected, _code in results] == [False, False, False, False]
    assert results[0][1] == results[1][1] == 4404


def test_messages_reach_every_members_socket(org, login):
    room = services.unit_room(by=Actor(org.specialist), unit=org.unit)
    sender, reader = _headers(login(org.specialist)), _headers(login(org.unit_head))

    async def talk() -> tuple[dict, dict, dict, dict]:
        one, two = _socket(room.pk, sender), _socket(room.pk, reader)
        assert (await one.connect())[0] and (await two.connect())[0]
        await one.send_json_to({"body": f"Anh @{org.unit_head.username} xem giúp em dự thảo"})
        seen_by_reader = await two.receive_json_from(timeout=5)
        seen_by_sender = await one.receive_json_from(timeout=5)
        await one.send_json_to({"body": "   "})
        refused = await one.receive_json_from(timeout=5)
        assert await two.receive_nothing(timeout=0.3)
        await one.send_json_to(["not", "a", "message"])
        invalid = await one.receive_json_from(timeout=5)
        await one.disconnect()
        await two.disconnect()
        return seen_by_reader, seen_by_sender, refused, invalid

    seen_by_reader, seen_by_sender, refused, invalid = run(talk)
    message = Message.objects.get()
    assert seen_by_reader == seen_by_sender
    assert seen_by_reader["message"]["id"] == message.pk
    assert seen_by_reader["message"]["author"]["name"] == "Trần Thị Mai"
    assert seen_by_reader["message"]["mentions"] == [org.unit_head.pk]
    assert "body" not in refused and refused["error"]
    assert invalid == {"error": "invalid"}
    assert Message.objects.count() == 1


def test_a_message_posted_on_the_page_arrives_on_the_socket(org, login):
    room = services.unit_room(by=Actor(org.specialist), unit=org.unit)
    page = login(org.specialist)
    headers = _headers(login(org.unit_head))

    async def listen() -> dict:
        from channels.db import database_sync_to_async

        socket = _socket(room.pk, headers)
        assert (await socket.connect())[0]
        await database_sync_to_async(page.post)(f"/chat/{room.pk}/post/", {"body": "Đã gửi báo cáo tuần"})
        received = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return received

    assert run(listen)["message"]["body"] == "Đã gửi báo cáo tuần"

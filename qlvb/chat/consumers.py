"""The room's socket (ws/chat/<room id>/): signed in by the session (AuthMiddlewareStack), refused
(closed with 4404, like the page's 404) for anyone who may not enter the room. It receives the
room's new messages as JSON and accepts {"body": "..."} to post one (files go through the page's
form or the API); a bad message is answered {"error": "..."} to its sender alone."""

from __future__ import annotations

from typing import Any

from channels.db import DatabaseSyncToAsync, database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import ValidationError

from qlvb.chat import live, rules, services
from qlvb.chat.models import Room
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed

REFUSED = 4404


@database_sync_to_async
def _enter(user: Any, room_id: int) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active or user.locked_at:
        return False
    room = Room.objects.filter(pk=room_id).first()
    return room is not None and rules.may_enter(user, room)


def _post_now(user: Any, room_id: int, body: str, ip: str | None) -> str:
    room = Room.objects.filter(pk=room_id).first()
    if room is None:
        return "404"
    try:
        services.post(by=Actor(user, ip=ip), room=room, body=body)
    except ValidationError as error:
        return " ".join(error.messages)
    except NotAllowed:
        return "404"
    return ""


# Posts of several sockets run side by side in the executor's threads (each with its own database
# connection), not one after the other in the single thread database_sync_to_async uses: a message
# waits for the database, not for the messages of the whole server before it.
_post = DatabaseSyncToAsync(_post_now, thread_sensitive=False)


class RoomConsumer(AsyncJsonWebsocketConsumer):
    room_id: int
    joined = False

    async def connect(self) -> None:
        self.room_id = int(self.scope["url_route"]["kwargs"]["room_id"])
        if not await _enter(self.scope.get("user"), self.room_id):
            await self.close(code=REFUSED)
            return
        await self.channel_layer.group_add(live.group(self.room_id), self.channel_name)
        self.joined = True
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.joined:
            await self.channel_layer.group_discard(live.group(self.room_id), self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        body = content.get("body") if isinstance(content, dict) else None
        if not isinstance(body, str):
            await self.send_json({"error": "invalid"})
            return
        client = self.scope.get("client") or (None, None)
        problem = await _post(self.scope["user"], self.room_id, body, client[0])
        if problem == "404":  # no longer a member (a post ended, the document closed to him)
            await self.close(code=REFUSED)
        elif problem:
            await self.send_json({"error": problem})

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self.send_json({"message": event["message"]})

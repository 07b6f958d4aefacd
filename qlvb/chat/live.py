"""Live delivery: a message committed is sent to the room's group on the channel layer (Django
Channels: in-process by default, Redis when REDIS_URL is set, so every node's sockets hear it).
Subscribed to "chat.message_posted" after commit: a message is never shown before it is kept."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def group(room_id: int) -> str:
    return f"chat.room.{room_id}"


def broadcast(event: Any) -> None:
    from qlvb.chat.selectors import one, payload

    message = one(int((event.data or {}).get("message") or 0))
    layer = get_channel_layer()
    if message is None or layer is None:
        return
    async_to_sync(layer.group_send)(group(message.room_id), {"type": "chat.message", "message": payload(message)})

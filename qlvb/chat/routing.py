from django.urls import path

from qlvb.chat.consumers import RoomConsumer

websocket_urlpatterns = [path("ws/chat/<int:room_id>/", RoomConsumer.as_asgi())]

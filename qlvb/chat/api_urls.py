"""Chat for work (003 Đ11): rooms of units, documents and tasks, direct conversations; messages."""
from django.urls import path

from qlvb.chat import api

urlpatterns = [
    path("rooms/", api.room_list, name="api-chat-rooms"),
    path("rooms/<int:pk>/", api.room_detail, name="api-chat-room"),
    path("rooms/<int:pk>/messages/", api.messages, name="api-chat-messages"),
]

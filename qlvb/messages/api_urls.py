"""Internal messages (R18, 003 Đ8.2): folders, one message, send, reply, forward, move, read, task."""
from django.urls import path

from qlvb.messages import api

urlpatterns = [
    path("", api.message_list, name="api-messages"),
    path("<int:pk>/", api.message_detail, name="api-message"),
    path("<int:pk>/reply/", api.reply, name="api-message-reply"),
    path("<int:pk>/forward/", api.forward, name="api-message-forward"),
    path("<int:pk>/move/", api.move, name="api-message-move"),
    path("<int:pk>/read/", api.read, name="api-message-read"),
    path("<int:pk>/task/", api.make_task, name="api-message-task"),
]

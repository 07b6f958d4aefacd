from django.urls import path

from qlvb.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.item, name="item"),
    path("<int:pk>/files/<int:file_pk>/<slug:disposition>/", views.file_view, name="file"),
    path("<int:pk>/<slug:verb>/", views.action, name="action"),
    path("outgoing/<int:pk>/change/", views.send_change, name="send_change"),
    path("mailbox/", views.mailbox, name="mailbox"),
    path("peers/", views.peers, name="peers"),
    path("peers/<int:pk>/", views.peers, name="peer"),
    path("peers/<int:pk>/active/", views.peer_active, name="peer_active"),
    path("axis/", views.axis, name="axis"),
    path("axis/<slug:verb>/", views.axis_action, name="axis_action"),
]

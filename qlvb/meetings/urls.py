from django.urls import path

from qlvb.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="home"),
    path("list/<slug:name>/", views.meeting_list, name="list"),
    path("new/", views.create, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/notice/", views.notice, name="notice"),
    path("<int:pk>/files/<int:file_pk>/<slug:disposition>/", views.file_view, name="file"),
    path("<int:pk>/<slug:verb>/", views.action, name="action"),
]

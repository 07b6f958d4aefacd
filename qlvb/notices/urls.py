from django.urls import path

from qlvb.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="home"),
    path("list/<slug:name>/", views.notice_list, name="list"),
    path("new/", views.create, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pin/", views.pin, name="pin"),
    path("<int:pk>/files/<int:file_pk>/<slug:disposition>/", views.file_view, name="file"),
]

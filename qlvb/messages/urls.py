from django.urls import path

from qlvb.messages import views

app_name = "messages"
urlpatterns = [
    path("", views.folder, name="home"),
    path("folder/<slug:name>/", views.folder, name="folder"),
    path("folder/<slug:name>/move/", views.bulk, name="bulk"),
    path("new/", views.compose, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/files/<int:file_pk>/<slug:disposition>/", views.file_view, name="file"),
    path("<int:pk>/<slug:verb>/", views.action, name="action"),
]

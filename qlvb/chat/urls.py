from django.urls import path

from qlvb.chat import views

app_name = "chat"
urlpatterns = [
    path("", views.home, name="home"),
    path("direct/", views.open_direct, name="direct"),
    path("unit/<int:unit_pk>/", views.open_unit, name="unit"),
    path("document/<slug:kind>/<int:document_pk>/", views.open_document, name="document"),
    path("<int:pk>/", views.room, name="room"),
    path("<int:pk>/post/", views.post, name="post"),
    path("<int:pk>/files/<int:file_pk>/", views.file_view, name="file"),
    path("<int:pk>/files/<int:file_pk>/<slug:disposition>/", views.file_view, name="file_as"),
]

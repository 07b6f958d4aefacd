from django.urls import path

from qlvb.digitisation import views

app_name = "digitisation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("suggest/", views.suggest, name="suggest"),
    path("<slug:app>/<int:doc>/<int:stored>/", views.status, name="status"),
    path("<slug:app>/<int:doc>/<int:stored>/searchable/", views.searchable, name="searchable"),
    path("<slug:app>/<int:doc>/<int:stored>/text/", views.text, name="text"),
    path("<slug:app>/<int:doc>/<int:stored>/rerun/", views.rerun, name="rerun"),
]

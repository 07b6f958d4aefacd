from django.urls import path

from qlvb.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list, name="home"),
    path("list/<slug:name>/", views.task_list, name="list"),
    path("overview/", views.overview, name="overview"),
    path("assign/", views.assign, name="assign"),
    path("<int:parent>/split/", views.assign, name="split"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/files/<int:file_pk>/<slug:disposition>/", views.file_view, name="file"),
    path("<int:pk>/<slug:verb>/", views.action, name="action"),
]

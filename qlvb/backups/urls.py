from django.urls import path

from qlvb.backups import views

app_name = "backups"
urlpatterns = [
    path("", views.backups, name="list"),
    path("take/", views.take_now, name="take"),
]

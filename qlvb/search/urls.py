from django.urls import path

from qlvb.search import views

app_name = "search"

urlpatterns = [
    path("", views.search, name="search"),
    path("export.xlsx", views.export, name="export"),
    path("saved/", views.save, name="save"),
    path("saved/<int:pk>/delete/", views.delete, name="delete"),
]

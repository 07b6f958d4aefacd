from django.urls import path

from qlvb.registers import admin_views, views

app_name = "registers"
urlpatterns = [
    path("", views.register_list, name="list"),
    path("<int:pk>/edit/", admin_views.edit, name="edit"),
    path("<int:pk>/active/", admin_views.set_active, name="set_active"),
]

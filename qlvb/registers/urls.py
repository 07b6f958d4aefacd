from django.urls import path

from qlvb.registers import views

app_name = "registers"
urlpatterns = [path("", views.register_list, name="list")]

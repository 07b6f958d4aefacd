from django.urls import path

from qlvb.administration import views

app_name = "administration"
urlpatterns = [
    path("", views.hub, name="hub"),
    path("parameters/", views.parameters_page, name="parameters"),
    path("flow/", views.flow_home, name="flow_home"),
    path("flow/<int:pk>/", views.flow, name="flow"),
]

from django.urls import path

from qlvb.disclosures import views

app_name = "disclosures"
urlpatterns = [
    path("", views.register, name="home"),
    path("new/", views.create, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
]

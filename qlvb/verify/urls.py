from django.urls import path

from qlvb.verify import views

app_name = "verify"
urlpatterns = [
    path("", views.home, name="home"),
    path("<str:code>/", views.code_page, name="code"),
]

from django.urls import path

from qlvb.signatures import views

app_name = "signatures"
urlpatterns = [
    path("", views.certificates, name="certificates"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
]

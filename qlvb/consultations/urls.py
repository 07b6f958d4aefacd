from django.urls import path

from qlvb.consultations import views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list, name="home"),
    path("list/<slug:name>/", views.consultation_list, name="list"),
    path("new/", views.create, name="new"),
    path("meet-director/", views.meeting_requests, name="meeting_requests"),
    path("meet-director/<int:pk>/", views.meeting_request, name="meeting_request"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results.<slug:fmt>", views.export, name="export"),
    path("<int:pk>/<slug:verb>/", views.action, name="action"),
]

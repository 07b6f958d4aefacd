from django.urls import path

from qlvb.itstaff import views

app_name = "itstaff"
urlpatterns = [
    path("", views.home, name="home"),
    path("agency/<int:agency_id>/", views.agency_view, name="agency"),
    path("staff/new/", views.staff_new, name="staff_new"),
    path("staff/<int:pk>/", views.staff_detail, name="staff"),
    path("reports/", views.report_list, name="reports"),
    path("reports/templates/new/", views.template_new, name="template_new"),
    path("reports/rounds/<int:pk>/", views.round_view, name="round"),
    path("reports/rounds/<int:pk>/write/", views.write, name="write"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/new/", views.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident"),
]

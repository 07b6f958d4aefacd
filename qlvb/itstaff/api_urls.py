"""IT staff, reports and incidents (R27, seed 004)."""
from django.urls import path

from qlvb.itstaff import api

urlpatterns = [
    path("department/", api.department, name="api-itstaff-department"),
    path("agencies/<int:pk>/", api.agency_registry, name="api-itstaff-agency"),
    path("staff/", api.staff_create, name="api-itstaff-staff-create"),
    path("staff/<int:pk>/", api.staff_detail, name="api-itstaff-staff"),
    path("staff/<int:pk>/certificates/", api.certificate_create, name="api-itstaff-certificates"),
    path("staff/<int:pk>/trainings/", api.training_create, name="api-itstaff-trainings"),
    path("templates/", api.templates, name="api-itstaff-templates"),
    path("templates/<int:pk>/round/", api.round_rows, name="api-itstaff-round"),
    path("templates/<int:pk>/report/", api.my_report, name="api-itstaff-my-report"),
    path("reports/<int:pk>/", api.report_detail, name="api-itstaff-report"),
    path("reports/<int:pk>/submit/", api.report_submit, name="api-itstaff-report-submit"),
    path("reports/<int:pk>/return/", api.report_return, name="api-itstaff-report-return"),
    path("reports/<int:pk>/accept/", api.report_accept, name="api-itstaff-report-accept"),
    path("incidents/", api.incidents, name="api-itstaff-incidents"),
    path("incidents/stats/", api.incident_stats, name="api-itstaff-incident-stats"),
    path("incidents/<int:pk>/", api.incident_detail, name="api-itstaff-incident"),
    path("incidents/<int:pk>/close/", api.incident_close, name="api-itstaff-incident-close"),
]

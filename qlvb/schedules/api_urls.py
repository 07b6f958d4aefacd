from django.urls import path

from qlvb.schedules import api

urlpatterns = [
    path("entries/", api.entry_list, name="api-schedule-entries"),
    path("entries/<str:pk>/", api.entry_detail, name="api-schedule-entry"),
    path("entries/<str:pk>/reports/", api.entry_reports, name="api-schedule-entry-reports"),
]

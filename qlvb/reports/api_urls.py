from django.urls import path

from qlvb.reports import api

urlpatterns = [
    path("", api.report_list, name="api-reports"),
    path("received/", api.received, name="api-reports-received"),
    path("overview/", api.overview, name="api-reports-overview"),
    path("<int:pk>/", api.report_detail, name="api-report"),
    path("<int:pk>/assemble/", api.assemble, name="api-report-assemble"),
    path("<int:pk>/send/", api.send, name="api-report-send"),
]

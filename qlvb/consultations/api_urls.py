"""Consultations and surveys (R26, 002 Đ7, Đ22–Đ23), and requests to meet the director."""
from django.urls import path

from qlvb.consultations import api

urlpatterns = [
    path("", api.consultation_list, name="api-consultations"),
    path("meeting-requests/", api.meeting_requests, name="api-consultation-meeting-requests"),
    path("meeting-requests/<int:pk>/", api.meeting_request, name="api-consultation-meeting-request"),
    path("meeting-requests/<int:pk>/answer/", api.answer_meeting_request,
         name="api-consultation-meeting-request-answer"),
    path("<int:pk>/", api.consultation_detail, name="api-consultation"),
    path("<int:pk>/questions/", api.add_question, name="api-consultation-questions"),
    path("<int:pk>/open/", api.open_consultation, name="api-consultation-open"),
    path("<int:pk>/close/", api.close, name="api-consultation-close"),
    path("<int:pk>/publish/", api.publish, name="api-consultation-publish"),
    path("<int:pk>/answer/", api.answer, name="api-consultation-answer"),
    path("<int:pk>/results/", api.results, name="api-consultation-results"),
]

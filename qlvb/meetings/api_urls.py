"""Meetings (R22, 001 Đ11, 000 Đ3.1.g): periodic and ad hoc meetings, invitees, agenda, minutes, conclusions."""
from django.urls import path

from qlvb.meetings import api

urlpatterns = [
    path("", api.meeting_list, name="api-meetings"),
    path("<int:pk>/", api.meeting_detail, name="api-meeting"),
    path("<int:pk>/invite/", api.invite, name="api-meeting-invite"),
    path("<int:pk>/answer/", api.answer, name="api-meeting-answer"),
    path("<int:pk>/minutes/", api.minutes, name="api-meeting-minutes"),
    path("<int:pk>/conclusions/", api.conclusions, name="api-meeting-conclusions"),
    path("<int:pk>/conclusions/publish/", api.publish, name="api-meeting-publish"),
    path("<int:pk>/conclusions/<int:item>/", api.conclusion_remove, name="api-meeting-conclusion"),
    path("<int:pk>/agenda/", api.agenda, name="api-meeting-agenda"),
    path("<int:pk>/agenda/<int:item>/", api.agenda_remove, name="api-meeting-agenda-item"),
    path("<int:pk>/tasks/", api.make_tasks, name="api-meeting-tasks"),
    path("<int:pk>/cancel/", api.cancel, name="api-meeting-cancel"),
]

"""Routes of the signing-sessions API, included under /api/v1/signatures/."""

from django.urls import path

from qlvb.signatures import api

urlpatterns = [
    path("sessions/<str:token>/", api.session_state, name="signing-session"),
    path("sessions/<str:token>/complete/", api.session_complete, name="signing-session-complete"),
]

from django.urls import path

from qlvb.signatures import trust_views, views

app_name = "signatures"
urlpatterns = [
    path("", views.certificates, name="certificates"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("sessions/<str:token>/", views.session_state, name="session"),
    path("sessions/<str:token>/complete/", views.session_complete, name="session_complete"),
    path("sessions/<str:token>/sign/", views.session_sign, name="session_sign"),
    path("sessions/<str:token>/prepared/", views.session_prepared, name="session_prepared"),
    path("sessions/<str:token>/file/", views.session_file, name="session_file"),
    path("trust/", trust_views.anchors, name="trust"),
    path("trust/<int:pk>/active/", trust_views.anchor_active, name="trust_active"),
    path("agency/<int:pk>/", trust_views.agency_settings, name="agency_settings"),
]

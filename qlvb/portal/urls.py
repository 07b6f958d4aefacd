from django.urls import path

from qlvb.portal import views

app_name = "portal"
urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:pk>/remove/", views.calendar_remove, name="calendar_remove"),
    path("audit/", views.audit, name="audit"),
]

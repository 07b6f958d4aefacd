from django.urls import path

from qlvb.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("bell/", views.bell, name="bell"),
    path("bell/list/", views.bell_list, name="bell_list"),
    path("read-all/", views.read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("push/subscribe/", views.push_subscribe, name="push_subscribe"),
    path("push/unsubscribe/", views.push_unsubscribe, name="push_unsubscribe"),
    path("defaults/", views.agency_defaults, name="defaults"),
    path("defaults/<int:agency_id>/", views.agency_defaults, name="agency_defaults"),
    path("<int:pk>/", views.open_notification, name="open"),
]

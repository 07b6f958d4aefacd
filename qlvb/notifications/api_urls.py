from django.urls import path

from qlvb.notifications import api

urlpatterns = [
    path("", api.notification_list, name="api-notifications"),
    path("read-all/", api.read_all, name="api-notifications-read-all"),
    path("<int:pk>/read/", api.mark_read, name="api-notification-read"),
    path("push-key/", api.push_key, name="api-notifications-push-key"),
    path("push-subscriptions/", api.push_subscribe, name="api-notifications-push-subscribe"),
    path("push-subscriptions/<int:pk>/", api.push_unsubscribe, name="api-notifications-push-unsubscribe"),
]

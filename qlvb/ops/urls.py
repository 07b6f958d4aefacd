from django.urls import path

from qlvb.ops import views

app_name = "ops"
urlpatterns = [
    path("health/", views.endpoint, name="endpoint"),
    path("metrics", views.metrics, name="metrics"),
    path("ops/health/", views.page, name="health_page"),
]

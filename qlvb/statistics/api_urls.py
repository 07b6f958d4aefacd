from django.urls import path  # noqa: F401 - the API (api.py) adds its paths here

urlpatterns: list = []

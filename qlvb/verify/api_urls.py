from django.urls import path

from qlvb.verify import api

urlpatterns = [
    path("<str:code>/", api.verification, name="api-verify"),
]

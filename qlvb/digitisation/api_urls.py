"""Routes of the digitisation API, included under /api/v1/digitisation/."""

from django.urls import path

from qlvb.digitisation import api

urlpatterns = [
    path("<slug:app>/<int:doc>/files/", api.files, name="api-digitisation-files"),
    path("<slug:app>/<int:doc>/files/<int:stored>/text/", api.text, name="api-digitisation-text"),
    path("<slug:app>/<int:doc>/files/<int:stored>/rerun/", api.rerun, name="api-digitisation-rerun"),
]

"""The installable app, at the site's root: the manifest, the service worker (its scope is the
folder it is served from) and the offline page."""

from django.urls import path

from qlvb.notifications import views

urlpatterns = [
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
]

"""Routes of the incoming-documents API, included under /api/v1/incoming/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from qlvb.incoming import api

router = SimpleRouter()
router.register("documents", api.IncomingDocumentViewSet, basename="incoming-document")
router.register("assignments", api.IncomingAssignmentViewSet, basename="incoming-assignment")

urlpatterns = [
    path("counts/", api.counts, name="incoming-counts"),
    path("", include(router.urls)),
]

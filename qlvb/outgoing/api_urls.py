"""Routes of the outgoing-documents API, included under /api/v1/outgoing/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from qlvb.outgoing import api

router = SimpleRouter()
router.register("documents", api.OutgoingDocumentViewSet, basename="outgoing-document")
router.register("joint", api.JointDocumentViewSet, basename="outgoing-joint")

urlpatterns = [
    path("counts/", api.counts, name="outgoing-counts"),
    path("", include(router.urls)),
]

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from qlvb.org import api as org_api
from qlvb.search import api as search_api

router = DefaultRouter()
router.register("agencies", org_api.AgencyViewSet, basename="agency")
router.register("units", org_api.UnitViewSet, basename="unit")
router.register("positions", org_api.PositionViewSet, basename="position")
router.register("people", org_api.PersonViewSet, basename="person")
router.register("fields", org_api.FieldViewSet, basename="field")
router.register("signing-authorities", org_api.SigningAuthorityViewSet, basename="signing-authority")
router.register("delegations", org_api.DelegationViewSet, basename="delegation")

urlpatterns = [
    path("me/", org_api.me, name="api-me"),
    path("incoming/", include("qlvb.incoming.api_urls")),
    path("outgoing/", include("qlvb.outgoing.api_urls")),
    path("signatures/", include("qlvb.signatures.api_urls")),
    path("exchange/", include("qlvb.exchange.api_urls")),
    path("search/", search_api.search, name="api-search"),
    path("digitisation/", include("qlvb.digitisation.api_urls")),
    path("notifications/", include("qlvb.notifications.api_urls")),
    path("schedules/", include("qlvb.schedules.api_urls")),
    path("tasks/", include("qlvb.tasks.api_urls")),
    path("meetings/", include("qlvb.meetings.api_urls")),
    path("programmes/", include("qlvb.programmes.api_urls")),
    path("reports/", include("qlvb.reports.api_urls")),
    path("notices/", include("qlvb.notices.api_urls")),
    path("leave/", include("qlvb.leave.api_urls")),
    path("itstaff/", include("qlvb.itstaff.api_urls")),
    path("handovers/", include("qlvb.handover.api_urls")),
    path("disclosures/", include("qlvb.disclosures.api_urls")),
    path("consultations/", include("qlvb.consultations.api_urls")),
    path("messages/", include("qlvb.messages.api_urls")),
    path("statistics/", include("qlvb.statistics.api_urls")),
    path("chat/", include("qlvb.chat.api_urls")),
    path("verify/", include("qlvb.verify.api_urls")),
    path("", include(router.urls)),
]

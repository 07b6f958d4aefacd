"""Routes of the exchange API, included under /api/v1/exchange/."""

from django.urls import path

from qlvb.exchange import api

urlpatterns = [
    path("packages/", api.PackageEndpoint.as_view(), name="exchange-packages"),
    path("reception/", api.reception_list, name="exchange-reception"),
    path("reception/<int:pk>/", api.reception_detail, name="exchange-reception-detail"),
    path("reception/<int:pk>/accept/", api.reception_accept, name="exchange-reception-accept"),
    path("reception/<int:pk>/reject/", api.reception_reject, name="exchange-reception-reject"),
    path("outgoing/<int:pk>/statuses/", api.outgoing_statuses, name="exchange-outgoing-statuses"),
]

"""Hand-over of a person's open work (000 Đ4.1.d): past records, preview, perform."""
from django.urls import path

from qlvb.handover import api

urlpatterns = [
    path("", api.hand_over_list, name="api-handovers"),
    path("<int:pk>/", api.hand_over_detail, name="api-handover"),
    path("people/<int:pk>/", api.person_work, name="api-handover-person"),
]
